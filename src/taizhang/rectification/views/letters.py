"""三书一函: list (with the board's drill-down filters), detail and reply, registration, board, export."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taizhang.cases.models import Case
from taizhang.core import audit
from taizhang.core.access import page_rule
from taizhang.core.drafts import refuse
from taizhang.core.errors import ActionError
from taizhang.org.actors import acting
from taizhang.rectification import actions, exports, filters
from taizhang.rectification import permissions as perm
from taizhang.rectification.choices import LetterBucket, LetterStatus
from taizhang.rectification.forms import LetterForm, ReplyForm
from taizhang.rectification.models import Letter, LetterType
from taizhang.rectification.progress import progress_by_list


def listed(request: HttpRequest) -> Any:
    return filters.apply(Letter.objects.visible_to(request.user), request.GET)


@login_required
def letter_list(request: HttpRequest) -> HttpResponse:
    qs = listed(request).select_related("letter_type", "issuer_unit", "recipient_unit", "case")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "params": request.GET,
        "query": request.GET.urlencode(),
        "buckets": LetterBucket.choices,
        "types": LetterType.objects.filter(is_active=True),
    }
    return render(request, "rectification/letter_list.html", context)


@login_required
def letter_export(request: HttpRequest) -> HttpResponse:
    response = exports.letters_response(listed(request))
    audit.record(
        "letter.export",
        actor=request.user,
        object_type="rectification.letters",
        after={"query": request.GET.urlencode()[:500]},
    )
    return response


@login_required
def letter_board(request: HttpRequest) -> HttpResponse:
    qs = Letter.objects.visible_to(request.user)
    context = {
        "by_issuer": filters.board(qs, "issuer"),
        "by_recipient": filters.board(qs, "recipient"),
        "buckets": LetterBucket.choices,
    }
    return render(request, "rectification/letter_board.html", context)


def _letter_page(request: HttpRequest, letter: Letter, reply_form: ReplyForm | None = None) -> HttpResponse:
    problem_list = getattr(letter, "problem_list", None)
    form = reply_form or ReplyForm()
    context = {
        "letter": letter,
        "problem_list": problem_list,
        "progress": progress_by_list(request.user, [problem_list.pk]).get(problem_list.pk)
        if problem_list
        else None,
        "can_reply": letter.status == LetterStatus.ISSUED
        and perm.is_unit_actor(request.user, {letter.recipient_unit_id}),
        "reply_form": form,
        "measure_rows": form.rows or [{}],
        "case_visible": bool(letter.case_id)
        and Case.objects.visible_to(request.user).filter(pk=letter.case_id).exists(),
    }
    return render(request, "rectification/letter_detail.html", context)


def _visible_letter(request: HttpRequest, pk: int) -> Letter:
    return get_object_or_404(
        Letter.objects.visible_to(request.user).select_related(
            "letter_type", "issuer_unit", "recipient_unit", "case", "replied_by"
        ),
        pk=pk,
    )


@login_required
def letter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _letter_page(request, _visible_letter(request, pk))


@login_required
@require_POST
def letter_reply(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _visible_letter(request, pk)
    form = ReplyForm(request.POST, units=[letter.recipient_unit])
    if form.is_valid():
        try:
            actions.do_reply_letter(
                letter.pk,
                actor=acting(request),
                reply=form.cleaned_data["reply"],
                measures=form.cleaned_data["rows"],
            )
        except ActionError as exc:
            refuse(request, exc.message)
            return redirect("rectification:letter", pk=letter.pk)
        messages.success(request, _("回复已登记。"))
        return redirect("rectification:letter", pk=letter.pk)
    # A refused reply: the page again, with everything typed and each fault named.
    return _letter_page(request, letter, form)


def may_issue_letter(user: Any, **_: Any) -> bool:
    """Like the clue register page: people who may issue from none of the form's units get 404."""
    issuers = LetterForm(user=user).fields["issuer"].queryset  # type: ignore[attr-defined]
    return any(perm.can_issue_letter(user, issuer) for issuer in issuers)


CASE_CHOICES = 10


@login_required
@page_rule(may_issue_letter)
def case_choices(request: HttpRequest) -> HttpResponse:
    """htmx: the cases the person may see whose number or name holds what was typed (the letter form's case
    picker); never a case outside their sight."""
    from taizhang.cases.models import Case

    typed = (request.GET.get("case_number") or "").strip()[:60]
    cases = Case.objects.none()
    if typed:
        cases = (
            Case.objects.visible_to(request.user)
            .filter(Q(number__icontains=typed) | Q(name__icontains=typed))
            .order_by("-id")[:CASE_CHOICES]
        )
    return render(request, "rectification/_case_choices.html", {"cases": cases, "typed": typed})


@login_required
@page_rule(may_issue_letter)
def letter_create(request: HttpRequest) -> HttpResponse:
    form = LetterForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        due = d["reply_due"]
        try:
            letter = actions.do_issue_letter(
                actor=acting(request),
                letter_type=d["letter_type"],
                number=d["number"],
                issuer=d["issuer"],
                recipient=d["recipient"],
                issued_on=d["issued_on"],
                problems=d["problems"],
                case=d["case_number"],
                reply_due_at=timezone.make_aware(dt.datetime.combine(due, dt.time(23, 59, 59)))
                if due
                else None,
            )
        except ActionError as exc:
            refuse(request, exc.message)
        else:
            messages.success(request, _("文书已登记。"))
            return redirect("rectification:letter", pk=letter.pk)
    return render(request, "rectification/form.html", {"form": form, "title": _("登记三书一函")})
