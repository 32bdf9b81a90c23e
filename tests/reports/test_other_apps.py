"""Indicators from other apps (a fake cases module here): 件 and 人 kept apart, optional dashboard series."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from taizhang.core import discovery
from taizhang.reports import actions, dashboard
from taizhang.reports.figures import IndicatorsHook
from taizhang.reports.models import ReportType
from taizhang.reports.periods import Period

# The outcome depends on the date: run at a stated clock, and at every moment of `make test-dates`.
pytestmark = pytest.mark.calendar


def fake_arrests(*, user, unit, start, end):
    if not user.has_role("office_staff", "unit_leader", "liaison"):
        return {"value": 0, "persons": 0, "url": "/cases/?stage=arrest"}
    return {"value": 3, "persons": 7, "url": f"/cases/?stage=arrest&unit={unit.pk}"}


def fake_gangs(*, user, unit, start, end):
    return {"value": 2, "persons": None, "url": "/cases/?org_type=gang"}


@pytest.fixture
def fake_cases(monkeypatch):
    real = discovery.hooks

    def modules(name, protocol):
        found = real(name, protocol)
        if name == "indicators":
            found.append(
                SimpleNamespace(INDICATORS={"procuratorate.arrests": fake_arrests, "orgs.gang": fake_gangs})
            )
        return found

    monkeypatch.setattr(discovery, "hooks", modules)


@pytest.mark.django_db
def test_submission_freezes_cases_and_persons_separately(world, fake_cases):
    report = actions.do_open_report(
        actor=world.people["liaison"],
        report_type=ReportType.objects.get(code="monthly"),
        unit=world.units["transport"],
        period=Period.parse("month", "2026-03"),
    )
    actions.do_save_report(report.pk, actor=world.people["liaison"], version=None, narrative="情况")
    with pytest.raises(Exception, match="系统计算"):
        actions.do_fill_entered_indicators(
            report.pk,
            actor=world.people["liaison"],
            values={"procuratorate.arrests": {"value": 1, "persons": 1}},
        )
    actions.do_submit_report(report.pk, actor=world.people["unit_leader"])
    value = report.values.get(indicator__code="procuratorate.arrests")
    assert (value.value, value.persons, value.is_computed) == (3, 7, True)


@pytest.mark.django_db
def test_dashboard_adds_the_series_that_exist(world, fake_cases):
    data = dashboard.dashboard_data(
        world.people["office_staff"],
        world.units["city"],
        Period("month", dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
    )
    funnel = {i["code"]: i for i in data["case_funnel"]}
    assert funnel["procuratorate.arrests"]["persons"] == 7  # the fake overrides the cases app's figure
    assert {i["code"]: i["value"] for i in data["orgs_by_type"]}["orgs.gang"] == 2
    assert "rectification" not in data  # nobody computes rectification.* codes


@pytest.mark.django_db
def test_series_nobody_computes_are_absent(world, monkeypatch):
    real = discovery.hooks
    only_reports = [
        m for m in real("indicators", IndicatorsHook) if m.__name__.startswith("taizhang.reports")
    ]
    monkeypatch.setattr(
        discovery,
        "hooks",
        lambda name, protocol: only_reports if name == "indicators" else real(name, protocol),
    )
    data = dashboard.dashboard_data(
        world.people["office_staff"],
        world.units["city"],
        Period("month", dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
    )
    assert "case_funnel" not in data and "orgs_by_type" not in data and data["cards"]


@pytest.mark.django_db
def test_reminder_job_notifies_once_per_stage(world):
    from django.utils import timezone

    from taizhang.reports.worker_jobs import remind_reports

    monthly = ReportType.objects.get(code="monthly")
    now = Period.of("month", timezone.localdate()).due_at(monthly.due_day) - dt.timedelta(
        days=1
    )  # due tomorrow
    first = remind_reports(now)
    assert first > 0
    assert remind_reports(now) == 0  # the notification key makes a rerun harmless


@pytest.mark.django_db
def test_an_indicator_the_app_answers_none_for_is_entered(world, fake_cases):
    report = actions.do_open_report(
        actor=world.people["liaison"],
        report_type=ReportType.objects.get(code="monthly"),
        unit=world.units["transport"],
        period=Period.parse("month", "2026-03"),
    )
    actions.do_fill_entered_indicators(
        report.pk,
        actor=world.people["liaison"],
        values={"discipline.umbrella_cases": {"value": 4, "persons": None}},
    )
    value = report.values.get(indicator__code="discipline.umbrella_cases")
    assert (value.value, value.is_computed) == (4, False)
    page = world.client_for("liaison").get(f"/reports/{report.pk}/").content.decode()
    assert 'name="v:discipline.umbrella_cases"' in page and 'name="v:procuratorate.arrests"' not in page


@pytest.mark.django_db
def test_todos_list_reports_to_file_and_to_review(world):
    from django.utils import timezone

    from taizhang.reports.due import CHASE_DAYS_AFTER, REMIND_DAYS_BEFORE, unfiled
    from taizhang.reports.todos import todos_for

    monthly = ReportType.objects.get(code="monthly")
    due = Period.of("month", timezone.localdate()).due_at(monthly.due_day)
    soon = [i["label"] for i in unfiled([world.units["transport"]], due - dt.timedelta(days=1))]
    assert any(label.endswith("信息月报") for label in soon)
    # The rule, true in every month: a report is listed from REMIND_DAYS_BEFORE days before its due date until
    # CHASE_DAYS_AFTER days after it. Thirty days on, this month's monthly report has left the list, and
    # whatever is listed then (next month's, or the half-year and annual reports due in January) is inside
    # its own window.
    later = due + dt.timedelta(days=30)
    listed = unfiled([world.units["transport"]], later)
    assert not any(i["report_type"] == monthly and i["due_at"] == due for i in listed)
    for item in listed:
        assert item["due_at"] - dt.timedelta(days=REMIND_DAYS_BEFORE) <= later
        assert later <= item["due_at"] + dt.timedelta(days=CHASE_DAYS_AFTER)
    assert not any(t.kind == "report" for t in todos_for(world.people["office_staff"]))  # the root office
    report = actions.do_open_report(
        actor=world.people["liaison"],
        report_type=ReportType.objects.get(code="monthly"),
        unit=world.units["transport"],
        period=Period.parse("month", "2026-03"),
    )
    actions.do_save_report(report.pk, actor=world.people["liaison"], version=None, narrative="情况")
    actions.do_submit_report(report.pk, actor=world.people["unit_leader"])
    assert [t.url for t in todos_for(world.people["office_staff"]) if t.kind == "report_review"] == [
        f"/reports/{report.pk}/"
    ]
    assert not [t for t in todos_for(world.people["district_staff"]) if t.kind == "report_review"]


@pytest.mark.django_db
def test_batched_case_series_equal_the_cases_apps_own_figures(world):
    import datetime as dt

    from taizhang.cases import actions as case_actions
    from taizhang.cases.choices import CaseStage, OrgType
    from taizhang.reports import case_series
    from taizhang.reports.figures import call, providers
    from tests.cases.conftest import CaseMaker

    maker = CaseMaker(world)
    start = dt.date(2026, 2, 3)
    maker.at(CaseStage.PROSECUTION, start=start, persons=4, org_type=OrgType.GANG)
    maker.at(
        CaseStage.EFFECTIVE, start=start, persons=3, name="李某恶势力集团案", org_type=OrgType.CRIMINAL_GROUP
    )
    judged = maker.at(
        CaseStage.FIRST_INSTANCE, start=start, persons=2, name="王某村霸案", org_type=OrgType.VILLAGE_BULLY
    )
    event = judged.events.get(stage=CaseStage.FIRST_INSTANCE)
    case_actions.do_record_judgment(
        judged.pk, actor=world.people["office_staff"], event_id=event.pk, judged_on=dt.date(2026, 3, 30)
    )
    maker.at(CaseStage.ARREST, start=dt.date(2025, 12, 20), name="跨期案", office="district")
    found = providers()
    codes = case_series.batched_codes(found)
    assert codes == set(case_series.ORGS) | set(case_series.FUNNEL)
    q1 = Period("quarter", dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    for who, unit in (
        ("office_leader", "city"),
        ("district_staff", "district"),
        ("police_liaison", "police"),
    ):
        user = world.people[who]
        got = case_series.figures(user, world.units[unit], q1, codes)
        for code in codes:
            assert got[code] == call(found[code], user=user, unit=world.units[unit], period=q1), (who, code)
    city = case_series.figures(world.people["office_leader"], world.units["city"], q1, codes)
    assert city["orgs.gang"]["value"] == 1 and city["procuratorate.arrests"]["value"] == 3


@pytest.mark.django_db
def test_rectification_progress_bars_count_what_the_letter_list_holds(world):
    import datetime as dt

    from django.utils import timezone

    from tests.rectification.conftest import Rect

    rect = Rect(world)
    # All issued on one day 40 days ago, and the period is that day's year: in early January that is last
    # year, so the letters are inside the period on every date (the overdue one needs its time to pass).
    issued = timezone.localdate() - dt.timedelta(days=40)
    period = Period.of("year", issued)
    rect.replied(recipient="transport", days_ago=40)
    rect.letter(recipient="construction", days_ago=40, due=timezone.now() - dt.timedelta(days=2))
    rect.letter(recipient="transport", days_ago=40, issuer="police", code="police_notice")
    # Issued on the last day of the year before: outside the period, so neither in the bars nor in the lists.
    rect.letter(recipient="construction", days_ago=40 + issued.timetuple().tm_yday)
    for who, unit in (("office_leader", "city"), ("office_staff", "city"), ("unit_leader", "transport")):
        data = dashboard.dashboard_data(world.people[who], world.units[unit], period)
        client = world.client_for(who)
        checked = 0
        for row in data.get("rectification", {}).get("units", []):
            for cell in row["cells"]:
                response = client.get(cell["url"])
                assert response.status_code == 200
                assert response.context["page"].paginator.count == cell["value"], (who, row["name"], cell)
                checked += 1
        if who != "unit_leader":
            assert checked == 8  # two issuers × four columns
    city = dashboard.dashboard_data(world.people["office_staff"], world.units["city"], period)
    bars = {row["name"]: [c["value"] for c in row["cells"]] for row in city["rectification"]["units"]}
    assert bars[world.units["procuratorate"].name] == [2, 1, 0, 1]  # issued, replied, rectified, overdue
    district = dashboard.dashboard_data(world.people["district_staff"], world.units["district"], period)
    assert "rectification" not in district  # letters of the city's units stay out of the district's view
