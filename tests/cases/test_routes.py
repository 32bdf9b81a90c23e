"""Every case page and API route: allowed, forbidden role, other unit, anonymous; list query counts."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from taizhang.cases.choices import CaseStage, Screening
from taizhang.cases.models import Case

pytestmark = pytest.mark.django_db


def today() -> str:
    """The local date at the test's clock, read when the test runs."""
    return timezone.localdate().isoformat()


@pytest.fixture
def case(world, cases):
    return cases.at(CaseStage.INVESTIGATION)


@pytest.mark.parametrize(
    "path", ["/cases/", "/cases/screening/", "/cases/export.xlsx", "/cases/new/", "/api/cases/cases"]
)
def test_anonymous_is_refused(world, path):
    response = Client().get(path)
    assert response.status_code in (302, 401)


def test_detail_allowed_other_unit_and_anonymous(world, case):
    url = f"/cases/{case.pk}/"
    assert world.client_for("office_staff").get(url).status_code == 200
    assert world.client_for("police_liaison").get(url).status_code == 200  # handling unit
    assert world.client_for("discipline_handler").get(url).status_code == 200  # screens every case
    assert world.client_for("other_liaison").get(url).status_code == 404
    assert world.client_for("district_staff").get(url).status_code == 404
    assert Client().get(url).status_code == 302
    assert world.client_for("office_staff").get(f"/api/cases/cases/{case.pk}").status_code == 200
    assert world.client_for("other_liaison").get(f"/api/cases/cases/{case.pk}").status_code == 404
    assert Client().get(f"/api/cases/cases/{case.pk}").status_code == 401


def test_stage_post_allowed_forbidden_other(world, case):
    data = {"stage": CaseStage.ARREST, "occurred_on": today(), "persons": 3}
    world.client_for("group_member").post(f"/cases/{case.pk}/stage/", data)  # reads only
    assert Case.objects.get(pk=case.pk).stage == CaseStage.INVESTIGATION
    assert world.client_for("other_liaison").post(f"/cases/{case.pk}/stage/", data).status_code == 404
    assert Client().post(f"/cases/{case.pk}/stage/", data).status_code == 302
    assert world.client_for("police_liaison").post(f"/cases/{case.pk}/stage/", data).status_code == 302
    assert Case.objects.get(pk=case.pk).stage == CaseStage.ARREST


def test_screen_and_conclude_posts(world, cases):
    case = cases.at(CaseStage.EFFECTIVE)
    staff = world.client_for("office_staff")
    staff.post(f"/cases/{case.pk}/conclude/", {})
    assert Case.objects.get(pk=case.pk).status == "open"  # unscreened
    assert (
        world.client_for("police_liaison")
        .post(f"/cases/{case.pk}/screen/", {"result": "not_found"})
        .status_code
        == 302
    )
    assert Case.objects.get(pk=case.pk).screening == Screening.UNSCREENED  # police may not screen
    assert (
        world.client_for("other_liaison")
        .post(f"/cases/{case.pk}/screen/", {"result": "not_found"})
        .status_code
        == 404
    )
    staff.post(f"/cases/{case.pk}/screen/", {"result": "not_found"})
    staff.post(f"/cases/{case.pk}/conclude/", {})
    assert Case.objects.get(pk=case.pk).status == "open"  # 一案三查 still open
    cases.conclude_checks(case)
    staff.post(f"/cases/{case.pk}/conclude/", {})
    assert Case.objects.get(pk=case.pk).status == "concluded"


