"""One POST view per handling step: parse the form, call the action, show its message, back to the clue."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from taizhang.clues import actions
from taizhang.clues import forms as f
from taizhang.clues.models import Clue
from taizhang.clues.views.common import back_to, show_error, visible_clue
from taizhang.core.drafts import refuse
from taizhang.core.errors import ActionError
from taizhang.org.actors import acting


def form_errors(form: Any) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.append(f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
    return " ".join(parts)


def run_step(
    request: HttpRequest,
    pk: int,
    form_class: type,
    run: Callable[[Clue, dict[str, Any]], Any],
    success: str,
    *,
    anchor: str = "",
    **form_kwargs: Any,
) -> HttpResponse:
    clue = visible_clue(request, pk)
    form = form_class(request.POST, request.FILES, **form_kwargs)
    if not form.is_valid():
        refuse(request, form_errors(form))
        return back_to(clue.pk, anchor)
    try:
        run(clue, form.cleaned_data)
    except ActionError as exc:
        show_error(request, exc)
        return back_to(clue.pk, anchor)
    messages.success(request, success)
    return back_to(clue.pk)


def step_view(
    form_class: type,
    run: Callable[[HttpRequest, Clue, dict[str, Any]], Any],
    success: Any,
    anchor: str,
    user_form: bool = False,
) -> Callable[[HttpRequest, int], HttpResponse]:
    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        kwargs = {"user": request.user} if user_form else {}
        return run_step(
            request, pk, form_class, lambda c, d: run(request, c, d), str(success), anchor=anchor, **kwargs
        )

    return view


def _triage(r: HttpRequest, c: Clue, d: dict[str, Any]) -> Any:
    return actions.do_triage_clue(
        c.pk,
        actor=acting(r),
        in_scope=d["in_scope"],
        category=d["category"],
        priority=d["priority"],
        sector=d["sector"],
        referred_to=d["referred_to"],
        note=d["note"],
        version=d["version"],
    )


def _assign(r: HttpRequest, c: Clue, d: dict[str, Any]) -> Any:
    return actions.do_assign_clue(
        c.pk,
        actor=acting(r),
        unit=d["unit"],
        person=d["person"],
        due=_due(d),
        instructions=d["instructions"],
        version=d["version"],
    )


def _due(d: dict[str, Any]) -> Any:
    import datetime as dt

    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(d["due"], dt.time(23, 59, 59))) if d.get("due") else None


def _reassign(r: HttpRequest, c: Clue, d: dict[str, Any]) -> Any:
    return actions.do_reassign_clue(
        c.pk,
        actor=acting(r),
        unit=d["unit"],
        person=d["person"],
        reason=d["reason"],
        due=_due(d),
        version=d["version"],
    )


def _report(r: HttpRequest, c: Clue, d: dict[str, Any]) -> Any:
    report = actions.do_file_stage_report(c.pk, actor=acting(r), stage=d["stage"], body=d["body"])
    for upload in r.FILES.getlist("attachments"):
        actions.do_add_attachment(
            c.pk,
            actor=acting(r),
            name=upload.name or "",
            content_type=upload.content_type or "",
            chunks=upload.chunks(),
            stage_report_id=report.pk,
        )
    return report


def _finding(r: HttpRequest, c: Clue, d: dict[str, Any]) -> Any:
    return actions.do_record_finding(c.pk, actor=acting(r), result=d["result"], basis=d["basis"])


def _sign(r: HttpRequest, c: Clue, d: dict[str, Any]) -> Any:
    return actions.do_sign_finding(c.pk, actor=acting(r), approve=d["approve"], note=d["note"])


def _review(r: HttpRequest, c: Clue, d: dict[str, Any]) -> Any:
    return actions.do_review_finding(
        c.pk, actor=acting(r), accept=d["accept"], note=d["note"], version=d["version"]
    )


def _transfer(r: HttpRequest, c: Clue, d: dict[str, Any]) -> Any:
    return actions.do_transfer_clue(
        c.pk,
        actor=acting(r),
        kind=d["kind"],
        receiver_unit=d["receiver_unit"],
        letter_number=d["letter_number"],
        evidence_list=d["evidence_list"],
        note=d["note"],
    )


def _transfer_of(c: Clue, transfer_id: int) -> int:
    if not c.transfers.filter(pk=transfer_id).exists():
        from taizhang.core.errors import NotVisible

        raise NotVisible()
    return transfer_id


def _answer(r: HttpRequest, c: Clue, d: dict[str, Any]) -> Any:
    return actions.do_answer_transfer(
        _transfer_of(c, d["transfer"]),
        actor=acting(r),
        answer=d["answer"],
        note=d["note"],
        case_reference=d["case_reference"],
    )


def _outcome(r: HttpRequest, c: Clue, d: dict[str, Any]) -> Any:
    return actions.do_record_transfer_outcome(_transfer_of(c, d["transfer"]), actor=acting(r), body=d["body"])


def _conclude(r: HttpRequest, c: Clue, d: dict[str, Any]) -> Any:
    return actions.do_conclude_clue(c.pk, actor=acting(r), note=d["note"], version=d["version"])


def _reopen(r: HttpRequest, c: Clue, d: dict[str, Any]) -> Any:
    return actions.do_reopen_clue(c.pk, actor=acting(r), reason=d["reason"])


def _recuse(r: HttpRequest, c: Clue, d: dict[str, Any]) -> Any:
    return actions.do_recuse_unit(
        c.pk, actor=acting(r), unit=d["unit"], reason=d["reason"], version=d["version"]
    )


def _by_number(r: HttpRequest, number: str) -> Clue:
    other = Clue.objects.visible_to(r.user).filter(number=number.strip()).first()
    if other is None:
        raise ActionError("not_found", _("没有找到编号为「%(n)s」的线索。") % {"n": number})
    return other


def _link(r: HttpRequest, c: Clue, d: dict[str, Any]) -> Any:
    return actions.do_link_clues(c.pk, _by_number(r, d["other"]).pk, actor=acting(r), note=d["note"])


def _merge(r: HttpRequest, c: Clue, d: dict[str, Any]) -> Any:
    return actions.do_merge_clue(c.pk, _by_number(r, d["into"]).pk, actor=acting(r), note=d["note"])


triage = step_view(f.TriageForm, _triage, gettext_lazy("已分流。"), "step-triage")
assign = step_view(f.AssignForm, _assign, gettext_lazy("已交办。"), "step-assign", user_form=True)
reassign = step_view(f.ReassignForm, _reassign, gettext_lazy("已改派。"), "step-reassign", user_form=True)
report = step_view(f.StageReportForm, _report, gettext_lazy("回告已提交。"), "step-report")
finding = step_view(f.FindingForm, _finding, gettext_lazy("核查结论已提交。"), "step-finding")
sign = step_view(f.SignForm, _sign, gettext_lazy("已处理签字背书。"), "step-sign")
review = step_view(f.ReviewForm, _review, gettext_lazy("审核意见已提交。"), "step-review")
transfer = step_view(f.TransferForm, _transfer, gettext_lazy("已移交移送。"), "step-transfer", user_form=True)
answer = step_view(f.AnswerTransferForm, _answer, gettext_lazy("已答复移送。"), "step-answer")
outcome = step_view(f.OutcomeForm, _outcome, gettext_lazy("办理结果已填报。"), "step-outcome")
conclude = step_view(f.ConcludeForm, _conclude, gettext_lazy("已办结销账。"), "step-conclude")
reopen = step_view(f.ReopenForm, _reopen, gettext_lazy("已重新启动。"), "step-reopen")
link = step_view(f.LinkForm, _link, gettext_lazy("已关联。"), "step-link")
merge = step_view(f.MergeForm, _merge, gettext_lazy("已串并。"), "step-merge")
recuse = step_view(f.RecuseForm, _recuse, gettext_lazy("已设置回避单位。"), "step-recuse", user_form=True)


@login_required
def assign_people(request: HttpRequest) -> HttpResponse:
    """htmx: the 责任人 options for the 责任单位 just chosen in the assign/reassign form (office actors only)."""
    from django.http import Http404
    from django.template.loader import render_to_string

    from taizhang.clues import permissions as perm
    from taizhang.org.visibility import scope_of

    scope = scope_of(request.user)
    if not (scope and scope.office_path and scope.has(*perm.OFFICE_ACTORS)):
        raise Http404()
    people = f.assignable_people(request.user, request.GET.get("unit"))
    html = render_to_string("clues/_person_options.html", {"people": people}, request=request)
    return HttpResponse(html)
