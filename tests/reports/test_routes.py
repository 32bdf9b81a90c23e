def test_a_bulletin_note_without_a_period_is_a_clear_message_not_an_error(world):
    client = world.client_for("office_staff")
    response = client.post("/reports/bulletin/notes/", {}, follow=True)
    assert response.status_code == 200
    assert "请选择正确的通报期间" in response.content.decode()


def test_dashboard_api_with_a_bad_period_is_a_structured_error(world):
    response = world.client_for("office_staff").get("/api/reports/dashboard?kind=month&period=zzz")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_period"
