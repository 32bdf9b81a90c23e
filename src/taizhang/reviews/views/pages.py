"""Review and call-back pages: campaigns with their results board, verdicts, call-back tasks and satisfaction."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from taizhang.clues.models import Clue
from taizhang.core.access import page_rule
from taizhang.core.drafts import refuse
from taizhang.core.errors import ActionError
from taizhang.core.params import as_id
from taizhang.org.actors import acting
from taizhang.org.choices import RoleCode
from taizhang.org.models import Unit, User
from taizhang.reporters import permissions as reporter_perm
from taizhang.reviews import actions, callbacks, notify, results
from taizhang.reviews import permissions as perm
from taizhang.reviews.choices import CallbackOutcome, MessageChannel, MessageStatus, Verdict
from taizhang.reviews.forms import CampaignForm
from taizhang.reviews.models import CallbackTask, ReporterMessage, ReviewCampaign, ReviewItem


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
    shown = results.items(request.user, campaign, unit=as_id(request.GET.get("unit")), bucket=bucket)
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
            "can_manage": perm.is_office_over(request.user, campaign.office.path),
            "can_sign": perm.is_office_leader_over(request.user, campaign.office.path),
            "units": Unit.objects.filter(path__startswith=campaign.office.path, is_active=True).order_by(
                "path"
            ),
        },
    )


@login_required
@require_POST
def item_verdict(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ReviewItem.objects.visible_to(request.user), pk=pk)
    try:
        actions.do_record_verdict(
            pk,
            actor=acting(request),
            verdict=request.POST.get("verdict", ""),
            reasons=request.POST.get("reasons", ""),
            version=as_id(request.POST.get("version")),
        )
    except ActionError as exc:
        if exc.status == 404:
            raise Http404 from exc
        refuse(request, exc.message)
    else:
        messages.success(request, _("评查意见已提交。"))
    return redirect("reviews:detail", item.campaign_id)


@login_required
@require_GET
def callback_list(request: HttpRequest) -> HttpResponse:
    """Call-back tasks (never with the reporter's name) and the satisfaction figures, each drilling down."""
    qs = CallbackTask.objects.visible_to(request.user).select_related(
        "clue", "handling_unit", "assignee", "office"
    )
    unit, outcome, month = (
        as_id(request.GET.get("unit")),
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
    # One check per office on the page, not one per row: the assign form shows where the person may assign.
    offices = {t.office_id: t.office for t in page}
    assign_offices = {pk for pk, office in offices.items() if perm.is_office_over(request.user, office.path)}
    custodians = _custodians(assign_offices)
    for t in page:
        t.assignable = (
            custodians.get(t.office_id, [])
            if t.office_id in assign_offices
            and t.outcome in (CallbackOutcome.PENDING, CallbackOutcome.UNREACHABLE)
            else []
        )
    return render(
        request,
        "reviews/callbacks.html",
        {
            "page": page,
            "figures": results.satisfaction(request.user, qs),
            "outcomes": list(CallbackOutcome)[1:],
            "channels": list(MessageChannel),
            "sent": ReporterMessage.objects.visible_to(request.user).select_related("clue")[:50],
        },
    )


def may_assign_callback(user: Any, pk: int) -> bool:
    """Office staff or leaders over the task's office, while the call-back is still to be made."""
    task = CallbackTask.objects.visible_to(user).select_related("office").filter(pk=pk).first()
    return (
        task is not None
        and task.outcome in (CallbackOutcome.PENDING, CallbackOutcome.UNREACHABLE)
        and perm.is_office_over(user, task.office.path)
    )


def _custodians(offices: set[int]) -> dict[int, list[User]]:
    """The identity custodians of each office, the only people a call-back may go to."""
    people: dict[int, list[User]] = {}
    for user in (
        User.objects.filter(unit_id__in=offices, is_active=True, roles__code=RoleCode.IDENTITY_CUSTODIAN)
        .distinct()
        .order_by("username")
    ):
        if user.unit_id is not None:
            people.setdefault(user.unit_id, []).append(user)
    return people


@login_required
@require_POST
@page_rule(may_assign_callback)
def callback_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Give a call-back to one of the office's identity custodians."""
    task = get_object_or_404(CallbackTask.objects.visible_to(request.user), pk=pk)
    assignee_id = as_id(request.POST.get("assignee"))
    assignee = User.objects.filter(pk=assignee_id, unit_id=task.office_id).first() if assignee_id else None
    if assignee is None:
        refuse(request, _("请选择本办的身份信息保管人作为回访人。"))
        return redirect("reviews:callbacks")
    try:
        callbacks.do_assign_callback(pk, actor=acting(request), assignee=assignee)
    except ActionError as exc:
        if exc.status == 404:
            raise Http404 from exc
        refuse(request, exc.message)
    else:
        messages.success(request, _("回访任务已分配。"))
    return redirect("reviews:callbacks")


@login_required
@require_POST
def callback_contact(request: HttpRequest, pk: int) -> HttpResponse:
    """The reporter's contact channel, for the caller only, shown on this response only."""
    try:
        contact = callbacks.do_reveal_contact(
            pk, actor=acting(request), second_factor=reporter_perm.has_second_factor(request.user)
        )
    except ActionError as exc:
        if exc.status == 404:
            raise Http404 from exc
        refuse(request, exc.message)
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
            actor=acting(request),
            outcome=request.POST.get("outcome", ""),
            notes=request.POST.get("notes", ""),
            version=as_id(request.POST.get("version")),
        )
    except ActionError as exc:
        if exc.status == 404:
            raise Http404 from exc
        refuse(request, exc.message)
    else:
        messages.success(request, _("回访结果已登记。"))
    return redirect("reviews:callbacks")


def _office_of(request: HttpRequest) -> Any:
    office = getattr(request.user, "unit", None)
    if office is None or office.kind != "office" or not perm.is_office_over(request.user, office.path):
        return None
    return office


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    """Organise a review (offices only; others get 404). A bad choice keeps what was typed."""
    office = _office_of(request)
    if office is None:
        raise Http404
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = actions.do_create_campaign(
                actor=acting(request),
                title=data["title"],
                office=office,
                period_start=data["period_start"],
                period_end=data["period_end"],
                sampling_kind=data["sampling"],
                share=data["share"],
                size=data["size"],
                include_repeats=data["include_repeats"],
                seed=data["seed"],
            )
        except ActionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("评查已建立，已抽取 %(n)s 条线索。") % {"n": campaign.items.count()})
            return redirect("reviews:detail", campaign.pk)
    return render(request, "reviews/form.html", {"form": form})


