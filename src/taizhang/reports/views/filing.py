"""Filing reports: my unit's reports and the status board, the report form, and its workflow steps."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from taizhang.core.audit import actor_name
from taizhang.core.drafts import refuse
from taizhang.core.errors import ActionError
from taizhang.core.params import as_int
from taizhang.org.visibility import scope_of
from taizhang.reports import actions, board
from taizhang.reports import permissions as perm
from taizhang.reports.choices import PeriodKind, ReportStatus
from taizhang.reports.figures import computed_results
from taizhang.reports.indicators import batch
from taizhang.reports.models import PeriodicReport, ReportType
from taizhang.reports.periods import Period
from taizhang.reports.views.common import chosen_period, chosen_unit


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """报送: the reports I can see (filterable by unit and year) and, for an office, the status board."""
    user: Any = request.user
    scope = scope_of(user)
    types = list(ReportType.objects.filter(is_active=True))
    report_type = next((t for t in types if t.code == request.GET.get("type")), None) or next(
        (t for t in types if t.period_kind == PeriodKind.MONTH), None
    )
    reports = PeriodicReport.objects.visible_to(user).select_related("unit", "report_type")
    if request.GET.get("unit"):
        reports = reports.filter(unit=chosen_unit(request))
    if year := as_int(request.GET.get("year"), 2000, 2100):
        reports = reports.filter(period_start__year=year)
    period = None
    rows: list[dict] = []
    if scope and scope.office_path and report_type and report_type.is_periodic:
        period = chosen_period(request, report_type.period_kind)
        if period.kind != report_type.period_kind:
            period = Period.of(report_type.period_kind, period.start)
        rows = board.status_board(user, user.unit, report_type, period)
    return render(
        request,
        "reports/index.html",
        {
            "reports": reports[:100],
            "types": types,
            "report_type": report_type,
            "period": period,
            "board": rows,
            "can_draft": bool(user.unit and perm.can_draft(user, user.unit)),
            "current_month": Period.of(PeriodKind.MONTH, timezone.localdate()),
        },
    )


@login_required
@require_POST
def open_report(request: HttpRequest) -> HttpResponse:
    """Open (or find) my unit's report for a type and period, or a new major-event report."""
    user: Any = request.user
    report_type = get_object_or_404(ReportType, code=request.POST.get("type", ""), is_active=True)
    period = None
    if report_type.is_periodic:
        try:
            period = Period.parse(report_type.period_kind, request.POST.get("period", ""))
        except (ValueError, IndexError):
            refuse(request, _("请选择正确的报送期间。"))
            return redirect("reports:index")
    try:
        report = actions.do_open_report(
            actor=user,
            report_type=report_type,
            unit=user.unit,
            period=period,
            title=request.POST.get("title", ""),
        )
    except ActionError as exc:
        refuse(request, exc.message)
        return redirect("reports:index")
    return redirect("reports:detail", pk=report.pk)


def _rows(report: PeriodicReport, user: Any) -> list[dict[str, Any]]:
    """The form's rows: computed figures (live while a draft, frozen once submitted) and entered ones."""
    stored = {v.indicator_id: v for v in report.values.all()}
    indicators = list(report.report_type.indicators.filter(is_active=True))
    computed: dict[str, dict] = {}
    if report.period_start is not None:
        period = Period.of(report.report_type.period_kind, report.period_start)
        computed = computed_results(user, report.unit, period, [i.code for i in indicators])
    rows = []
    for indicator in indicators:
        value = stored.get(indicator.pk)
        live = computed.get(indicator.code)
        row: dict[str, Any] = {"indicator": indicator, "computed": live is not None, "url": ""}
        if live is not None:
            row["url"] = live.get("url", "")
            if value is not None and report.status != ReportStatus.DRAFT:
                row["value"], row["persons"] = value.value, value.persons
            else:
                row["value"], row["persons"] = live["value"], live.get("persons")
        else:
            row["value"] = value.value if value else None
            row["persons"] = value.persons if value else None
        rows.append(row)
    return rows


# What the report's 办理记录 calls each audit entry (the codes are the auditor's, never shown to a person).
ACTION_LABELS = {
    "report.open": _l("起草"),
    "report.save": _l("保存草稿"),
    "report.fill": _l("自动填报数据"),
    "report.submit": _l("报送"),
    "report.accept": _l("审核采用"),
    "report.return": _l("退回修改"),
    "report.legacy_figures": _l("录入历史数据"),
    "report.from_below": _l("下级台账经数据包报送"),
}


