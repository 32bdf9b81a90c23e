"""Figures with 同比/环比, the dashboard and its JSON, the bulletin, the summary sheet and the assessment."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taizhang.core import audit
from taizhang.core.drafts import refuse
from taizhang.core.errors import ActionError
from taizhang.org.actors import acting
from taizhang.org.choices import UnitKind
from taizhang.org.models import Unit
from taizhang.reports import actions, assessment, bulletin, dashboard, exports, from_below
from taizhang.reports.choices import NoteKind, PeriodKind
from taizhang.reports.figures import figures_with_changes
from taizhang.reports.indicators import batch
from taizhang.reports.models import AssessmentScheme, Indicator
from taizhang.reports.periods import Period
from taizhang.reports.views.common import (
    PERIOD_KINDS,
    chosen_period,
    chosen_unit,
    office_stats_page,
    stats_page,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(body: bytes, content_type: str, filename: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _office_of(request: HttpRequest) -> Unit:
    unit = chosen_unit(request)
    if unit.kind != UnitKind.OFFICE:
        unit = unit.office() or unit
    return get_object_or_404(Unit.objects.visible_to(request.user), pk=unit.pk)


def _filters(request: HttpRequest, unit: Unit, period: Period) -> dict[str, Any]:
    units = Unit.objects.visible_to(request.user).order_by("path")
    return {"unit": unit, "period": period, "units": units, "kinds": PERIOD_KINDS}


@login_required
@stats_page
def figures(request: HttpRequest) -> HttpResponse:
    """Every indicator for a unit subtree and period, with 同比 and 环比 (aggregated up the unit tree)."""
    unit, period = chosen_unit(request), chosen_period(request)
    with batch():
        rows = figures_with_changes(request.user, unit, period, Indicator.objects.filter(is_active=True))
    return render(request, "reports/figures.html", {"rows": rows, **_filters(request, unit, period)})


@login_required
@stats_page
def dashboard_page(request: HttpRequest) -> HttpResponse:
    """领导驾驶舱: the page; the charts load their data from dashboard_data."""
    unit, period = chosen_unit(request), chosen_period(request)
    user: Any = request.user
    levels = from_below.levels(user, unit, period, lambda: dashboard.clue_series(user, unit, period)["cards"])
    return render(request, "reports/dashboard.html", {"levels": levels, **_filters(request, unit, period)})


@login_required
@stats_page
def dashboard_data(request: HttpRequest) -> JsonResponse:
    """The dashboard's data as JSON (every element carries its drill-down URL)."""
    unit, period = chosen_unit(request), chosen_period(request)
    return JsonResponse(dashboard.dashboard_data(request.user, unit, period))


@login_required
@office_stats_page
def bulletin_page(request: HttpRequest) -> HttpResponse:
    """季度通报: preview of what it will contain, notes to add, and the downloads."""
    office = _office_of(request)
    period = chosen_period(request, PeriodKind.QUARTER)
    if period.kind != PeriodKind.QUARTER:
        period = Period.of(PeriodKind.QUARTER, period.start)
    fmt = request.GET.get("format")
    data = bulletin.gather(request.user, office, period, request.GET.get("number", ""))
    if fmt in ("docx", "pdf"):
        body = bulletin.render_docx(data)
        audit.record(
            "report.bulletin_read",
            actor=request.user,
            obj=office,
            after={"period": period.key, "format": fmt},
        )
        name = f"{data.number}{period.label}通报"
        if fmt == "docx":
            return _download(body, DOCX, f"{name}.docx")
        if bulletin.soffice() is None:
            refuse(request, _("服务器未安装 LibreOffice，暂不能生成 PDF，请下载 Word 版本。"))
            return redirect(f"{request.path}?unit={office.pk}&period={period.key}&kind=quarter")
        # LibreOffice takes seconds to a minute: a job for the worker, followed on the job page.
        from taizhang.jobs import runner

        job = runner.enqueue(
            "reports.bulletin",
            user=request.user,
            params={"office": office.pk, "period": period.key, "number": request.GET.get("number", "")},
        )
        return redirect("jobs:job", pk=job.pk)
    units = Unit.objects.visible_to(request.user).filter(path__startswith=office.path).exclude(pk=office.pk)
    return render(
        request,
        "reports/bulletin.html",
        {
            "data": data,
            "ranking_rule": assessment.RANKING_RULE,
            "office": office,
            "period": period,
            "units": units,
            "note_kinds": NoteKind.choices,
            "has_pdf": bulletin.soffice() is not None,
        },
    )


