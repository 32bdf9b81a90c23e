"""The end of a clue and its links: conclude, reopen, link, merge a duplicate, attachments."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from taizhang.clues import permissions as perm
from taizhang.clues.actions.common import AUDITED_FIELDS, _lock, _move, _require_text, _save, _set_deadline
from taizhang.clues.choices import ClueStatus, ClueStep, LinkKind
from taizhang.clues.models import Assignment, Attachment, Clue, ClueLink, StageReport, Transfer
from taizhang.core import audit, clock, files
from taizhang.core.errors import ActionError, NotVisible
from taizhang.core.signals import emit_on_commit
from taizhang.core.workflow import check_version
from taizhang.org.actors import Actor


@transaction.atomic
def do_conclude_clue(clue_id: int, *, actor: Actor, note: str = "", version: int | None = None) -> Clue:
    """Conclude (办结/销账): only with an accepted finding, and with every transfer answered."""
    clue = _lock(clue_id, actor)
    perm.require(perm.can_manage(actor, clue))
    check_version(clue, version, ["status"])
    before = audit.snapshot(clue, AUDITED_FIELDS)
    _move(clue, ClueStep.CONCLUDE)
    if not clue.finding_result:
        raise ActionError("no_finding", _("没有经审核的核查结论，不能办结。"))
    if clue.transfers.awaiting_answer().exists():
        raise ActionError("transfer_pending", _("移送尚未得到接收单位答复，不能办结。"))
    clue.concluded_at = clock.now()
    _set_deadline(clue, None)
    Assignment.objects.filter(clue=clue, is_current=True).update(is_current=False, ended_at=clue.concluded_at)
    _save(clue, "clue.conclude", actor, before, reason=note)
    return clue


@transaction.atomic
def do_reopen_clue(clue_id: int, *, actor: Actor, reason: str) -> Clue:
    """Reopen a concluded or referred clue (repeated reports, or a review found the outcome wrong)."""
    clue = _lock(clue_id, actor)
    perm.require(perm.can_manage(actor, clue))
    reason = _require_text(reason, _("重新启动须说明理由。"))
    before = audit.snapshot(clue, AUDITED_FIELDS)
    _move(clue, ClueStep.REOPEN)
    clue.reopen_count += 1
    clue.finding_result, clue.concluded_at = "", None
    clue.responsible_unit, clue.responsible_person = None, None
    _set_deadline(clue, "assign")
    _save(clue, "clue.reopen", actor, before, reason=reason, also=("reopen_count",))
    return clue


@transaction.atomic
def do_link_clues(clue_id: int, other_id: int, *, actor: Actor, note: str = "") -> ClueLink:
    """Link two related clues (both must be visible to the actor and managed by their office)."""
    if clue_id == other_id:
        raise ActionError("invalid_link", _("不能关联线索自身。"))
    clue, other = _lock(clue_id, actor), _lock(other_id, actor)
    perm.require(perm.can_manage(actor, clue) and perm.can_manage(actor, other))
    link, created = ClueLink.objects.get_or_create(
        from_clue=clue,
        to_clue=other,
        defaults={
            "kind": LinkKind.RELATED,
            "note": note[:200],
            "created_by": actor,
            "created_at": clock.now(),
        },
    )
    if created:
        for a, b in ((clue, other), (other, clue)):
            audit.record("clue.link", actor=actor, obj=a, after={"linked": b.number, "note": note})
    return link


@transaction.atomic
def do_merge_clue(duplicate_id: int, into_id: int, *, actor: Actor, note: str = "") -> Clue:
    """Merge a duplicate into the clue that carries the matter (串并); the duplicate leaves the open ledger."""
    if duplicate_id == into_id:
        raise ActionError("invalid_link", _("不能将线索并入自身。"))
    duplicate, target = _lock(duplicate_id, actor), _lock(into_id, actor)
    perm.require(perm.can_manage(actor, duplicate) and perm.can_manage(actor, target))
    if target.status == ClueStatus.MERGED:
        raise ActionError("invalid_link", _("目标线索本身已被并入其他线索。"))
    before = audit.snapshot(duplicate, AUDITED_FIELDS)
    _move(duplicate, ClueStep.MERGE)
    duplicate.merged_into = target
    _set_deadline(duplicate, None)
    Assignment.objects.filter(clue=duplicate, is_current=True).update(is_current=False, ended_at=clock.now())
    ClueLink.objects.get_or_create(
        from_clue=duplicate,
        to_clue=target,
        defaults={
            "kind": LinkKind.DUPLICATE,
            "note": note[:200],
            "created_by": actor,
            "created_at": clock.now(),
        },
    )
    _save(duplicate, "clue.merge", actor, before, reason=note, into=target.number)
    audit.record(
        "clue.merged_in", actor=actor, obj=target, after={"duplicate": duplicate.number, "note": note}
    )
    return duplicate


@transaction.atomic
def do_add_attachment(
    clue_id: int,
    *,
    actor: Actor,
    name: str,
    content_type: str,
    chunks: Any,
    stage_report_id: int | None = None,
    transfer_id: int | None = None,
    from_reporter: bool = False,
) -> Attachment:
    """Attach a file to a clue (or one of its reports or transfers); stored by checksum under var/, size-limited."""
    clue = _lock(clue_id, actor)
    scope_ok = perm.can_manage(actor, clue) or perm.can_report(actor, clue)
    if not scope_ok and transfer_id is not None:
        receiver = Transfer.objects.filter(pk=transfer_id, clue=clue).values_list(
            "receiver_unit_id", flat=True
        )
        scope_ok = bool(receiver) and perm.can_answer(actor, receiver[0])
    perm.require(scope_ok, _("只有扫黑办或责任单位人员可以上传附件。"))
    if stage_report_id is not None and not StageReport.objects.filter(pk=stage_report_id, clue=clue).exists():
        raise NotVisible()
    if transfer_id is not None and not Transfer.objects.filter(pk=transfer_id, clue=clue).exists():
        raise NotVisible()
    stored = files.store(chunks)
    attachment = Attachment.objects.create(
        clue=clue,
        stage_report_id=stage_report_id,
        transfer_id=transfer_id,
        original_name=files.safe_name(name),
        content_type=(content_type or "application/octet-stream")[:100],
        size=stored.size,
        sha256=stored.sha256,
        storage_path=stored.storage_path,
        uploaded_by=None if perm.is_system(actor) else actor,
        uploaded_at=clock.now(),
        from_reporter=from_reporter,
    )
    audit.record(
        "clue.attach",
        actor=actor,
        obj=clue,
        after={"attachment": attachment.pk, "name": attachment.original_name, "sha256": stored.sha256},
    )
    emit_on_commit(
        model="clues.clue",
        object_id=clue.pk,
        action="clue.attach",
        actor=None if perm.is_system(actor) else actor,
    )
    return attachment