def test_create_and_edit_pages(world, cases):
    staff = world.client_for("office_staff")
    assert staff.get("/cases/new/").status_code == 200
    response = staff.post(
        "/cases/new/",
        {
            "office": world.units["city"].pk,
            "name": "新登记涉黑案",
            "org_type": "mafia",
            "handling_units": [world.units["police"].pk],
            "persons_caught": 3,
            "fugitives_caught": 0,
            "fugitives_at_large": 0,
            "assets_seized": "100.50",
            "assets_frozen": 0,
            "assets_confiscated": 0,
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(name="新登记涉黑案")
    assert str(case.assets_seized) == "100.50"
    edit = f"/cases/{case.pk}/edit/"
    assert staff.get(edit).status_code == 200
    assert world.client_for("other_liaison").get(edit).status_code == 404
    assert world.client_for("police_liaison").get(edit).status_code == 302  # sees, may not edit
    stale = {
        "name": "改名",
        "org_type": "mafia",
        "persons_caught": 1,
        "fugitives_caught": 0,
        "fugitives_at_large": 0,
        "assets_seized": 0,
        "assets_frozen": 0,
        "assets_confiscated": 0,
        "version": case.version,
    }
    staff.post(edit, stale)
    staff.post(edit, {**stale, "name": "再改名"})  # same old version: conflict
    assert Case.objects.get(pk=case.pk).name == "改名"


def test_api_actions(world, case):
    staff = world.client_for("office_staff")
    body = json.dumps({"stage": "arrest", "occurred_on": today(), "persons": 2})
    assert (
        staff.post(f"/api/cases/cases/{case.pk}/stages", body, content_type="application/json").status_code
        == 201
    )
    body = json.dumps({"stage": "execution", "occurred_on": today()})
    refused = staff.post(f"/api/cases/cases/{case.pk}/stages", body, content_type="application/json")
    assert refused.status_code == 409 and refused.json()["code"] == "transition_refused"
    gm = world.client_for("group_member")
    body = json.dumps({"result": "not_found"})
    assert (
        gm.post(f"/api/cases/cases/{case.pk}/screening", body, content_type="application/json").status_code
        == 403
    )
    assert (
        world.client_for("other_liaison")
        .post(f"/api/cases/cases/{case.pk}/screening", body, content_type="application/json")
        .status_code
        == 404
    )
    created = staff.post(
        "/api/cases/cases",
        json.dumps({"office_id": world.units["city"].pk, "name": "接口登记案", "org_type": "gang"}),
        content_type="application/json",
    )
    assert created.status_code == 201
    listed = staff.get("/api/cases/cases?event=arrest").json()
    assert [c["id"] for c in listed] == [case.pk]


def test_list_filters_and_export(world, cases):
    a = cases.at(CaseStage.ARREST)
    cases.at(CaseStage.INVESTIGATION, name="另一案")
    staff = world.client_for("office_staff")
    response = staff.get("/cases/?stage=arrest")
    assert list(response.context["page"].object_list) == [a]
    export = staff.get("/cases/export.xlsx?stage=arrest")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet.max_row == 2 and sheet["A2"].value == a.number
    # the district office sees none of the city's cases, in the list or the export
    district = world.client_for("district_staff")
    assert district.get("/cases/").context["page"].paginator.count == 0
    assert load_workbook(io.BytesIO(district.get("/cases/export.xlsx").content)).active.max_row == 1


def test_list_query_count_is_constant(world, cases, django_assert_max_num_queries):
    client = world.client_for("office_staff")
    for i in range(3):
        cases.at(CaseStage.ARREST, name=f"案{i}")
    client.get("/cases/")
    with django_assert_max_num_queries(16) as few:  # the layout (session, user, roles, inbox count) included
        client.get("/cases/?event=arrest&from=2000-01-01")
    for i in range(12):
        cases.at(CaseStage.PROSECUTION, name=f"再案{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/cases/?event=arrest&from=2000-01-01")


def test_screening_board_lists_unscreened(world, cases):
    a = cases.register()
    b = cases.register(name="已过筛案")
    from taizhang.cases import actions

    actions.do_screen_case(b.pk, actor=world.people["office_staff"], result=Screening.NOT_FOUND)
    response = world.client_for("office_staff").get("/cases/screening/")
    assert [c.pk for c in response.context["cases"]] == [a.pk]


def test_clue_section_lists_visible_cases(world, cases):
    from taizhang.cases.clue_sections import sections
    from tests.clues.conftest import Walk

    clue = Walk(world).triaged()
    case = cases.register(clues=[clue])

    class Req:
        user = world.people["office_staff"]

    assert sections(Req(), clue)[0]["cases"] == [case]
    Req.user = world.people["other_liaison"]
    assert sections(Req(), clue) == []


@pytest.mark.calendar
def test_home_panel(world, cases):
    cases.register()
    response = world.client_for("office_staff").get("/")
    assert "cases/panel.html" in [t.name for t in response.templates]
    assert timezone.now()


def test_clue_page_shows_linked_case(world, cases):
    from django.urls import reverse

    from tests.clues.conftest import Walk

    clue = Walk(world).triaged()
    case = cases.register(clues=[clue])
    page = world.client_for("office_staff").get(reverse("clues:detail", args=[clue.pk]) + "?sections=all")
    assert page.status_code == 200 and case.number in page.content.decode()


def test_timeline_is_labelled(world, cases):
    case = cases.at(CaseStage.ARREST)
    text = world.client_for("office_staff").get(f"/cases/{case.pk}/").content.decode()
    assert "登记诉讼阶段" in text and "提请批捕/批捕" in text


@pytest.mark.calendar
def test_judgment_date_post(world, cases):
    case = cases.at(CaseStage.FIRST_INSTANCE)
    event = case.events.get(stage=CaseStage.FIRST_INSTANCE)
    url = f"/cases/{case.pk}/judgment/"
    data = {"event": event.pk, "judged_on": timezone.localdate().isoformat()}
    assert world.client_for("other_liaison").post(url, data).status_code == 404
    world.client_for("group_member").post(url, data)
    event.refresh_from_db()
    assert event.judged_on is None
    world.client_for("police_liaison").post(url, data)
    event.refresh_from_db()
    assert event.judged_on == timezone.localdate()