@login_required
@require_POST
@office_stats_page
def note_add(request: HttpRequest) -> HttpResponse:
    """Add a commendation or criticism to the bulletin of a quarter."""
    office = _office_of(request)
    try:
        period = Period.parse(PeriodKind.QUARTER, request.POST.get("period", ""))
    except (ValueError, IndexError):
        refuse(request, _("请选择正确的通报期间（季度）。"))
        return redirect(f"/reports/bulletin/?unit={office.pk}&kind=quarter")
    target = get_object_or_404(Unit.objects.visible_to(request.user), pk=request.POST.get("target") or 0)
    try:
        actions.do_add_bulletin_note(
            actor=acting(request),
            office=office,
            unit=target,
            period=period,
            kind=request.POST.get("note_kind", ""),
            text=request.POST.get("text", ""),
        )
        messages.success(request, _("已添加通报事项。"))
    except ActionError as exc:
        refuse(request, exc.message)
    return redirect(f"/reports/bulletin/?unit={office.pk}&kind=quarter&period={period.key}")


@login_required
@office_stats_page
def summary_xlsx(request: HttpRequest) -> HttpResponse:
    """The summary sheet (.xlsx) of all units' figures for a period (default the current month)."""
    office, period = _office_of(request), chosen_period(request, PeriodKind.MONTH)
    body = exports.summary_xlsx(request.user, office, period)
    audit.record("report.summary_export", actor=request.user, obj=office, after={"period": period.key})
    return _download(body, XLSX, f"{period.label}数据汇总表.xlsx")


@login_required
@office_stats_page
def assessment_page(request: HttpRequest) -> HttpResponse:
    """年度考评: ranking and, per unit, every point gained or lost; ?format=xlsx exports."""
    office = _office_of(request)
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year
    scheme = assessment.default_scheme(office, year)
    results = assessment.score(request.user, scheme)
    if request.GET.get("format") == "xlsx":
        audit.record("report.assessment_export", actor=request.user, obj=office, after={"year": year})
        return _download(exports.assessment_xlsx(scheme.name, results), XLSX, f"{scheme.name}.xlsx")
    return render(
        request,
        "reports/assessment.html",
        {
            "scheme": scheme,
            "ranking_rule": assessment.RANKING_RULE,
            "results": results,
            "office": office,
            "year": year,
            "items": scheme.items.all(),
            "units": [r["unit"] for r in results],
        },
    )


@login_required
@require_POST
@office_stats_page
def deduction_add(request: HttpRequest, scheme_id: int) -> HttpResponse:
    """The office deducts points from a unit, with a reason."""
    scheme = get_object_or_404(AssessmentScheme, pk=scheme_id)
    target = get_object_or_404(Unit.objects.visible_to(request.user), pk=request.POST.get("target") or 0)
    try:
        actions.do_add_assessment_deduction(
            scheme.pk,
            actor=acting(request),
            unit=target,
            points=request.POST.get("points", ""),
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, _("已记录扣分。"))
    except ActionError as exc:
        if exc.status == 404:
            from django.http import Http404

            raise Http404 from exc
        refuse(request, exc.message)
    return redirect(f"/reports/assessment/?unit={scheme.office_id}&year={scheme.year}")
