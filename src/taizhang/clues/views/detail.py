"""The clue detail page: everything about one clue, its timeline, and the steps the viewer may take now."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from taizhang.clues import forms as f
from taizhang.clues import permissions as perm
from taizhang.clues.choices import (
    ClueStatus,
    ClueStep,
    DeadlineStep,
    ReporterKind,
    ReportStage,
    TransferAnswer,
    allowed_steps,
)
from taizhang.clues.models import (
    Attachment,
    Clue,
    ClueLink,
    ReportedSubject,
)
from taizhang.clues.timeline import Entry, entries_of, items_of, newest_readable, readable_entries
from taizhang.clues.views.common import visible_clue
from taizhang.clues.views.records import (
    FindingRow,
    TransferRow,
    assignments_of,
    findings_of,
    reports_of,
    transfers_of,
)
from taizhang.core.discovery import clue_sections


def reporter_label(clue: Clue) -> str:
    """The reporter is never shown: only whether the report was anonymous or real-name."""
    from django.utils.translation import gettext as _

    reporter = getattr(clue, "reporter", None)
    if reporter is not None and reporter.kind == ReporterKind.REAL_NAME:
        return _("实名举报（身份已加密）")
    return _("匿名")


def step_forms(request: HttpRequest, clue: Clue, transfers: list[TransferRow]) -> list[dict[str, Any]]:
    """The forms for the steps the clue's state allows and the viewer's roles permit (in life order)."""
    user = request.user
    steps = set(allowed_steps(clue.status))
    manage, report, sign = perm.can_manage(user, clue), perm.can_report(user, clue), perm.can_sign(user, clue)
    v = {"version": clue.version}
    panels: list[dict[str, Any]] = []

    def add(step: str, title: Any, form: Any, url: str, **extra: Any) -> None:
        panels.append({"step": step, "title": title, "form": form, "url": url, **extra})

    from django.utils.translation import gettext as _

    # Each form starts from the clue's current values; a step already taken that may be redone (分流 before
    # 交办) comes after the next step, titled as a change.
    triaged = clue.status != ClueStatus.REGISTERED
    triage = None
    if manage and steps & {ClueStep.TRIAGE, ClueStep.REFER}:
        current = {
            **v,
            "sector": clue.sector_id,
            "category": clue.category,
            "priority": clue.priority,
            "in_scope": "1",
        }
        triage = ("triage", _("修改分流") if triaged else _("分流"), f.TriageForm(initial=current))
        if not triaged:
            add(*triage, "clues:triage")
    if manage and ClueStep.ASSIGN in steps:
        add("assign", _("交办"), f.AssignForm(initial=v, user=user, auto_id="assign_%s"), "clues:assign")
    if triage is not None and triaged:
        add(*triage, "clues:triage")
    if manage and ClueStep.REASSIGN in steps:
        current_unit = {"unit": clue.responsible_unit_id, "person": clue.responsible_person_id}
        add(
            "reassign",
            _("改派"),
            f.ReassignForm(initial={**v, **current_unit}, user=user, auto_id="reassign_%s"),
            "clues:reassign",
        )
    if report and steps & {ClueStep.FIRST_REPORT, ClueStep.PROGRESS_REPORT}:
        form = f.StageReportForm(
            initial={"stage": ReportStage.FIRST if ClueStep.FIRST_REPORT in steps else ReportStage.PROGRESS}
        )
        if ClueStep.FIRST_REPORT not in steps:
            form.fields["stage"].choices = [(ReportStage.PROGRESS, _("二次回告"))]  # type: ignore[attr-defined]
        elif ClueStep.PROGRESS_REPORT not in steps:
            form.fields["stage"].choices = [(ReportStage.FIRST, _("首次回告"))]  # type: ignore[attr-defined]
        add("report", _("回告"), form, "clues:report", upload=True)
    if report and ClueStep.RECORD_FINDING in steps:
        add("finding", _("提交核查结论（末次回告）"), f.FindingForm(), "clues:finding")
    if sign and ClueStep.SIGN in steps:
        add("sign", _("签字背书"), f.SignForm(), "clues:sign")
    if manage and ClueStep.ACCEPT in steps:
        add("review", _("审核核查结论"), f.ReviewForm(initial=v), "clues:review")
    if manage and ClueStep.TRANSFER in steps:
        add("transfer", _("移交移送"), f.TransferForm(user=user), "clues:transfer")
    for t in transfers:
        if perm.can_answer(user, t.receiver_unit_id):
            if t.answer == TransferAnswer.PENDING and ClueStep.ANSWER_TRANSFER in steps:
                add("answer", _("答复移送"), f.AnswerTransferForm(initial={"transfer": t.pk}), "clues:answer")
            elif t.answer != TransferAnswer.PENDING:
                add(
                    "outcome",
                    _("填报移送办理结果"),
                    f.OutcomeForm(initial={"transfer": t.pk}),
                    "clues:outcome",
                )
    if manage and ClueStep.CONCLUDE in steps:
        add("conclude", _("办结销账"), f.ConcludeForm(initial=v), "clues:conclude")
    if manage and ClueStep.REOPEN in steps:
        add("reopen", _("重新启动"), f.ReopenForm(), "clues:reopen")
    if manage:
        add("link", _("关联线索"), f.LinkForm(), "clues:link")
    if manage:
        add("recuse", _("设置回避单位"), f.RecuseForm(initial=v, user=user), "clues:recuse")
    if manage and ClueStep.MERGE in steps:
        add("merge", _("串并（并入其他线索）"), f.MergeForm(), "clues:merge")
    if manage or report:
        add("attach", _("上传附件"), f.AttachmentForm(), "clues:attach", upload=True)
    f.share_unit_choices([panel["form"] for panel in panels], user)
    return panels


def _with_sign_notes(entries: list[Entry], findings: list[FindingRow]) -> list[FindingRow]:
    """Each finding with its leader's sign-off opinion (the words of the signature, kept on its audit entry)."""
    notes: dict[int, str] = {}
    signed = [(e.after, e.reason) for e in entries if e.action == "clue.finding_signed"]
    for after, reason in signed:
        finding_id = ((after or {}).get("detail") or {}).get("finding")
        if finding_id and reason:
            notes[int(finding_id)] = reason
    for finding in findings:
        finding.sign_note = notes.get(finding.pk, "")
    return findings


