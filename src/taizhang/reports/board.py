"""The status board (who has filed, who is late, who is missing) and report punctuality per unit."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Q
from django.utils import timezone

from taizhang.org.models import Unit
from taizhang.reports.choices import FILED_STATUSES, PeriodKind, ReportStatus
from taizhang.reports.models import PeriodicReport, ReportType
from taizhang.reports.periods import Period


def expected_units(user: Any, root: Unit) -> list[Unit]:
    """The units expected to report to `root`: every active visible unit below it."""
    return list(
        Unit.objects.visible_to(user)
        .filter(path__startswith=root.path, is_active=True)
        .exclude(pk=root.pk)
        .order_by("path")
    )


def status_board(user: Any, root: Unit, report_type: ReportType, period: Period) -> list[dict[str, Any]]:
    """One row per expected unit: its report (if any), and whether it is on time, late or missing."""
    now = timezone.now()
    due = period.due_at(report_type.due_day, report_type.due_month_offset)
    reports = {
        r.unit_id: r
        for r in PeriodicReport.objects.visible_to(user).filter(
            report_type=report_type, period_start=period.start
        )
    }
    rows = []
    for unit in expected_units(user, root):
        report = reports.get(unit.pk)
        filed = report is not None and report.first_submitted_at is not None
        if filed and report is not None:
            state = "late" if report.is_late else "on_time"
        else:
            state = "missing" if now > due else "pending"
        rows.append({"unit": unit, "report": report, "state": state, "due_at": due})
    return rows


def punctuality(
    user: Any, root: Unit, year: int, *, units: list[Unit] | None = None, period: Period | None = None
) -> dict[int, dict[str, int]]:
    """Per unit, over the monthly reports of `year` (or of `period`) due so far: expected, filed on time, late
    (one query; pass `units`, the expected_units already read, to spare another)."""
    now = timezone.now()
    monthly = ReportType.objects.filter(period_kind=PeriodKind.MONTH, is_active=True).first()
    if monthly is None:
        return {}
    span = period or Period.parse(PeriodKind.YEAR, str(year))
    months = [p for p in span.months() if p.due_at(monthly.due_day, monthly.due_month_offset) < now]
    rows = (
        PeriodicReport.objects.visible_to(user)
        .filter(
            report_type=monthly,
            unit__path__startswith=root.path,
            period_start__in=[m.start for m in months],
            first_submitted_at__isnull=False,
        )
        .values("unit_id")
        .annotate(
            on_time=Count("id", filter=Q(first_submitted_at__lte=F("due_at"))),
            late=Count("id", filter=Q(first_submitted_at__gt=F("due_at"))),
            returned=Count("id", filter=Q(return_count__gt=0)),
            accepted=Count("id", filter=Q(status=ReportStatus.ACCEPTED)),
        )
        .order_by()
    )
    out = {row["unit_id"]: {**row, "expected": len(months)} for row in rows}
    for unit in units if units is not None else expected_units(user, root):
        out.setdefault(
            unit.pk,
            {
                "unit_id": unit.pk,
                "on_time": 0,
                "late": 0,
                "returned": 0,
                "accepted": 0,
                "expected": len(months),
            },
        )
    return out


FILED = FILED_STATUSES
