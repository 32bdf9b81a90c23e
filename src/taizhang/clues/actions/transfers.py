"""Transfer to the police or the discipline commission (移送), the receiver's answer and outcomes."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from taizhang.clues import permissions as perm
from taizhang.clues.actions.common import (
    AUDITED_FIELDS,
    _lock,
    _move,
    _refuse_recused,
    _require_text,
    _save,
    _set_deadline,
    notify_on_commit,
)
from taizhang.clues.choices import ClueNotice, ClueStep, FindingResult, TransferAnswer, TransferKind
from taizhang.clues.models import Transfer, TransferOutcome
from taizhang.core import audit, clock
from taizhang.core.deadlines import due_at
from taizhang.core.errors import ActionError, NotVisible
from taizhang.core.signals import emit_on_commit
from taizhang.org.choices import UnitKind
from taizhang.org.models import Unit, User


@transaction.atomic
def do_transfer_clue(
    clue_id: int,
    *,
    actor: User,
    kind: str,
    receiver_unit: Unit,
    letter_number: str = "",
    evidence_list: str = "",
    note: str = "",
) -> Transfer:
    """Transfer a substantiated clue (移交/移送) with a letter and evidence list; the receiver must register it."""
    clue = _lock(clue_id, actor)
    perm.require(perm.can_manage(actor, clue))
    if kind not in TransferKind.values:
        raise ActionError("required", _("请选择移送类型。"))
    before = audit.snapshot(clue, AUDITED_FIELDS)
    _move(clue, ClueStep.TRANSFER)
    if clue.finding_result not in (FindingResult.SUBSTANTIATED, FindingResult.PARTLY):
        raise ActionError("not_substantiated", _("只有查实或部分查实的线索才能移交移送。"))
    _refuse_recused(clue, receiver_unit)
    if receiver_unit.kind == UnitKind.OFFICE:
        raise ActionError("invalid_receiver", _("请选择接收移送的单位（不能移送给扫黑办）。"))
    if clue.is_umbrella and kind != TransferKind.DISCIPLINE:
        raise ActionError("umbrella_to_discipline", _("涉保护伞问题须移送纪委监委。"))
    expected = {
        TransferKind.POLICE: {UnitKind.POLICE},
        TransferKind.PROCURATORATE: {UnitKind.PROCURATORATE},
        TransferKind.DISCIPLINE: {UnitKind.DISCIPLINE},
    }.get(TransferKind(kind))
    if expected and receiver_unit.kind not in expected:
        raise ActionError("invalid_receiver", _("接收单位与移送类型不符。"))
    now = clock.now()
    transfer = Transfer.objects.create(
        clue=clue,
        kind=kind,
        receiver_unit=receiver_unit,
        letter_number=letter_number[:60],
        evidence_list=evidence_list,
        note=note,
        sent_by=actor,
        sent_at=now,
        answer_due_at=due_at("register_transfer", now, office=clue.office),
    )
    _set_deadline(clue, "register_transfer", at=transfer.answer_due_at)
    _save(clue, "clue.transfer", actor, before, transfer=transfer.pk, receiver=receiver_unit.name, kind=kind)
    notify_on_commit(ClueNotice.TRANSFERRED, clue, actor)
    return transfer


@transaction.atomic
def do_answer_transfer(
    transfer_id: int, *, actor: User, answer: str, note: str = "", case_reference: str = ""
) -> Transfer:
    """The receiving unit answers a transfer (受理并立案 / 不予立案 / 并案处理 / 退回): the two-way feedback."""
    transfer = Transfer.objects.select_related("receiver_unit").filter(pk=transfer_id).first()
    if transfer is None:
        raise NotVisible()
    clue = _lock(transfer.clue_id, actor)
    transfer = Transfer.objects.select_for_update().get(pk=transfer_id)
    perm.require(perm.can_answer(actor, transfer.receiver_unit_id), _("只有接收单位可以答复移送。"))
    if transfer.answer != TransferAnswer.PENDING:
        raise ActionError("already_answered", _("该移送已答复，如有新进展请填报办理结果。"))
    if answer not in TransferAnswer.values or answer == TransferAnswer.PENDING:
        raise ActionError("required", _("请选择答复结果。"))
    if answer in (TransferAnswer.DECLINED, TransferAnswer.RETURNED):
        note = _require_text(note, _("不予立案或退回须说明理由。"))
    before = audit.snapshot(clue, AUDITED_FIELDS)
    transfer.answer, transfer.answer_note, transfer.case_reference = answer, note, case_reference[:60]
    transfer.answered_by, transfer.answered_at = actor, clock.now()
    transfer.save(update_fields=["answer", "answer_note", "case_reference", "answered_by", "answered_at"])
    if answer == TransferAnswer.RETURNED:
        _move(clue, ClueStep.TRANSFER_RETURNED)
        _set_deadline(clue, "transfer")
    else:
        _move(clue, ClueStep.ANSWER_TRANSFER)
        _set_deadline(clue, "conclude")
    _save(clue, "clue.transfer_answered", actor, before, reason=note, transfer=transfer.pk, answer=answer)
    notify_on_commit(ClueNotice.TRANSFER_ANSWERED, clue, actor)
    return transfer


@transaction.atomic
def do_record_transfer_outcome(transfer_id: int, *, actor: User, body: str) -> TransferOutcome:
    """The receiver reports a later outcome on a transfer (arrest, prosecution, sanction...)."""
    transfer = Transfer.objects.filter(pk=transfer_id).first()
    if transfer is None:
        raise NotVisible()
    clue = _lock(transfer.clue_id, actor)
    perm.require(perm.can_answer(actor, transfer.receiver_unit_id), _("只有接收单位可以填报办理结果。"))
    if transfer.answer == TransferAnswer.PENDING:
        raise ActionError("not_answered", _("请先答复是否受理。"))
    outcome = TransferOutcome.objects.create(
        transfer=transfer,
        body=_require_text(body, _("办理结果不能为空。")),
        reported_by=actor,
        reported_at=clock.now(),
    )
    audit.record(
        "clue.transfer_outcome", actor=actor, obj=clue, after={"transfer": transfer.pk, "body": body[:500]}
    )
    emit_on_commit(model="clues.clue", object_id=clue.pk, action="clue.transfer_outcome", actor=actor)
    return outcome
