"""Staff pages about a clue's reporter: every change is a POST from the clue page's reporter section."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from taizhang.clues.models import Clue
from taizhang.core import audit
from taizhang.core.drafts import refuse
from taizhang.core.errors import ActionError
from taizhang.org.actors import acting
from taizhang.reporters import actions
from taizhang.reporters import permissions as perm


def clue_url(clue_id: int) -> str:
    """The clue detail page (built by the ledger), or the reporter page while it does not exist."""
    try:
        return reverse("clues:detail", args=[clue_id]) + "#reporter"
    except NoReverseMatch:
        return reverse("reporters:clue", args=[clue_id])


@login_required
@require_http_methods(["GET"])
def clue(request: HttpRequest, clue_id: int) -> HttpResponse:
    """The reporter section on its own page (the same section the clue page shows)."""
    from taizhang.reporters.clue_sections import sections

    obj = get_object_or_404(Clue.objects.visible_to(request.user).select_related("office"), pk=clue_id)
    if perm.can_talk_to_reporter(request.user, obj):
        audit.record("reporter.thread_read", actor=request.user, obj=obj)
    return render(request, "reporters/clue.html", {"clue": obj, "sections": sections(request, obj)})


@login_required
@require_POST
def reveal(request: HttpRequest, clue_id: int) -> HttpResponse:
    """Open the sealed identity for a custodian with a reason; the identity is shown on this response only."""
    try:
        identity = actions.do_reveal_identity(
            clue_id,
            actor=acting(request),
            reason=request.POST.get("reason", ""),
            second_factor=perm.has_second_factor(request.user),
        )
    except ActionError as exc:
        if exc.status == 404:
            raise Http404 from exc
        refuse(request, exc.message)
        return redirect(clue_url(clue_id))
    obj = get_object_or_404(Clue.objects.visible_to(request.user), pk=clue_id)
    response = render(
        request,
        "reporters/revealed.html",
        {
            "clue": obj,
            "identity": identity,
            "reason": request.POST.get("reason", ""),
            "back": clue_url(clue_id),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


def _do(request: HttpRequest, clue_id: int, call: object, done: str) -> HttpResponse:
    try:
        call()  # type: ignore[operator]
    except ActionError as exc:
        if exc.status == 404:
            raise Http404 from exc
        refuse(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(clue_url(clue_id))


@login_required
@require_POST
def reply(request: HttpRequest, clue_id: int) -> HttpResponse:
    """Reply to the reporter (shown in their thread on the portal)."""
    body = request.POST.get("body", "")
    return _do(
        request,
        clue_id,
        lambda: actions.do_reply_to_reporter(clue_id, actor=acting(request), body=body),
        _("已回复举报人。"),
    )


@login_required
@require_POST
def mark_read(request: HttpRequest, clue_id: int) -> HttpResponse:
    """Mark the reporter's messages read."""
    return _do(
        request,
        clue_id,
        lambda: actions.do_mark_messages_read(clue_id, actor=acting(request)),
        _("已标记为已读。"),
    )


@login_required
@require_POST
def outcome(request: HttpRequest, clue_id: int) -> HttpResponse:
    """Set the outcome wording released to the reporter."""
    text = request.POST.get("text", "")
    return _do(
        request,
        clue_id,
        lambda: actions.do_release_outcome(clue_id, actor=acting(request), text=text),
        _("已更新向举报人公开的办理结果。"),
    )


@login_required
@require_POST
def feedback(request: HttpRequest, clue_id: int) -> HttpResponse:
    """Record how feedback was given to a real-name reporter."""
    post = request.POST
    version = int(post["version"]) if post.get("version", "").isdigit() else None
    return _do(
        request,
        clue_id,
        lambda: actions.do_record_feedback(
            clue_id,
            actor=acting(request),
            method=post.get("method", ""),
            note=post.get("note", ""),
            status=post.get("status", "given"),
            version=version,
        ),
        _("已记录反馈情况。"),
    )
