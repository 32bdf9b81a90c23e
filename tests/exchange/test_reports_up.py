"""Reports and figures up (one process): the county office's monthly report goes up with its clue figures and
the clue numbers behind them; the city's board counts it as filed, its dashboard and bulletin put it beside its
own figures, the drill-down shows the numbers as sent, and only office people above see it."""

from __future__ import annotations

import pytest
from django.utils import timezone

from taizhang.core.errors import ActionError
from taizhang.exchange.models import Received
from taizhang.ferry import package
from taizhang.org.choices import RoleCode
from taizhang.reports import board, bulletin, dashboard
from taizhang.reports.actions import (
    do_accept_report,
    do_open_report,
    do_return_report,
    do_save_report,
    do_submit_report,
)
from taizhang.reports.choices import ReportStatus
from taizhang.reports.models import PeriodicReport, ReportFromBelow, ReportType
from taizhang.reports.periods import Period
from tests.exchange.test_hand_down import hand_down
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def file_below(levels, code: str = "monthly") -> Period:
    """The county office's leader files the report of the current period (one clue came from above)."""
    leader = UserFactory(unit=levels.county_office, role_codes=[RoleCode.OFFICE_LEADER])
    report_type = ReportType.objects.get(code=code)
    period = Period.of(report_type.period_kind, timezone.localdate())
    report = do_open_report(actor=leader, report_type=report_type, unit=levels.county_office, period=period)
    report = do_save_report(report.pk, actor=leader, version=report.version, narrative="本期工作情况")
    do_submit_report(report.pk, actor=leader, version=report.version)
    return period


def test_a_filed_report_goes_up_with_its_clue_numbers_and_counts_on_the_upper_board(levels):
    hand_down(levels)
    levels.apply_below(levels.send_down())
    lower_number = Received.objects.get().clue.number
    period = file_below(levels)
    log = levels.apply_above(levels.send_up())
    assert log.counts["reports"] == 1
    assert levels.send_up() is None  # sent once

    staff = levels.world.people["office_staff"]
    city = levels.world.units["city"]
    source = ReportFromBelow.objects.visible_to(staff).get()
    figures = {f.code: f for f in source.figures.all()}
    assert figures["clues.received"].value == 1
    assert figures["clues.received"].records["numbers"] == [lower_number]
    assert figures["clues.conclusion_rate"].records == {"numbers": [], "numerator": 0, "denominator": 1}

    rows = board.status_board(staff, city, ReportType.objects.get(code="monthly"), period)
    state = {r["unit"].pk: r["state"] for r in rows}
    assert state[levels.child.unit.pk] in ("on_time", "late")
    filed = PeriodicReport.objects.get(unit=levels.child.unit)
    assert filed.status == ReportStatus.SUBMITTED
    with pytest.raises(ActionError):  # it cannot go back down: refused with a message
        do_return_report(filed.pk, actor=staff, comment="请修改")
    do_accept_report(filed.pk, actor=staff)

    levels_table = dashboard.dashboard_data(staff, city, period)["levels"]
    names = [r["name"] for r in levels_table["rows"]]
    assert names == ["本级", "县扫黑办（本级）"]
    received = [c["code"] for c in levels_table["codes"]].index("clues.received")
    own = levels_table["rows"][0]["figures"][received]["value"]
    assert levels_table["total"]["figures"][received]["value"] == own + 1

    page = levels.world.client_for("office_staff").get(f"/reports/from-below/{source.pk}/")
    assert page.status_code == 200 and lower_number in page.content.decode()
    for outsider in ("liaison", "unit_leader"):
        assert levels.world.client_for(outsider).get(f"/reports/from-below/{source.pk}/").status_code in (
            403,
            404,
        )


def test_the_quarterly_bulletin_lists_every_level(levels):
    period = file_below(levels, "quarterly")
    levels.apply_above(levels.send_up())
    staff = levels.world.people["office_staff"]
    data = bulletin.gather(staff, levels.world.units["city"], period)
    rows = bulletin.level_rows(data)
    assert [r[0] for r in rows] == ["本级", "县扫黑办（本级）", "合计"]
    assert bulletin.render_docx(data)


def test_a_relayed_report_that_claims_to_come_from_the_receiver_is_refused_and_changes_nothing(levels):
    period = Period.of("month", timezone.localdate())
    ReportFromBelow.objects.create(
        unit=levels.county_unit,
        origin="city",  # the receiver's own instance id: a loop, or a forgery
        origin_name="测试市扫黑办",
        report_type=ReportType.objects.get(code="monthly"),
        period_start=period.start,
        period_end=period.end,
        sequence=1,
    )
    path = levels.send_up()
    with pytest.raises(package.PackageRefused, match="不在"):
        levels.apply_above(path)
    assert ReportFromBelow.objects.count() == 1 and not PeriodicReport.objects.exists()
