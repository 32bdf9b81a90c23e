"""Figures from text: paste or upload → review and correct → apply to a report draft or a legacy record.

Nothing is applied until the person posts the reviewed figures; the reports app's actions do the writing
(and their audit). Office staff and unit liaisons use it for their own unit.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from taizhang.core.drafts import refuse
from taizhang.core.errors import ActionError
from taizhang.figures.forms import FigureFormSet, SourceForm, TargetForm
from taizhang.figures.reading import entered_values, find, marked, read_upload
from taizhang.org.actors import acting
from taizhang.org.choices import RoleCode
from taizhang.org.visibility import scope_of
from taizhang.reports import actions
from taizhang.reports.models import PeriodicReport

USERS = (RoleCode.OFFICE_STAFF, RoleCode.OFFICE_LEADER, RoleCode.LIAISON)
OPEN_REPORT_STATUSES = ("draft", "returned")


def _require_user(request: HttpRequest) -> None:
    scope = scope_of(request.user)
    if not (scope and scope.unit_id and scope.has(*USERS)):
        raise PermissionDenied


def _draft_reports(request: HttpRequest) -> list[tuple[int, str]]:
    """The person's own unit's open report drafts."""
    user: Any = request.user
    reports = PeriodicReport.objects.visible_to(user).filter(
        unit_id=user.unit_id, status__in=OPEN_REPORT_STATUSES
    )
    return [(r.pk, str(r)) for r in reports[:50]]


def _review(request: HttpRequest, formset: Any, target: TargetForm, status: int = 200) -> HttpResponse:
    rows = [
        (form, marked(form["sentence"].value() or "", form["text"].value() or "")) for form in formset.forms
    ]
    return render(
        request, "figures/review.html", {"formset": formset, "rows": rows, "target": target}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    """Paste or upload a report; on POST, show the figures found for review (nothing is stored)."""
    _require_user(request)
    form = SourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        text = read_upload(upload.name, upload.read()) if upload else form.cleaned_data["text"]
        found = find(text)
        if not found:
            messages.info(request, _("没有找到统计数据。"))
            return render(request, "figures/index.html", {"form": form})
        formset = FigureFormSet(initial=[{**asdict(f), "keep": True} for f in found], prefix="fig")
        return _review(request, formset, TargetForm(reports=_draft_reports(request)))
    return render(request, "figures/index.html", {"form": form})


def _apply(request: HttpRequest, figures: list[dict[str, Any]], target: dict[str, Any]) -> str:
    """Hand the reviewed figures to the reports app's action; returns the success message."""
    user: Any = request.user
    if target["target"] == "report":
        actions.do_fill_entered_indicators(
            target["report"], actor=acting(request), values=entered_values(figures)
        )
        return _("已将 %(n)d 项数据填入报送草稿。") % {"n": len(figures)}
    actions.do_record_legacy_figures(
        actor=user,
        unit=user.unit,
        period_start=target["period_start"],
        period_end=target["period_end"],
        source=target["source"],
        figures=figures,
    )
    return _("已录入 %(n)d 项历史数据。") % {"n": len(figures)}


@login_required
@require_POST
def apply(request: HttpRequest) -> HttpResponse:
    """Apply the figures as the person reviewed them (only the ticked ones)."""
    _require_user(request)
    formset = FigureFormSet(request.POST, prefix="fig")
    target = TargetForm(request.POST, reports=_draft_reports(request))
    if not (formset.is_valid() and target.is_valid()):
        return _review(request, formset, target, status=400)
    figures = [
        {
            "indicator": f["indicator"],
            "value": f["value"],
            "unit": f["unit"],
            "approx": f["approx"],
            "text": f["text"],
        }
        for f in formset.cleaned_data
        if f.get("keep")
    ]
    if not figures:
        refuse(request, _("没有勾选要采用的数据。"))
        return _review(request, formset, target, status=400)
    try:
        messages.success(request, _apply(request, figures, target.cleaned_data))
    except ActionError as exc:
        refuse(request, exc.message)
        return _review(request, formset, target, status=exc.status if exc.status != 404 else 400)
    return redirect("figures:index")