# The timeline shows its newest entries; the earlier ones come with "show all" (?timeline=all, htmx or not).
TIMELINE_SHOWN = 20


def _timeline_context(request: HttpRequest, clue: Clue) -> tuple[dict[str, Any], list[Entry]]:
    """The timeline's part of the context, and the sign-off entries (for the findings' opinions).

    Only the newest TIMELINE_SHOWN readable entries are read (and put in words), with the count of the
    earlier ones: the page's work does not grow with the history. `?timeline=all` reads them all."""
    if request.GET.get("timeline") == "all":
        entries = entries_of(clue.pk)
        readable = readable_entries(clue.pk, request.user, clue=clue, entries=entries)
        return {"clue": clue, "timeline": items_of(readable), "timeline_earlier": 0}, entries
    newest = newest_readable(clue, request.user, TIMELINE_SHOWN)
    context = {"clue": clue, "timeline": items_of(newest.entries), "timeline_earlier": newest.earlier}
    return context, newest.signed


def _more_context(request: HttpRequest, clue: Clue) -> dict[str, Any]:
    """The page's secondary part, loaded after it (htmx) or inline without script (`?sections=all`):
    attachments, linked clues, recusals and the other apps' sections (supervision, reporter, cases, …)."""
    visible_ids = Clue.objects.visible_to(request.user).values("pk")
    links = (
        ClueLink.objects.filter(Q(from_clue=clue) | Q(to_clue=clue))
        .filter(from_clue__in=visible_ids, to_clue__in=visible_ids)
        .select_related("from_clue", "to_clue")
    )
    # The duplicates' probe reads the subjects (already there when the page itself asks).
    prefetch_related_objects(
        [clue], Prefetch("subjects", queryset=ReportedSubject.objects.select_related("unit"))
    )
    manage = perm.can_manage(request.user, clue)
    return {
        "clue": clue,
        "attachments": Attachment.objects.filter(clue=clue).select_related("uploaded_by"),
        "links": [
            {"other": link.to_clue if link.from_clue_id == clue.pk else link.from_clue, "link": link}
            for link in links
        ],
        "recusals": clue.recusals.select_related("unit") if manage else [],
        "sections": clue_sections(request, clue),
    }


# The newest staged reports; the earlier ones come with "show all" (?reports=all, htmx or not).
REPORTS_SHOWN = 10


def _reports_context(request: HttpRequest, clue: Clue) -> dict[str, Any]:
    """The newest REPORTS_SHOWN staged reports, oldest first, and how many came before (all with ?reports=all)."""
    newest = None if request.GET.get("reports") == "all" else REPORTS_SHOWN
    reports, earlier = reports_of(clue.pk, newest)
    return {"clue": clue, "reports": reports, "reports_earlier": earlier}


@login_required
def clue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about one clue: subjects, handling records, links, attachments, timeline, next steps.

    The page itself reads a fixed dozen queries whatever the clue's history (tests/clues/test_detail_queries);
    the secondary part (`_more_context`) follows by htmx (`?sections=1`) or inline with `?sections=all`."""
    clue = visible_clue(request, pk)
    htmx = bool(request.headers.get("HX-Request"))
    if htmx and request.GET.get("timeline") == "all":
        return render(request, "clues/_timeline.html", _timeline_context(request, clue)[0])
    if htmx and request.GET.get("reports") == "all":
        return render(request, "clues/_reports.html", _reports_context(request, clue))
    if htmx and request.GET.get("sections"):
        return render(request, "clues/_more.html", _more_context(request, clue))
    prefetch_related_objects(
        [clue], Prefetch("subjects", queryset=ReportedSubject.objects.select_related("unit"))
    )
    timeline, signed = _timeline_context(request, clue)
    transfers = transfers_of(clue.pk)
    manage = perm.can_manage(request.user, clue)
    inline = request.GET.get("sections") == "all"
    context = {
        **timeline,
        **(_more_context(request, clue) if inline else {}),
        "inline_more": inline,
        "reporter_label": reporter_label(clue),
        "subjects": clue.subjects.all(),
        "assignments": assignments_of(clue.pk),
        **_reports_context(request, clue),
        "findings": _with_sign_notes(signed, findings_of(clue.pk)),
        "transfers": transfers,
        "merged_into": Clue.objects.visible_to(request.user).filter(pk=clue.merged_into_id).first()
        if clue.merged_into_id
        else None,
        "deadline_step_label": DeadlineStep(clue.deadline_step).label
        if clue.deadline_step in DeadlineStep.values
        else "",
        "steps": step_forms(request, clue, transfers),
        "can_edit": manage,
    }
    return render(request, "clues/detail.html", context)
