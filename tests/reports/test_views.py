"""Each page and API route: allowed, forbidden role, other unit, anonymous."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from taizhang.reports import actions
from taizhang.reports.choices import ReportStatus
from taizhang.reports.models import PeriodicReport, ReportType
from taizhang.reports.periods import Period


def march_report(world, submitted=False):
    report = actions.do_open_report(
        actor=world.people["liaison"],
        report_type=ReportType.objects.get(code="monthly"),
        unit=world.units["transport"],
        period=Period.parse("month", "2026-03"),
    )
    actions.do_save_report(report.pk, actor=world.people["liaison"], version=None, narrative="情况")
    if submitted:
        actions.do_submit_report(report.pk, actor=world.people["unit_leader"])
    return report


@pytest.mark.django_db
def test_index_lists_my_reports_and_the_board_for_offices(world, django_assert_max_num_queries):
    report = march_report(world)
    page = world.client_for("liaison").get("/reports/")
    assert page.status_code == 200 and report.title in page.content.decode()
    assert world.client_for("other_liaison").get("/reports/").content.decode().count(report.title) == 0
    office = world.client_for("office_staff")
    with django_assert_max_num_queries(15):
        board = office.get("/reports/?type=monthly&period=2026-03")
    assert "未报送" in board.content.decode() and report.title in board.content.decode()
    assert Client().get("/reports/").status_code == 302


@pytest.mark.django_db
def test_detail_allowed_other_unit_and_anonymous(world, ledger):
    report = march_report(world)
    page = world.client_for("liaison").get(f"/reports/{report.pk}/")
    assert page.status_code == 200
    assert f"/clues/?unit={world.units['transport'].pk}" in page.content.decode()  # computed figures link
    assert world.client_for("office_staff").get(f"/reports/{report.pk}/").status_code == 200
    assert world.client_for("other_liaison").get(f"/reports/{report.pk}/").status_code == 404
    assert world.client_for("district_staff").get(f"/reports/{report.pk}/").status_code == 404
    assert Client().get(f"/reports/{report.pk}/").status_code == 302


@pytest.mark.django_db
def test_open_save_and_submit_through_the_pages(world):
    liaison = world.client_for("liaison")
    response = liaison.post("/reports/open/", {"type": "monthly", "period": "2026-03"})
    report = PeriodicReport.objects.get()
    assert response.url == f"/reports/{report.pk}/"
    liaison.post(
        f"/reports/{report.pk}/save/",
        {"version": report.version, "narrative": "本月情况", "v:work.meetings": "2"},
    )
    liaison.post(f"/reports/{report.pk}/submit/", {"version": 2})
    assert PeriodicReport.objects.get().status == ReportStatus.DRAFT  # a liaison may not submit
    world.client_for("unit_leader").post(f"/reports/{report.pk}/submit/", {"version": 2})
    assert PeriodicReport.objects.get().status == ReportStatus.SUBMITTED
    assert world.client_for("other_leader").post(f"/reports/{report.pk}/accept/", {}).status_code == 404
    world.client_for("office_staff").post(f"/reports/{report.pk}/return/", {"comment": "补充"})
    assert PeriodicReport.objects.get().status == ReportStatus.RETURNED
    assert Client().post(f"/reports/{report.pk}/submit/", {}).status_code == 302


STATS_PAGES = ["/reports/dashboard/", "/reports/dashboard/data/", "/reports/figures/"]
OFFICE_PAGES = ["/reports/bulletin/", "/reports/summary.xlsx", "/reports/assessment/"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", STATS_PAGES + OFFICE_PAGES)
def test_statistics_pages_allowed_forbidden_other_unit_anonymous(world, ledger, url):
    city = world.units["city"].pk
    assert (
        world.client_for("office_staff").get(f"{url}?unit={city}&kind=quarter&period=2026-Q1").status_code
        == 200
    )
    assert world.client_for("handler").get(url).status_code == 403
    assert world.client_for("district_staff").get(f"{url}?unit={city}").status_code == 404
    assert Client().get(url).status_code == 302


@pytest.mark.django_db
def test_unit_leader_sees_the_dashboard_of_their_own_unit_only(world, ledger):
    client = world.client_for("unit_leader")
    data = client.get("/reports/dashboard/data/?kind=month&period=2026-03").json()
    assert data["unit"]["id"] == world.units["transport"].pk
    assert data["cards"][0]["value"] == 2
    assert client.get(f"/reports/dashboard/data/?unit={world.units['city'].pk}").status_code == 404
    assert client.get("/reports/bulletin/").status_code == 403


@pytest.mark.django_db
def test_dashboard_data_uses_few_queries(world, ledger, django_assert_max_num_queries):
    client = world.client_for("office_leader")
    with django_assert_max_num_queries(50):
        data = client.get(
            f"/reports/dashboard/data/?unit={world.units['city'].pk}&kind=quarter&period=2026-Q1"
        ).json()
    assert data["cards"][0]["value"] == 5


@pytest.mark.django_db
def test_bulletin_docx_download_and_pdf_message(world, ledger):
    client = world.client_for("office_staff")
    city = world.units["city"].pk
    docx = client.get(f"/reports/bulletin/?unit={city}&kind=quarter&period=2026-Q1&format=docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    from taizhang.reports import bulletin

    if bulletin.soffice() is None:
        pdf = client.get(
            f"/reports/bulletin/?unit={city}&kind=quarter&period=2026-Q1&format=pdf", follow=True
        )
        assert "LibreOffice" in pdf.content.decode()


@pytest.mark.django_db
def test_notes_and_deductions_are_office_only(world, ledger):
    city = world.units["city"].pk
    target = world.units["transport"].pk
    ok = world.client_for("office_staff").post(
        "/reports/bulletin/notes/",
        {"unit": city, "period": "2026-Q1", "target": target, "note_kind": "criticism", "text": "报送不及时"},
    )
    assert ok.status_code == 302
    assert world.client_for("liaison").post("/reports/bulletin/notes/", {}).status_code == 403
    world.client_for("office_staff").get(f"/reports/assessment/?unit={city}&year=2026")
    from taizhang.reports.models import AssessmentDeduction, AssessmentScheme

    scheme = AssessmentScheme.objects.get()
    url = f"/reports/assessment/{scheme.pk}/deductions/"
    world.client_for("office_staff").post(url, {"target": target, "points": "2", "reason": "约谈一次"})
    assert AssessmentDeduction.objects.count() == 1
    assert (
        world.client_for("district_staff")
        .post(url, {"target": target, "points": "2", "reason": "x"})
        .status_code
        == 404
    )
    assert Client().post(url, {}).status_code == 302


@pytest.mark.django_db
def test_api_list_read_submit_accept_return(world, ledger):
    report = march_report(world)
    liaison, leader, staff = (world.client_for(k) for k in ("liaison", "unit_leader", "office_staff"))
    assert [r["id"] for r in liaison.get("/api/reports/reports").json()] == [report.pk]
    assert world.client_for("other_liaison").get("/api/reports/reports").json() == []
    assert world.client_for("other_liaison").get(f"/api/reports/reports/{report.pk}").status_code == 404
    assert Client().get("/api/reports/reports").status_code == 401

    def post(client, step, body=None):
        return client.post(
            f"/api/reports/reports/{report.pk}/{step}",
            json.dumps(body or {}),
            content_type="application/json",
        )

    assert post(liaison, "submit").status_code == 403
    assert post(leader, "submit").json()["status"] == "submitted"
    assert post(leader, "accept").status_code == 403
    assert post(staff, "return", {"comment": ""}).status_code == 400
    assert post(staff, "return", {"comment": "补充"}).json()["status"] == "returned"
    assert post(staff, "accept").status_code == 409
    post(leader, "submit")
    assert post(staff, "accept", {"version": 1}).json()["code"] == "conflict"
    assert post(staff, "accept").json()["status"] == "accepted"


@pytest.mark.django_db
def test_api_indicators_and_dashboard(world, ledger):
    staff = world.client_for("office_staff")
    codes = [i["code"] for i in staff.get("/api/reports/indicators").json()]
    assert "clues.conclusion_rate" in codes
    data = staff.get("/api/reports/dashboard?kind=month&period=2026-03").json()
    assert data["cards"][0]["value"] == 4
    assert world.client_for("handler").get("/api/reports/dashboard").status_code == 403
    assert (
        world.client_for("district_staff")
        .get(f"/api/reports/dashboard?unit={world.units['city'].pk}")
        .status_code
        == 404
    )
    assert Client().get("/api/reports/dashboard").status_code == 401


@pytest.mark.django_db
def test_home_panel_lists_reports_due(world):
    page = world.client_for("liaison").get("/")
    assert "本单位待报送" in page.content.decode()
    assert "本单位待报送" in world.client_for("district_staff").get("/").content.decode()
    assert "本单位待报送" not in world.client_for("office_staff").get("/").content.decode()  # the root office
    assert "本单位待报送" not in world.client_for("handler").get("/").content.decode()