def _history(report: PeriodicReport) -> list[dict[str, Any]]:
    from taizhang.core.models import AuditEntry

    entries = AuditEntry.objects.filter(object_type="reports.periodicreport", object_id=str(report.pk))
    return [
        {
            "at": e.at,
            "actor_label": actor_name(e),
            "label": ACTION_LABELS.get(e.action, _l("其他操作")),
            "reason": e.reason,
        }
        for e in entries.order_by("id")
    ]


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One report: figures, narrative, and the steps this person may take."""
    user: Any = request.user
    report = get_object_or_404(
        PeriodicReport.objects.visible_to(user).select_related("unit", "report_type"), pk=pk
    )
    return _render_detail(request, report)


def _render_detail(
    request: HttpRequest, report: PeriodicReport, *, typed: bool = False, error: ActionError | None = None
) -> HttpResponse:
    """The report page; with typed=True (a refused save) every field shows what the person typed."""
    user: Any = request.user
    editable = report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)
    with batch():
        rows = _rows(report, user)
    source = report.from_below.order_by("-id").first()
    if source is not None:
        # Filed from a lower instance: its figures lead to what was sent (the clues live over there).
        sent = reverse("reports:from_below", args=[source.pk])
        for row in rows:
            row["url"] = f"{sent}#{row['indicator'].code}" if row["computed"] else ""
    narrative = report.narrative
    error_field = (error.detail or {}).get("field", "") if error and isinstance(error.detail, dict) else ""
    if typed:
        narrative = request.POST.get("narrative", narrative)
        for row in rows:
            code = row["indicator"].code
            if not row["computed"] and f"v:{code}" in request.POST:
                row["value"] = request.POST.get(f"v:{code}", "")
                row["persons"] = request.POST.get(f"p:{code}", row["persons"])
            row["invalid"] = bool(error_field) and str(error_field).startswith(row["indicator"].name)
    return render(
        request,
        "reports/detail.html",
        {
            "report": report,
            "source": source,
            "rows": rows,
            "narrative": narrative,
            "error": error.message if error else "",
            "version": request.POST.get("version", report.version) if typed else report.version,
            "can_edit": editable and perm.can_draft(user, report.unit),
            "can_submit": editable and perm.can_submit(user, report.unit),
            "can_review": report.status == ReportStatus.SUBMITTED and perm.can_review(user, report.unit),
            "next_actor": _next_actor(report) if editable else "",
            "history": _history(report),
        },
        status=400 if error else 200,
    )


def _next_actor(report: PeriodicReport) -> str:
    """Who moves a draft on: the unit's leader submits (named when the unit has one)."""
    from taizhang.org.choices import RoleCode
    from taizhang.org.models import User

    leaders = User.objects.filter(
        unit=report.unit, is_active=True, roles__code=RoleCode.UNIT_LEADER
    ).values_list("display_name", flat=True)
    names = "、".join(n for n in leaders if n)
    if names:
        return _("草稿由联络员填写，单位负责人（%(n)s）审核后报送。") % {"n": names}
    return _("草稿由联络员填写，单位负责人审核后报送。")


def _values_from(request: HttpRequest) -> dict[str, dict]:
    values: dict[str, dict] = {}
    for key in request.POST:
        raw = request.POST.get(key, "")
        if key.startswith("v:"):
            code = key[2:]
            values[code] = {
                "value": raw.strip(),
                "persons": request.POST.get(f"p:{code}", "").strip() or None,
            }
    return values


@login_required
@require_POST
def step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """save / submit / accept / return: parse, call the action, show its refusal as a message."""
    user: Any = request.user
    version = request.POST.get("version")
    ver = int(version) if version and version.isdigit() else None
    comment = request.POST.get("comment", "")
    try:
        if name == "save":
            actions.do_save_report(
                pk,
                actor=user,
                version=ver,
                narrative=request.POST.get("narrative", ""),
                values=_values_from(request),
            )
            messages.success(request, _("已保存。"))
        elif name == "submit":
            if "narrative" in request.POST:
                report = actions.do_save_report(
                    pk,
                    actor=user,
                    version=ver,
                    narrative=request.POST.get("narrative", ""),
                    values=_values_from(request),
                )
                ver = report.version
            actions.do_submit_report(pk, actor=user, version=ver)
            messages.success(request, _("已报送。"))
        elif name == "accept":
            actions.do_accept_report(pk, actor=user, comment=comment, version=ver)
            messages.success(request, _("已采用。"))
        elif name == "return":
            actions.do_return_report(pk, actor=user, comment=comment, version=ver)
            messages.success(request, _("已退回。"))
        else:
            return redirect("reports:detail", pk=pk)
    except ActionError as exc:
        if exc.status == 404:
            raise Http404 from exc
        if name in ("save", "submit"):
            # Keep everything typed on the page, the refused field named and marked; nothing was saved.
            report = get_object_or_404(
                PeriodicReport.objects.visible_to(user).select_related("unit", "report_type"), pk=pk
            )
            return _render_detail(request, report, typed=True, error=exc)
        refuse(request, exc.message)
    return redirect("reports:detail", pk=pk)
