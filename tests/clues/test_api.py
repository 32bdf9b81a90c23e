"""The clue API: same filters and visibility as the pages, every step, structured errors."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from taizhang.accounts.models import ApiToken
from taizhang.clues.choices import ClueStatus
from taizhang.clues.models import Clue


@pytest.fixture
def api(world):
    def client_for(key):
        _token, secret = ApiToken.issue(world.people[key], "tests")
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    return client_for


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_register_and_read(world, api):
    client = api("office_staff")
    response = _post(
        client,
        "/api/clues/",
        {
            "office_id": world.units["city"].pk,
            "channel": "phone",
            "received_at": "2026-02-01T10:00:00+08:00",
            "summary": "夜市强收摊位费",
            "facts": "来电反映夜市有人强收摊位费。",
            "subjects": [{"name": "孙某"}],
            "reporter": {"kind": "real_name", "identity": {"name": "真名"}},
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("2026-SH-") and body["reporter"] == "实名举报（身份已加密）"
    assert "真名" not in response.content.decode()
    assert client.get(f"/api/clues/{body['id']}").json()["summary"] == "夜市强收摊位费"


def test_list_uses_the_ledger_filters(world, walk, api):
    walk.register(summary="客运站强揽客源")
    walk.triaged(summary="砂石码头强收费")
    client = api("office_staff")
    body = client.get("/api/clues/", {"status": "triaged"}).json()
    assert body["count"] == 1 and body["items"][0]["summary"] == "砂石码头强收费"
    assert body["counts"] == {"registered": 1, "triaged": 1}
    assert client.get("/api/clues/", {"q": "客运站", "per": 1}).json()["count"] == 1


def test_every_step_through_the_api(world, walk, api):
    clue = walk.register()
    office, liaison, leader, police = (
        api("office_staff"),
        api("liaison"),
        api("unit_leader"),
        api("police_liaison"),
    )
    url = f"/api/clues/{clue.pk}"
    assert _post(office, f"{url}/triage", {"category": "evil"}).json()["status"] == "triaged"
    unit = world.units["transport"].pk
    assert _post(office, f"{url}/assign", {"unit_id": unit}).json()["status"] == "assigned"
    assert _post(office, f"{url}/reassign", {"unit_id": unit, "reason": "明确责任人"}).status_code == 200
    assert (
        _post(liaison, f"{url}/reports", {"stage": "first", "body": "方案"}).json()["status"] == "verifying"
    )
    assert _post(liaison, f"{url}/reports", {"stage": "progress", "body": "进展"}).status_code == 200
    assert _post(liaison, f"{url}/finding", {"result": "substantiated", "basis": "属实"}).status_code == 200
    assert _post(leader, f"{url}/sign", {}).json()["status"] == "under_review"
    assert _post(office, f"{url}/review", {"accept": True}).json()["status"] == "accepted"
    body = _post(
        office, f"{url}/transfer", {"kind": "police", "receiver_unit_id": world.units["police"].pk}
    ).json()
    transfer_id = body["transfers"][0]["id"]
    assert (
        _post(police, f"/api/clues/transfers/{transfer_id}/answer", {"answer": "filed"}).json()["answer"]
        == "filed"
    )
    out = _post(police, f"/api/clues/transfers/{transfer_id}/outcomes", {"body": "已刑拘"}).json()
    assert out["outcomes"] == ["已刑拘"]
    assert _post(office, f"{url}/conclude", {}).json()["status"] == "concluded"
    assert _post(office, f"{url}/reopen", {"reason": "新情况"}).json()["status"] == "triaged"
    other = walk.register()
    assert _post(office, f"{url}/link", {"other_id": other.pk}).status_code == 200
    assert _post(office, f"/api/clues/{other.pk}/merge", {"other_id": clue.pk}).json()["status"] == "merged"


def test_refused_step_is_structured(world, walk, api):
    clue = walk.register()
    response = _post(api("office_staff"), f"/api/clues/{clue.pk}/conclude", {})
    assert response.status_code == 409
    assert response.json()["code"] == "transition_refused" and "办结" in response.json()["message"]
    response = _post(api("group_member"), f"/api/clues/{clue.pk}/triage", {"category": "evil"})
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert Clue.objects.get(pk=clue.pk).status == ClueStatus.REGISTERED


def test_edit_conflict_through_the_api(world, walk, api):
    clue = walk.register()
    client = api("office_staff")
    ok = client.patch(
        f"/api/clues/{clue.pk}", {"version": clue.version, "place": "东湖区"}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["place"] == "东湖区"
    stale = client.patch(
        f"/api/clues/{clue.pk}", {"version": clue.version, "place": "西岭区"}, content_type="application/json"
    )
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    assert "changes" in stale.json()["detail"]
    assert Clue.objects.get(pk=clue.pk).place == "东湖区"


def test_other_unit_gets_404_and_anonymous_401(world, walk, api, client):
    clue = walk.assigned(unit="transport")
    other = api("other_liaison")
    assert other.get(f"/api/clues/{clue.pk}").status_code == 404
    assert _post(other, f"/api/clues/{clue.pk}/reports", {"stage": "first", "body": "x"}).status_code == 404
    assert other.get("/api/clues/").json()["count"] == 0
    assert client.get("/api/clues/").status_code == 401
    assert client.get(f"/api/clues/{clue.pk}").json()["code"] == "unauthenticated"


def test_export_through_the_api(world, walk, api):
    walk.register()
    response = api("office_staff").get("/api/clues/export.xlsx")
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert wb.worksheets[0].max_row == 2


def test_list_rows_carry_what_a_ledger_row_shows_in_constant_queries(
    world, walk, api, django_assert_max_num_queries
):
    """Each row's subjects (in the order registered), status label, unit and person; the same number of
    queries for one row as for many."""
    from taizhang.clues.actions import SubjectData

    walk.assigned(subjects=[SubjectData(name="甲某"), SubjectData(name="乙某")])
    client = api("office_staff")
    client.get("/api/clues/")  # the token's first use writes its "last used"
    with django_assert_max_num_queries(20) as one:
        row = client.get("/api/clues/").json()["items"][0]
    assert row["subjects"] == ["甲某", "乙某"]
    assert (
        row["status_label"] == str(ClueStatus.ASSIGNED.label)
        and row["responsible_unit"] == world.units["transport"].name
    )
    assert row["responsible_person"]
    for _ in range(4):
        walk.assigned(subjects=[SubjectData(name="丙某")])
    with django_assert_max_num_queries(len(one.captured_queries)):
        items = client.get("/api/clues/").json()["items"]
    assert len(items) == 5 and all(item["subjects"] for item in items)


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"channel": "bogus"}, "channel"),
        ({"subjects": [{"name": "孙某", "kind": "alien"}]}, "kind"),
        ({"reporter": {"kind": "martian"}}, "kind"),
        ({"facts": "长" * 2_000_000}, "facts"),
        ({"summary": "长" * 201}, "summary"),
    ],
)
def test_register_refuses_unknown_choices_and_oversized_text(world, api, change, where):
    from taizhang.clues.models import Clue

    payload = {
        "office_id": world.units["city"].pk,
        "channel": "phone",
        "received_at": "2026-02-01T10:00:00+08:00",
        "summary": "夜市强收摊位费",
        "facts": "来电反映夜市有人强收摊位费。",
        "subjects": [{"name": "孙某"}],
    }
    response = _post(api("office_staff"), "/api/clues/", {**payload, **change})
    assert response.status_code == 422, response.status_code
    assert response.json()["code"] == "invalid_input" and where in response.content.decode()
    assert not Clue.objects.exists()


def test_the_api_takes_every_filter_the_ledger_has():
    """A ledger filter the API's schema lacks would be dropped silently from API lists and exports (more rows
    than asked); the schema names every field of the ledger's filter form."""
    from taizhang.clues.api import FilterIn
    from taizhang.clues.filters import ClueFilterForm

    assert set(ClueFilterForm.base_fields) <= set(FilterIn.model_fields)
