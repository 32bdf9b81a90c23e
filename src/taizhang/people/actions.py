"""Every change people decide on entities: confirming or rejecting a merge, undoing one, entering a relation.

Resolution itself (people/resolve.py) only writes the derived index and proposals.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from taizhang.cases.models import Case
from taizhang.clues.models import Clue
from taizhang.core import audit, clock
from taizhang.core.errors import ActionError, NotVisible, PermissionRefused
from taizhang.core.signals import emit_on_commit
from taizhang.core.workflow import check_step
from taizhang.org.actors import Actor
from taizhang.org.models import User
from taizhang.people import permissions as perm
from taizhang.people import reading
from taizhang.people.choices import CANDIDATE_STEPS, CandidateStatus, CandidateStep, RelationKind
from taizhang.people.models import Entity, Mention, MergeCandidate, MergeRecord, Relation

CANDIDATE_FIELDS = ["status", "score", "decided_by", "decided_at"]


def _require(ok: bool) -> None:
    if not ok:
        raise PermissionRefused()


def _lock_candidate(candidate_id: int, actor: Actor) -> MergeCandidate:
    # Two people deciding one proposal are serialised; the later one meets the state the first left, which the
    # step map then refuses.
    row = MergeCandidate.objects.select_for_update().filter(pk=candidate_id).first()
    if row is None or not reading.may_decide(actor, row.first_id, row.second_id):
        raise NotVisible()
    return row


def _step(row: MergeCandidate, step: str) -> None:
    row.status = check_step(
        CANDIDATE_STEPS, step, row.status, states=CandidateStatus, step_labels=CandidateStep
    )


def _merge(kept: Entity, absorbed: Entity, *, actor: User, candidate: MergeCandidate | None) -> MergeRecord:
    """Move everything of `absorbed` onto `kept`, writing down what moved."""
    mention_ids = list(Mention.objects.filter(entity=absorbed).values_list("pk", flat=True))
    out_ids = list(Relation.objects.filter(source=absorbed).values_list("pk", flat=True))
    in_ids = list(Relation.objects.filter(target=absorbed).values_list("pk", flat=True))
    Mention.objects.filter(pk__in=mention_ids).update(entity=kept)
    Relation.objects.filter(pk__in=out_ids).update(source=kept)
    Relation.objects.filter(pk__in=in_ids).update(target=kept)
    absorbed.merged_into = kept
    absorbed.save(update_fields=["merged_into"])
    moved_id = ""
    if absorbed.id_number and not kept.id_number:
        kept.id_number = moved_id = absorbed.id_number
        kept.save(update_fields=["id_number"])
    return MergeRecord.objects.create(
        moved_id_number=moved_id,
        kept=kept,
        absorbed=absorbed,
        candidate=candidate,
        mention_ids=mention_ids,
        relations_out=out_ids,
        relations_in=in_ids,
        merged_by=actor,
        merged_at=clock.now(),
    )


@transaction.atomic
def do_confirm_merge(candidate_id: int, *, actor: User) -> MergeRecord:
    """Staff confirm that a proposed pair is one person or organisation: the newer entity joins the older."""
    _require(perm.may_decide(actor))
    row = _lock_candidate(candidate_id, actor)
    before = audit.snapshot(row, CANDIDATE_FIELDS)
    _step(row, "confirm")
    # Both entities are locked too: a resolution or another merge touching them waits for this one.
    kept, absorbed = (
        Entity.objects.select_for_update().filter(pk__in=[row.first_id, row.second_id]).order_by("pk")
    )
    if kept.merged_into_id or absorbed.merged_into_id:
        raise ActionError("merged", _("其中一方已并入其他对象，请刷新后再确认。"))
    if kept.id_number and absorbed.id_number and kept.id_number != absorbed.id_number:
        raise ActionError("different_ids", _("两者身份证号不同，不能合并。"))
    row.decided_by, row.decided_at = actor, clock.now()
    row.save(update_fields=["status", "decided_by", "decided_at"])
    record = _merge(kept, absorbed, actor=actor, candidate=row)
    audit.record(
        "people.merge",
        actor=actor,
        obj=row,
        before=before,
        after={**audit.snapshot(row, CANDIDATE_FIELDS), "record": record.pk, "mentions": record.mention_ids},
    )
    emit_on_commit(model="people.entity", object_id=kept.pk, action="people.merge", actor=actor)
    return record


@transaction.atomic
def do_reject_merge(candidate_id: int, *, actor: User, note: str = "") -> MergeCandidate:
    """Staff decide a proposed pair are two different people or organisations; it is not proposed again."""
    _require(perm.may_decide(actor))
    row = _lock_candidate(candidate_id, actor)
    before = audit.snapshot(row, CANDIDATE_FIELDS)
    _step(row, "reject")
    row.decided_by, row.decided_at = actor, clock.now()
    row.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(
        "people.reject",
        actor=actor,
        obj=row,
        before=before,
        after=audit.snapshot(row, CANDIDATE_FIELDS),
        reason=note[:200],
    )
    return row


@transaction.atomic
def do_unmerge(record_id: int, *, actor: User, reason: str) -> MergeRecord:
    """Undo a merge: the absorbed entity comes back with the mentions and relations it brought."""
    _require(perm.may_decide(actor))
    record = MergeRecord.objects.select_for_update().filter(pk=record_id).first()
    if record is None or not reading.may_decide(actor, record.kept_id, record.kept_id):
        raise NotVisible()
    if record.undone_at is not None:
        raise ActionError("undone", _("该合并已撤销。"))
    if not (reason or "").strip():
        raise ActionError("required", _("撤销合并须说明理由。"))
    absorbed = Entity.objects.select_for_update().get(pk=record.absorbed_id)
    if absorbed.merged_into_id != record.kept_id:
        raise ActionError("moved", _("该对象此后又有变化，不能直接撤销。"))
    kept = Entity.objects.select_for_update().get(pk=record.kept_id)
    if record.moved_id_number and kept.id_number == record.moved_id_number:
        # The number came with the absorbed part: it goes back with it (before the part is live again).
        kept.id_number = ""
        kept.save(update_fields=["id_number"])
    elif absorbed.id_number and kept.id_number == absorbed.id_number:
        raise ActionError("same_id", _("两者身份证号相同，不能拆分。"))
    # Only what still sits on the kept entity moves back (a mention deleted by an edit since is gone).
    Mention.objects.filter(pk__in=record.mention_ids, entity_id=record.kept_id).update(entity=absorbed)
    Relation.objects.filter(pk__in=record.relations_out, source_id=record.kept_id).update(source=absorbed)
    Relation.objects.filter(pk__in=record.relations_in, target_id=record.kept_id).update(target=absorbed)
    absorbed.merged_into = None
    absorbed.save(update_fields=["merged_into"])
    record.undone_by, record.undone_at = actor, clock.now()
    record.save(update_fields=["undone_by", "undone_at"])
    if record.candidate_id:
        row = MergeCandidate.objects.select_for_update().get(pk=record.candidate_id)
        _step(row, "unmerge")
        row.decided_by, row.decided_at = actor, clock.now()
        row.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(
        "people.unmerge",
        actor=actor,
        obj=record,
        before={"absorbed_into": record.kept_id},
        after={"absorbed_into": None, "mentions": record.mention_ids},
        reason=reason.strip()[:200],
    )
    emit_on_commit(model="people.entity", object_id=record.kept_id, action="people.unmerge", actor=actor)
    return record


@transaction.atomic
def do_add_relation(
    source_id: int,
    target_id: int,
    *,
    actor: User,
    kind: str,
    clue_id: int | None = None,
    case_id: int | None = None,
    note: str = "",
) -> Relation:
    """Staff record a relation between two entities, with the record that states it."""
    _require(perm.may_decide(actor))
    if kind not in RelationKind.values:
        raise ActionError("invalid_kind", _("请选择关系类型。"))
    if source_id == target_id:
        raise ActionError("same", _("不能与自身建立关系。"))
    if not (clue_id or case_id):
        raise ActionError("required", _("请注明关系的依据线索或案件。"))
    clue = Clue.objects.visible_to(actor).filter(pk=clue_id).first() if clue_id else None
    case = Case.objects.visible_to(actor).filter(pk=case_id).first() if case_id else None
    if (clue_id and clue is None) or (case_id and case is None):
        raise ActionError("record", _("找不到该依据记录。"))
    # Both ends must be known to the person from records they see (no relation to a hidden entity).
    seen = reading.seen_entities(actor, {source_id, target_id})
    if seen != {source_id, target_id}:
        raise NotVisible()
    ends = list(Entity.objects.select_for_update().filter(pk__in=[source_id, target_id], merged_into=None))
    if len(ends) != 2:
        raise ActionError("merged", _("该对象已并入其他对象，请刷新后再试。"))
    exists = Relation.objects.filter(
        Q(source_id=source_id, target_id=target_id) | Q(source_id=target_id, target_id=source_id),
        kind=kind,
        clue=clue,
        case=case,
    ).exists()
    if exists:
        raise ActionError("exists", _("该关系已录入。"))
    relation = Relation.objects.create(
        source_id=source_id,
        target_id=target_id,
        kind=kind,
        clue=clue,
        case=case,
        note=note[:200],
        created_by=actor,
    )
    audit.record(
        "people.relation",
        actor=actor,
        obj=relation,
        after=audit.snapshot(relation, ["source", "target", "kind", "clue", "case", "note"]),
    )
    return relation
