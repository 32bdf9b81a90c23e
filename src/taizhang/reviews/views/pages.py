"""Review and call-back pages: campaigns with their results board, verdicts, call-back tasks and satisfaction."""

from __future__ import annotations

import contextlib
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from taizhang.clues.models import Clue
from taizhang.core.errors import ActionError
from taizhang.reporters import permissions as reporter_perm
from taizhang.reviews import actions, callbacks, results
from taizhang.reviews.choices import CallbackOutcome, Verdict
from taizhang.reviews.models import CallbackTask, ReviewCampaign, ReviewItem


def _int(value: str | None) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        return None


@login_required
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = (
        ReviewCampaign.objects.visible_to(request.user).select_related("office").order_by("-created_at")
    )
    return render(
        request, "reviews/list.html", {"page": Paginator(campaigns, 50).get_page(request.GET.get("page"))}
    )


@login_required
@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(
        ReviewCampaign.objects.visible_to(request.user).select_related("office", "signed_by"), pk=pk
    )
    bucket = request.GET.get("bucket", "sampled")
    shown = results.items(request.user, campaign, unit=_int(request.GET.get("unit")), bucket=bucket)
    page = Paginator(shown, 100).get_page(request.GET.get("page"))
    # A clue number links only for people who may open the clue; reviewers read the clue on the item itself.
    linked = set(
        Clue.objects.visible_to(request.user)
        .filter(pk__in=[i.clue_id for i in page])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "reviews/detail.html",
        {
            "campaign": campaign,
            "board": results.campaign_board(request.user, campaign),
            "page": page,
            "linked": linked,
            "bucket": bucket,
            "verdicts": [Verdict.UPHELD, Verdict.CORRECTED],
            "user_unit": getattr(request.user, "unit_id", None),
        },
    )


@login_required
@require_POST
def item_verdict(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ReviewItem.objects.visible_to(request.user), pk=pk)
    try:
        actions.do_record_verdict(
            pk,
            actor=request.user,
            verdict=request.POST.get("verdict", ""),
            reasons=request.POST.get("reasons", ""),
            version=_int(request.POST.get("version")),
        )
    except ActionError as exc:
        if exc.status == 404:
            raise Http404 from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, _("评查意见已提交。"))
    return redirect("reviews:detail", item.campaign_id)


@login_required
@require_GET
def callback_list(request: HttpRequest) -> HttpResponse:
    """Call-back tasks (never with the reporter's name) and the satisfaction figures, each drilling down."""
    qs = CallbackTask.objects.visible_to(request.user).select_related("clue", "handling_unit", "assignee")
    unit, outcome, month = (
        _int(request.GET.get("unit")),
        request.GET.get("outcome", ""),
        request.GET.get("month", ""),
    )
    shown = qs
    if unit is not None:
        shown = (
            shown.filter(handling_unit_id=unit or None) if unit else shown.filter(handling_unit__isnull=True)
        )
    if outcome in CallbackOutcome.values:
        shown = shown.filter(outcome=outcome)
    if month:
        with contextlib.suppress(ValueError):
            shown = shown.filter(month=dt.date.fromisoformat(month))
    page = Paginator(shown.order_by("-month", "pk"), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/callbacks.html",
        {
            "page": page,
            "figures": results.satisfaction(request.user, qs),
            "outcomes": list(CallbackOutcome)[1:],
        },
    )


@login_required
@require_POST
def callback_contact(request: HttpRequest, pk: int) -> HttpResponse:
    """The reporter's contact channel, for the caller only, shown on this response only."""
    try:
        contact = callbacks.do_reveal_contact(
            pk, actor=request.user, second_factor=reporter_perm.has_second_factor(request.user)
        )
    except ActionError as exc:
        if exc.status == 404:
            raise Http404 from exc
        messages.error(request, exc.message)
        return redirect("reviews:callbacks")
    task = get_object_or_404(CallbackTask.objects.visible_to(request.user), pk=pk)
    response = render(request, "reviews/contact.html", {"task": task, "contact": contact})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def callback_record(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(CallbackTask.objects.visible_to(request.user), pk=pk)
    try:
        callbacks.do_record_callback(
            pk,
            actor=request.user,
            outcome=request.POST.get("outcome", ""),
            notes=request.POST.get("notes", ""),
            version=_int(request.POST.get("version")),
        )
    except ActionError as exc:
        if exc.status == 404:
            raise Http404 from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, _("回访结果已登记。"))
    return redirect("reviews:callbacks")
