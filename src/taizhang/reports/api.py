"""JSON API of reports: list, read, submit, accept, return; the indicator catalogue; dashboard data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema

from taizhang.core.errors import ActionError, PermissionRefused
from taizhang.org.actors import acting
from taizhang.org.models import Unit
from taizhang.org.visibility import scope_of
from taizhang.reports import actions, dashboard
from taizhang.reports.choices import PeriodKind
from taizhang.reports.models import Indicator, PeriodicReport
from taizhang.reports.periods import Period
from taizhang.reports.views.common import STATS_ROLES

router = Router(tags=["reports"])


class IndicatorOut(Schema):
    code: str
    name: str
    unit_label: str
    kind: str
    counts_persons: bool


class ValueOut(Schema):
    code: str
    value: Decimal
    persons: int | None
    computed: bool


class ReportOut(Schema):
    id: int
    type: str
    unit_id: int
    unit: str
    title: str
    status: str
    period_start: dt.date | None
    period_end: dt.date | None
    due_at: dt.datetime | None
    submitted_at: dt.datetime | None
    first_submitted_at: dt.datetime | None
    late: bool
    review_comment: str
    narrative: str
    version: int
    values: list[ValueOut]


class StepIn(Schema):
    version: int | None = None
    comment: str = ""


def _out(report: PeriodicReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "type": report.report_type.code,
        "unit_id": report.unit_id,
        "unit": report.unit.name,
        "title": report.title,
        "status": report.status,
        "period_start": report.period_start,
        "period_end": report.period_end,
        "due_at": report.due_at,
        "submitted_at": report.submitted_at,
        "first_submitted_at": report.first_submitted_at,
        "late": report.is_late,
        "review_comment": report.review_comment,
        "narrative": report.narrative,
        "version": report.version,
        "values": [
            {"code": v.indicator.code, "value": v.value, "persons": v.persons, "computed": v.is_computed}
            for v in report.values.all()
        ],
    }


def _visible(request: HttpRequest) -> Any:
    return PeriodicReport.objects.visible_to(request.user).select_related("unit", "report_type")


@router.get("/indicators", response=list[IndicatorOut], summary="统计指标目录")
def list_indicators(request: HttpRequest) -> list[Indicator]:
    return list(Indicator.objects.filter(is_active=True))


@router.get("/reports", response=list[ReportOut], summary="报送列表")
def list_reports(
    request: HttpRequest, status: str = "", unit: int | None = None, limit: int = 100
) -> list[dict]:
    qs = _visible(request).prefetch_related("values__indicator")
    if status:
        qs = qs.filter(status=status)
    if unit:
        qs = qs.filter(unit_id=unit)
    return [_out(r) for r in qs[: max(1, min(limit, 500))]]


@router.get("/reports/{report_id}", response=ReportOut, summary="报送详情")
def read_report(request: HttpRequest, report_id: int) -> dict:
    return _out(get_object_or_404(_visible(request), pk=report_id))


@router.post("/reports/{report_id}/submit", response=ReportOut, summary="报送")
def submit_report(request: HttpRequest, report_id: int, payload: StepIn) -> dict:
    actions.do_submit_report(report_id, actor=acting(request), version=payload.version)
    return _out(get_object_or_404(_visible(request), pk=report_id))


@router.post("/reports/{report_id}/accept", response=ReportOut, summary="审核采用")
def accept_report(request: HttpRequest, report_id: int, payload: StepIn) -> dict:
    actions.do_accept_report(
        report_id, actor=acting(request), comment=payload.comment, version=payload.version
    )
    return _out(get_object_or_404(_visible(request), pk=report_id))


@router.post("/reports/{report_id}/return", response=ReportOut, summary="退回修改")
def return_report(request: HttpRequest, report_id: int, payload: StepIn) -> dict:
    actions.do_return_report(
        report_id, actor=acting(request), comment=payload.comment, version=payload.version
    )
    return _out(get_object_or_404(_visible(request), pk=report_id))


@router.get("/dashboard", summary="驾驶舱数据")
def dashboard_api(
    request: HttpRequest, unit: int | None = None, kind: str = "quarter", period: str = ""
) -> dict:
    scope = scope_of(request.user)
    if scope is None or not scope.has(*STATS_ROLES):
        raise PermissionRefused()
    target = get_object_or_404(Unit.objects.visible_to(request.user), pk=unit or scope.unit_id or 0)
    if kind not in (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.HALF, PeriodKind.YEAR):
        kind = PeriodKind.QUARTER
    try:
        chosen = Period.parse(kind, period) if period else Period.of(kind, timezone.localdate())
    except (ValueError, IndexError) as exc:
        raise ActionError(
            "invalid_period", _("期间格式不正确，例如 2026-03、2026-Q1、2026-H1、2026。")
        ) from exc
    return dashboard.dashboard_data(request.user, target, chosen)
