"""The report path: open, save, submit, return, accept; permissions, conflicts, lateness, legacy figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from taizhang.core.errors import ConflictError, NotVisible, PermissionRefused, TransitionRefused
from taizhang.core.models import AuditEntry
from taizhang.reports import actions
from taizhang.reports.choices import ReportStatus
from taizhang.reports.figures import entered_totals, figures_with_changes
from taizhang.reports.models import Indicator, LegacyFigureRecord, PeriodicReport, ReportType
from taizhang.reports.periods import Period


def monthly():
    return ReportType.objects.get(code="monthly")


def open_march(world, who="liaison", unit="transport"):
    return actions.do_open_report(
        actor=world.people[who],
        report_type=monthly(),
        unit=world.units[unit],
        period=Period.parse("month", "2026-03"),
    )


@pytest.mark.django_db
def test_catalogue_is_seeded_from_the_pure_catalogue():
    from taizhang.pure.catalogue import CATALOGUE

    codes = set(Indicator.objects.values_list("code", flat=True))
    assert {i.code for i in CATALOGUE} <= codes
    assert Indicator.objects.get(code="procuratorate.arrests").counts_persons
    assert Indicator.objects.get(code="clues.received").kind == "computed"
    assert monthly().due_day == 25


@pytest.mark.django_db
def test_draft_submit_return_resubmit_accept(world, ledger):
    report = open_march(world)
    assert report.status == ReportStatus.DRAFT
    assert report.due_at == Period.parse("month", "2026-03").due_at(25)
    report = actions.do_save_report(
        report.pk,
        actor=world.people["liaison"],
        version=report.version,
        narrative="本月开展行业乱象排查。",
        values={"work.meetings": {"value": "2"}, "discipline.umbrella_cases": {"value": "3", "persons": "7"}},
    )
    report = actions.do_submit_report(report.pk, actor=world.people["unit_leader"], version=report.version)
    assert report.status == ReportStatus.SUBMITTED and report.first_submitted_at is not None
    values = {v.indicator.code: v for v in report.values.all()}
    # 件 and 人 kept apart; computed figures frozen at submission (transport: A and B received in March).
    assert (values["discipline.umbrella_cases"].value, values["discipline.umbrella_cases"].persons) == (3, 7)
    assert values["clues.received"].value == 2 and values["clues.received"].is_computed
    report = actions.do_return_report(
        report.pk, actor=world.people["office_staff"], comment="请补充数据来源。"
    )
    assert report.status == ReportStatus.RETURNED and report.return_count == 1
    report = actions.do_save_report(
        report.pk, actor=world.people["liaison"], version=report.version, narrative="已补充。"
    )
    report = actions.do_submit_report(report.pk, actor=world.people["unit_leader"])
    report = actions.do_accept_report(report.pk, actor=world.people["office_leader"], comment="采用")
    assert report.status == ReportStatus.ACCEPTED
    steps = list(
        AuditEntry.objects.filter(object_type="reports.periodicreport", object_id=str(report.pk)).values_list(
            "action", flat=True
        )
    )
    assert steps == [
        "report.open",
        "report.save",
        "report.submit",
        "report.return",
        "report.save",
        "report.submit",
        "report.accept",
    ]
    assert report.is_late  # filed in 2026-11 or later for March


@pytest.mark.django_db
def test_only_the_leader_submits_and_only_the_office_above_reviews(world):
    report = open_march(world)
    actions.do_save_report(report.pk, actor=world.people["liaison"], version=None, narrative="情况")
    with pytest.raises(PermissionRefused):
        actions.do_submit_report(report.pk, actor=world.people["liaison"])
    with pytest.raises(NotVisible):
        actions.do_submit_report(report.pk, actor=world.people["other_leader"])
    actions.do_submit_report(report.pk, actor=world.people["unit_leader"])
    with pytest.raises(PermissionRefused):
        actions.do_accept_report(report.pk, actor=world.people["group_member"])
    with pytest.raises(NotVisible):
        actions.do_accept_report(report.pk, actor=world.people["district_staff"])
    with pytest.raises(TransitionRefused):
        actions.do_save_report(report.pk, actor=world.people["liaison"], version=None, narrative="改")
    with pytest.raises(Exception, match="审核意见"):
        actions.do_return_report(report.pk, actor=world.people["office_staff"], comment=" ")


@pytest.mark.django_db
def test_a_stale_save_is_refused(world):
    report = open_march(world)
    actions.do_save_report(report.pk, actor=world.people["liaison"], version=report.version, narrative="一")
    with pytest.raises(ConflictError):
        actions.do_save_report(
            report.pk, actor=world.people["unit_leader"], version=report.version, narrative="二"
        )
    assert PeriodicReport.objects.get(pk=report.pk).narrative == "一"


@pytest.mark.django_db
def test_opening_twice_returns_the_same_report_and_other_units_cannot_open(world):
    assert open_march(world).pk == open_march(world, who="unit_leader").pk
    with pytest.raises(PermissionRefused):
        open_march(world, who="other_liaison")


@pytest.mark.django_db
def test_major_event_report_has_no_period_and_needs_a_title(world):
    kind = ReportType.objects.get(code="major_event")
    with pytest.raises(Exception, match="标题"):
        actions.do_open_report(actor=world.people["liaison"], report_type=kind, unit=world.units["transport"])
    report = actions.do_open_report(
        actor=world.people["liaison"],
        report_type=kind,
        unit=world.units["transport"],
        title="某工地发生聚众斗殴",
    )
    assert report.period_start is None and report.due_at is None


@pytest.mark.django_db
def test_fill_entered_indicators_refuses_computed_codes(world):
    report = open_march(world)
    actions.do_fill_entered_indicators(
        report.pk,
        actor=world.people["liaison"],
        values={"work.meetings": {"value": 1, "persons": None}},
    )
    assert report.values.get(indicator__code="work.meetings").value == 1
    with pytest.raises(Exception, match="系统计算"):
        actions.do_fill_entered_indicators(
            report.pk, actor=world.people["liaison"], values={"clues.received": {"value": 9, "persons": None}}
        )


@pytest.mark.django_db
def test_entered_figures_sum_up_the_tree_with_changes(world):
    for unit, who, leader, value in (
        ("transport", "liaison", "unit_leader", 2),
        ("construction", "other_liaison", "other_leader", 3),
    ):
        r = actions.do_open_report(
            actor=world.people[who],
            report_type=monthly(),
            unit=world.units[unit],
            period=Period.parse("month", "2026-03"),
        )
        actions.do_save_report(
            r.pk,
            actor=world.people[who],
            version=None,
            narrative="情况",
            values={"work.meetings": {"value": value}},
        )
        actions.do_submit_report(r.pk, actor=world.people[leader])
    actions.do_record_legacy_figures(
        actor=world.people["office_staff"],
        unit=world.units["transport"],
        period_start=dt.date(2025, 3, 1),
        period_end=dt.date(2025, 3, 31),
        source="2025年3月信息月报（纸质）",
        figures=[
            {"indicator": "work.meetings", "value": 4, "unit": "次", "approx": "", "text": "召开会议4次"}
        ],
    )
    city = world.units["city"]
    march = Period.parse("month", "2026-03")
    assert entered_totals(city, march, ["work.meetings"])["work.meetings"]["value"] == Decimal(5)
    assert entered_totals(world.units["district"], march, ["work.meetings"])["work.meetings"]["value"] == 0
    rows = figures_with_changes(
        world.people["office_staff"], city, march, Indicator.objects.filter(code="work.meetings")
    )
    assert rows[0]["value"] == 5 and rows[0]["last_year"] == 4 and rows[0]["yoy"] == 25.0
    assert rows[0]["previous"] == 0 and rows[0]["pop"] is None


@pytest.mark.django_db
def test_legacy_records_are_visible_by_the_unit_tree(world):
    actions.do_record_legacy_figures(
        actor=world.people["liaison"],
        unit=world.units["transport"],
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        source="2025年度总结",
        figures=[
            {
                "indicator": "orgs.gang",
                "value": 3,
                "unit": "个",
                "approx": "余",
                "text": "打掉恶势力团伙3个余",
            }
        ],
    )
    assert LegacyFigureRecord.objects.visible_to(world.people["office_staff"]).count() == 1
    assert LegacyFigureRecord.objects.visible_to(world.people["liaison"]).count() == 1
    assert LegacyFigureRecord.objects.visible_to(world.people["other_liaison"]).count() == 0
    assert LegacyFigureRecord.objects.visible_to(world.people["district_staff"]).count() == 0
    with pytest.raises(PermissionRefused):
        actions.do_record_legacy_figures(
            actor=world.people["other_liaison"],
            unit=world.units["transport"],
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2025, 1, 31),
            source="x",
            figures=[],
        )


@pytest.mark.django_db
@pytest.mark.calendar
def test_board_shows_late_and_missing(world):
    from taizhang.reports.board import status_board

    report = open_march(world)
    actions.do_save_report(report.pk, actor=world.people["liaison"], version=None, narrative="情况")
    actions.do_submit_report(report.pk, actor=world.people["unit_leader"])
    rows = {
        r["unit"].code: r["state"]
        for r in status_board(
            world.people["office_staff"], world.units["city"], monthly(), Period.parse("month", "2026-03")
        )
    }
    assert rows["JT"] == "late"  # submitted after 2026-03-25
    assert rows["ZJ"] == "missing"
    future = Period.of("month", timezone.localdate() + dt.timedelta(days=62))
    rows = {
        r["unit"].code: r["state"]
        for r in status_board(world.people["office_staff"], world.units["city"], monthly(), future)
    }
    assert rows["ZJ"] == "pending"
