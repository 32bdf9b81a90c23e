"""The finding: recorded by the unit, signed by its leader, reviewed by the office (accepted or 退查)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from taizhang.clues import permissions as perm
from taizhang.clues.actions.common import (
    AUDITED_FIELDS,
    _current_assignment,
    _lock,
    _move,
    _require_text,
    _save,
    _set_deadline,
    notify_on_commit,
)
from taizhang.clues.choices import ClueNotice, ClueStep, FindingResult, ReportStage, ReviewDecision
from taizhang.clues.models import Clue, Finding, StageReport
from taizhang.core import audit, clock
from taizhang.core.errors import ActionError
from taizhang.core.workflow import check_version
from taizhang.org.models import User


@transaction.atomic
def do_record_finding(clue_id: int, *, actor: User, result: str, basis: str) -> Finding:
    """末次回告: the unit records its finding; it goes to the unit leader to sign (or is signed at once by them)."""
    clue = _lock(clue_id, actor)
    perm.require(perm.can_report(actor, clue), _("只有责任单位的人员可以提交核查结论。"))
    if result not in FindingResult.values:
        raise ActionError("required", _("请选择核查结论。"))
    basis = _require_text(basis, _("请填写核查情况及依据。"))
    assignment = _current_assignment(clue)
    before = audit.snapshot(clue, AUDITED_FIELDS)
    _move(clue, ClueStep.RECORD_FINDING)
    now = clock.now()
    StageReport.objects.create(
        clue=clue,
        assignment=assignment,
        stage=ReportStage.FINAL,
        body=basis,
        submitted_by=actor,
        submitted_at=now,
    )
    finding = Finding.objects.create(
        clue=clue, assignment=assignment, result=result, basis=basis, drafted_by=actor, drafted_at=now
    )
    _set_deadline(clue, "signoff")
    _save(clue, "clue.finding_recorded", actor, before, finding=finding.pk, result=result)
    notify_on_commit(ClueNotice.FINDING_RECORDED, clue, actor)
    if perm.can_sign(actor, clue):
        _sign(clue, finding, actor)
    return finding


def _pending_finding(clue: Clue) -> Finding:
    finding = clue.findings.filter(decision=ReviewDecision.PENDING).order_by("-id").first()
    if finding is None:
        raise ActionError("no_finding", _("没有待处理的核查结论。"))
    return finding


def _sign(clue: Clue, finding: Finding, actor: User, note: str = "") -> None:
    before = audit.snapshot(clue, AUDITED_FIELDS)
    _move(clue, ClueStep.SIGN)
    finding.signed_by, finding.signed_at = actor, clock.now()
    finding.save(update_fields=["signed_by", "signed_at"])
    _set_deadline(clue, "review")
    # The leader's opinion (同意核查结论…) is the signature's words: kept on the audit entry, shown with it.
    _save(
        clue,
        "clue.finding_signed",
        actor,
        before,
        reason=note.strip(),
        finding=finding.pk,
        result=finding.result,
    )
    notify_on_commit(ClueNotice.FINDING_SIGNED, clue, actor)


@transaction.atomic
def do_sign_finding(clue_id: int, *, actor: User, approve: bool = True, note: str = "") -> Finding:
    """The unit leader signs for the finding (签字背书), or sends it back to the handlers with a note."""
    clue = _lock(clue_id, actor)
    perm.require(perm.can_sign(actor, clue), _("只有责任单位负责人可以签字背书。"))
    finding = _pending_finding(clue)
    if approve:
        _sign(clue, finding, actor, note)
        return finding
    before = audit.snapshot(clue, AUDITED_FIELDS)
    _move(clue, ClueStep.REFUSE_SIGNOFF)
    finding.decision, finding.review_note = (
        ReviewDecision.RETURNED,
        _require_text(note, _("请说明不予签字的理由。")),
    )
    finding.reviewed_by, finding.reviewed_at = actor, clock.now()
    finding.save(update_fields=["decision", "review_note", "reviewed_by", "reviewed_at"])
    _set_deadline(clue, "redo")
    _save(clue, "clue.finding_signoff_refused", actor, before, reason=note, finding=finding.pk)
    return finding


@transaction.atomic
def do_review_finding(
    clue_id: int, *, actor: User, accept: bool, note: str = "", version: int | None = None
) -> Finding:
    """The office accepts the signed finding, or sends it back (退查) with reasons to be redone quickly."""
    clue = _lock(clue_id, actor)
    perm.require(perm.can_manage(actor, clue))
    check_version(clue, version, ["status", "finding_result"])
    finding = _pending_finding(clue)
    before = audit.snapshot(clue, AUDITED_FIELDS)
    finding.reviewed_by, finding.reviewed_at, finding.review_note = actor, clock.now(), note
    if accept:
        _move(clue, ClueStep.ACCEPT)
        finding.decision = ReviewDecision.ACCEPTED
        clue.finding_result = finding.result
        holds = finding.result in (FindingResult.SUBSTANTIATED, FindingResult.PARTLY)
        _set_deadline(clue, "transfer" if holds else "conclude")
    else:
        _move(clue, ClueStep.SEND_BACK)
        finding.decision = ReviewDecision.RETURNED
        finding.review_note = _require_text(note, _("退查须写明理由。"))
        _set_deadline(clue, "redo")
    finding.save(update_fields=["decision", "review_note", "reviewed_by", "reviewed_at"])
    _save(
        clue,
        "clue.review_accept" if accept else "clue.review_return",
        actor,
        before,
        reason=note,
        finding=finding.pk,
    )
    if not accept:
        notify_on_commit(ClueNotice.REVIEW_RETURNED, clue, actor)
    return finding
