"""Extensions, urging notices, listed supervision, talks and point notices."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taizhang.clues.models import Clue
from taizhang.core import audit
from taizhang.core.params import as_id
from taizhang.org.actors import acting
from taizhang.supervision import actions, permissions
from taizhang.supervision.documents import urging_docx
from taizhang.supervision.forms import (
    ExtensionDecisionForm,
    ExtensionRequestForm,
    LiftForm,
    ListingForm,
    PointNoticeForm,
    TalkForm,
    UrgingForm,
)
from taizhang.supervision.models import Extension, ListedSupervision, PointNotice, Talk, UrgingNotice
from taizhang.supervision.notices import clue_url
from taizhang.supervision.targets import target_models, url_of
from taizhang.supervision.views.common import form_errors, run


def _clue(request: HttpRequest, pk: int) -> Clue:
    return get_object_or_404(Clue.objects.visible_to(request.user), pk=pk)


@login_required
@require_POST
def extension_request(request: HttpRequest, pk: int) -> HttpResponse:
    clue = _clue(request, pk)
    form = ExtensionRequestForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(clue_url(clue.pk))
    return run(
        request,
        lambda: actions.do_request_extension(clue.pk, actor=acting(request), **form.cleaned_data),
        ok=_("延期申请已提交，待扫黑办审批。"),
        back=clue_url(clue.pk),
    )


@login_required
@require_POST
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    ext = get_object_or_404(Extension.objects.visible_to(request.user), pk=pk)
    form = ExtensionDecisionForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(clue_url(ext.clue_id))
    data = form.cleaned_data
    return run(
        request,
        lambda: actions.do_decide_extension(
            ext.pk, actor=acting(request), approve=data["approve"], note=data["note"], days=data["days"]
        ),
        ok=_("延期申请已审批。"),
        back=clue_url(ext.clue_id),
    )


@login_required
@require_POST
def urging_issue(request: HttpRequest, pk: int) -> HttpResponse:
    clue = _clue(request, pk)
    form = UrgingForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(clue_url(clue.pk))
    return run(
        request,
        lambda: actions.do_issue_urging_notice(
            clue,
            actor=acting(request),
            note=form.cleaned_data["note"],
            reply_workdays=form.cleaned_data["reply_workdays"],
        ),
        ok=_("催办单已发出。"),
        back=clue_url(clue.pk),
    )


@login_required
def urging_list(request: HttpRequest) -> HttpResponse:
    qs = UrgingNotice.objects.visible_to(request.user).select_related("unit", "office")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "supervision/urging_list.html", {"page": page})


@login_required
def urging_download(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(
        UrgingNotice.objects.visible_to(request.user).select_related("unit", "office"), pk=pk
    )
    audit.record("urging.document_read", actor=request.user, obj=notice)
    response = HttpResponse(
        urging_docx(notice),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="urging-{notice.pk}.docx"'
    return response


def _target(request: HttpRequest, model: str, pk: int):
    for cls in target_models():
        if cls._meta.label_lower == model and hasattr(cls._default_manager.all(), "visible_to"):
            qs: Any = cls._default_manager.all()
            return get_object_or_404(qs.visible_to(request.user), pk=pk)
    raise Http404


@login_required
def listed_create(request: HttpRequest, model: str, pk: int) -> HttpResponse:
    target = _target(request, model, pk)
    back = url_of(target) or reverse("supervision:listed_list")
    form = ListingForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            form_errors(request, form)
            return redirect(back)
        return run(
            request,
            lambda: actions.do_list_target(target, actor=acting(request), **form.cleaned_data),
            ok=_("已登记挂牌督办。"),
            back=back,
        )
    return render(request, "supervision/listed_form.html", {"form": form, "target": target})


@login_required
def listed_list(request: HttpRequest) -> HttpResponse:
    qs = ListedSupervision.objects.visible_to(request.user).select_related("unit", "office")
    status = request.GET.get("status", "listed")
    if status in ("listed", "lifted"):
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "supervision/listed_list.html", {"page": page, "status": status})


@login_required
def listed_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        ListedSupervision.objects.visible_to(request.user).select_related("unit", "office"), pk=pk
    )
    can_lift = item.status == "listed" and permissions.can_supervise(request.user, item.office)
    form = LiftForm(initial={"version": item.version})
    return render(
        request,
        "supervision/listed_detail.html",
        {
            "item": item,
            "target_url": url_of(item.target) if item.target else "",
            "form": form,
            "can_lift": can_lift,
        },
    )


@login_required
@require_POST
def listed_lift(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ListedSupervision.objects.visible_to(request.user), pk=pk)
    form = LiftForm(request.POST)
    back = reverse("supervision:listed_detail", args=[item.pk])
    if not form.is_valid():
        form_errors(request, form)
        return redirect(back)
    return run(
        request,
        lambda: actions.do_lift_listing(
            item.pk,
            actor=acting(request),
            note=form.cleaned_data["note"],
            version=form.cleaned_data["version"],
        ),
        ok=_("已摘牌。"),
        back=back,
    )


@login_required
def talk_list(request: HttpRequest) -> HttpResponse:
    qs = Talk.objects.visible_to(request.user).select_related("unit", "office")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    form = TalkForm(user=request.user) if permissions.is_office_actor(request.user) else None
    return render(request, "supervision/talk_list.html", {"page": page, "form": form})


@login_required
@require_POST
def talk_create(request: HttpRequest) -> HttpResponse:
    form = TalkForm(request.POST, user=request.user)
    back = reverse("supervision:talk_list")
    if not form.is_valid():
        form_errors(request, form)
        return redirect(back)
    data = dict(form.cleaned_data)
    clue = None
    if request.POST.get("clue"):
        clue = _clue(request, as_id(request.POST["clue"]) or 0)
    return run(
        request,
        lambda: actions.do_record_talk(actor=acting(request), clue=clue, **data),
        ok=_("约谈记录已保存。"),
        back=back,
    )


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    qs = PointNotice.objects.visible_to(request.user).select_related("unit", "office")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    form = PointNoticeForm(user=request.user) if permissions.is_office_actor(request.user) else None
    return render(request, "supervision/notice_list.html", {"page": page, "form": form})


@login_required
@require_POST
def notice_create(request: HttpRequest) -> HttpResponse:
    form = PointNoticeForm(request.POST, user=request.user)
    back = reverse("supervision:notice_list")
    if not form.is_valid():
        form_errors(request, form)
        return redirect(back)
    clue = _clue(request, as_id(request.POST["clue"]) or 0) if request.POST.get("clue") else None
    return run(
        request,
        lambda: actions.do_issue_point_notice(actor=acting(request), clue=clue, **form.cleaned_data),
        ok=_("通报已发出。"),
        back=back,
    )


@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(
        PointNotice.objects.visible_to(request.user).select_related("unit", "office"), pk=pk
    )
    can_ack = notice.acknowledged_at is None and permissions.is_unit_actor(request.user, notice.unit_id)
    return render(request, "supervision/notice_detail.html", {"notice": notice, "can_ack": can_ack})


@login_required
@require_POST
def notice_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(PointNotice.objects.visible_to(request.user), pk=pk)
    return run(
        request,
        lambda: actions.do_acknowledge_point_notice(notice.pk, actor=acting(request)),
        ok=_("已签收。"),
        back=reverse("supervision:notice_detail", args=[notice.pk]),
    )
