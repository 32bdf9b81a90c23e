"""Which reports are due for whom: the home panel, the to-do list and the worker's reminders share this."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from taizhang.org.models import Unit
from taizhang.reports.choices import FILED_STATUSES, PeriodKind
from taizhang.reports.models import PeriodicReport, ReportType
from taizhang.reports.periods import Period

REMIND_DAYS_BEFORE = 3
# A report more than this late is left to the status board (no reminders for long-past periods at deployment).
CHASE_DAYS_AFTER = 10


def open_periods(report_type: ReportType, now: dt.datetime) -> list[Period]:
    """The current period and the one before it (still chased when it was not filed)."""
    from django.utils import timezone

    current = Period.of(report_type.period_kind, timezone.localtime(now).date())
    return [current.previous(), current]


def unfiled(units: list[Unit], now: dt.datetime) -> list[dict[str, Any]]:
    """For these units: every periodic report due within REMIND_DAYS_BEFORE days or already late, not filed."""
    types = [t for t in ReportType.objects.filter(is_active=True) if t.is_periodic]
    if not types or not units:
        return []
    wanted: list[tuple[ReportType, Period, dt.datetime]] = []
    for report_type in types:
        for period in open_periods(report_type, now):
            due = period.due_at(report_type.due_day, report_type.due_month_offset)
            if (
                due - dt.timedelta(days=REMIND_DAYS_BEFORE)
                <= now
                <= due + dt.timedelta(days=CHASE_DAYS_AFTER)
            ):
                wanted.append((report_type, period, due))
    if not wanted:
        return []
    existing = {
        (r.report_type_id, r.unit_id, r.period_start): r
        for r in PeriodicReport.objects.filter(
            unit__in=units,
            report_type__in=[w[0] for w in wanted],
            period_start__in=[w[1].start for w in wanted],
        )
    }
    out = []
    for unit in units:
        for report_type, period, due in wanted:
            report = existing.get((report_type.pk, unit.pk, period.start))
            if report is not None and report.status in FILED_STATUSES:
                continue
            out.append(
                {
                    "unit": unit,
                    "report_type": report_type,
                    "period": period,
                    "due_at": due,
                    "report": report,
                    "overdue": now > due,
                    "label": _label(period, report_type),
                    "status": report.get_status_display() if report else _("未起草"),
                }
            )
    return out


MONTHLY = PeriodKind.MONTH


def _label(period: Period, report_type: ReportType) -> str:
    """2026年3月信息月报; 2025年度工作总结 (not 2025年度年度工作总结)."""
    if period.kind == PeriodKind.YEAR and report_type.name.startswith("年度"):
        return f"{period.start.year}{report_type.name}"
    return f"{period.label}{report_type.name}"


def open_for(user: Any, unit: Unit, now: dt.datetime) -> list[dict[str, Any]]:
    """The unit's reports not yet filed as this person should read them: those due soon or late, and every
    draft or returned report of any period (a saved draft never drops out of sight), each saying who acts
    next — the liaison drafts, the unit's leader submits."""
    from taizhang.reports import permissions as perm
    from taizhang.reports.choices import ReportStatus

    items = unfiled([unit], now)
    shown = {item["report"].pk for item in items if item["report"] is not None}
    drafts = (
        PeriodicReport.objects.filter(unit=unit, status__in=(ReportStatus.DRAFT, ReportStatus.RETURNED))
        .exclude(pk__in=shown)
        .select_related("report_type")
        .order_by("period_start")
    )
    for report in drafts:
        items.append(
            {
                "unit": unit,
                "report_type": report.report_type,
                "period": None,
                "due_at": report.due_at,
                "report": report,
                "overdue": bool(report.due_at and now > report.due_at),
                "label": report.title,
                "status": report.get_status_display(),
            }
        )
    submits = perm.can_submit(user, unit)
    for item in items:
        if item["report"] is None:
            item["next"] = _("待起草")
        elif submits:
            item["next"] = _("待您审核报送")
        else:
            item["next"] = _("待单位负责人报送")
    return items