def _campaign_step(request: HttpRequest, pk: int, call: Any, done: str) -> HttpResponse:
    get_object_or_404(ReviewCampaign.objects.visible_to(request.user), pk=pk)
    try:
        call()
    except ActionError as exc:
        if exc.status == 404:
            raise Http404 from exc
        refuse(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("reviews:detail", pk)


@login_required
@require_POST
def campaign_assign(request: HttpRequest, pk: int) -> HttpResponse:
    unit = Unit.objects.filter(pk=as_id(request.POST.get("reviewer_unit")) or 0).first()
    ids = [i for i in (as_id(v) for v in request.POST.getlist("items")) if i]

    def call() -> None:
        if unit is None:
            raise ActionError("required", _("请选择评查单位。"))
        actions.do_assign_reviewer(pk, actor=acting(request), item_ids=ids, reviewer_unit=unit)

    return _campaign_step(request, pk, call, _("已分配评查单位。"))


@login_required
@require_POST
def campaign_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _campaign_step(
        request,
        pk,
        lambda: actions.do_close_campaign(
            pk,
            actor=acting(request),
            conclusion=request.POST.get("conclusion", ""),
            version=as_id(request.POST.get("version")),
        ),
        _("评查已签批结束。"),
    )


@login_required
@require_POST
def callback_send(request: HttpRequest, pk: int) -> HttpResponse:
    """A message to the reporter of a call-back's clue through the notifier (portal, email or SMS)."""
    task = get_object_or_404(CallbackTask.objects.visible_to(request.user), pk=pk)
    try:
        message = notify.do_send_to_reporter(
            task.clue_id,
            actor=acting(request),
            channel=request.POST.get("channel", ""),
            body=request.POST.get("body", ""),
        )
    except ActionError as exc:
        if exc.status == 404:
            raise Http404 from exc
        refuse(request, exc.message)
    else:
        if message.status == MessageStatus.SENT:
            messages.success(request, _("消息已发送。"))
        else:
            messages.warning(
                request, _("消息未能发送：%(e)s 已记录，系统将自动重试。") % {"e": message.last_error}
            )
    return redirect("reviews:callbacks")
