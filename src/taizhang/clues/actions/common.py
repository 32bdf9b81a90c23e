"""What every clue action shares: the audited fields, locking, moving along CLUE_STEPS, deadlines, the one
save (audit row and workflow event), and recusal (a unit named in a clue steps back)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from taizhang.clues import permissions as perm
from taizhang.clues.choices import (
    CLUE_STEPS,
    ENDED_BY_RECUSAL,
    WITH_UNIT_STATUSES,
    ClueNotice,
    ClueStatus,
    ClueStep,
    ReporterKind,
)
from taizhang.clues.models import Assignment, Clue, Recusal
from taizhang.core import audit, clock, notifying
from taizhang.core.deadlines import due_at
from taizhang.core.errors import ActionError, NotVisible
from taizhang.core.signals import emit_on_commit
from taizhang.core.workflow import check_step
from taizhang.org.actors import Actor
from taizhang.org.choices import UnitKind
from taizhang.org.models import Unit

# What the audit log keeps of a clue before and after each step.
AUDITED_FIELDS = [
    "status",
    "category",
    "priority",
    "is_umbrella",
    "sector",
    "responsible_unit",
    "responsible_person",
    "deadline_at",
    "deadline_step",
    "finding_result",
    "concluded_at",
    "referred_to",
    "merged_into",
    "version",
]


EDITABLE_FIELDS = [
    "channel",
    "source_ref",
    "received_at",
    "summary",
    "facts",
    "sector",
    "place",
    "alleges_umbrella",
]


@dataclass
class SubjectData:
    """A reported person or organisation as entered at registration."""

    name: str
    kind: str = "person"
    position: str = ""
    unit_name: str = ""
    is_official: bool = False
    id_fragment: str = ""
    phone_fragment: str = ""
    unit_id: int | None = None


@dataclass
class ReporterData:
    """The reporter as entered; identity fields are sealed before they reach the database."""

    kind: str = ReporterKind.ANONYMOUS
    identity: dict[str, str] = field(default_factory=dict)
    wants_feedback: bool = False


def _lock(clue_id: int, actor: Actor) -> Clue:
    # Row lock for the whole step: two people acting on one clue are serialised, and the later one sees the
    # state the earlier one left (then the transition map or the version check refuses it).
    qs = Clue.objects.all() if perm.is_system(actor) else Clue.objects.visible_to(actor)
    clue = qs.select_for_update(of=("self",)).select_related("office").filter(pk=clue_id).first()
    if clue is None:
        raise NotVisible()
    return clue


def _move(clue: Clue, step: str) -> None:
    clue.status = check_step(CLUE_STEPS, step, clue.status, states=ClueStatus, step_labels=ClueStep)


def _set_deadline(
    clue: Clue, step: str | None, start: dt.datetime | None = None, at: dt.datetime | None = None
) -> None:
    clue.deadline_step = step or ""
    if step is None:
        clue.deadline_at = None
    else:
        clue.deadline_at = at or due_at(step, start or clock.now(), office=clue.office)


def _save(
    clue: Clue,
    action: str,
    actor: Actor,
    before: dict[str, Any],
    *,
    reason: str = "",
    also: tuple[str, ...] = (),
    **extra: Any,
) -> None:
    """Save the audited fields (and `also`, columns the step changed beyond them) in one UPDATE, audit the
    step and queue its workflow event."""
    clue.version += 1
    fields = sorted({*AUDITED_FIELDS, *also, "updated_at"})
    clue.save(update_fields=fields)
    after = audit.snapshot(clue, AUDITED_FIELDS)
    if extra:
        after["detail"] = audit.jsonable(extra)
    audit.record(action, actor=actor, obj=clue, before=before, after=after, reason=reason)
    emit_on_commit(
        model="clues.clue",
        object_id=clue.pk,
        action=action,
        actor=None if perm.is_system(actor) else actor,
        unit_id=clue.responsible_unit_id,
        person_id=clue.responsible_person_id,
        status=clue.status,
    )


def notify_on_commit(notice: ClueNotice, clue: Clue, actor: Actor, **data: Any) -> None:
    """Tell the people `notice` concerns once the step commits (whom, and in what words: supervision/notices.py),
    with the unit and person the clue is with at this step."""
    notifying.notify_on_commit(
        notice,
        clue,
        actor=actor,
        **{"unit_id": clue.responsible_unit_id, "person_id": clue.responsible_person_id, **data},
    )


def _require_text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ActionError("required", message)
    return value


def _add_recusals(clue: Clue, unit_ids: set[int], *, save: bool = True) -> list[Recusal]:
    """The units named in a clue step back from it (`save=False`: the rows, for the caller to insert)."""
    rows = [Recusal(clue=clue, unit_id=uid, reason=_("被举报对象所在单位")) for uid in sorted(unit_ids)]
    if save:
        # bulk_create of nothing issues no query.
        Recusal.objects.bulk_create(rows, ignore_conflicts=True)
    return rows


def _is_recused(clue: Clue, unit: Unit) -> bool:
    lineage = [int(p) for p in unit.path.strip("/").split("/") if p]
    return Recusal.objects.filter(clue=clue, unit_id__in=lineage).exists()


def _withdraw_if_barred(clue: Clue, actor: Actor) -> bool:
    """When the unit holding the clue may no longer handle it (it is recused, or the clue became 保护伞 and the
    unit is not the discipline commission), end its assignment and put the clue back to the office to assign
    again. The caller saves the clue; supervision cancels the unit's pending requests on the event."""
    unit = clue.responsible_unit
    if unit is None or clue.status not in WITH_UNIT_STATUSES:
        return False
    if not _is_recused(clue, unit) and not (clue.is_umbrella and unit.kind != UnitKind.DISCIPLINE):
        return False
    _withdraw(clue, actor, _("「%(unit)s」须回避，已撤回交办。") % {"unit": unit.name})
    return True


def _withdraw(clue: Clue, actor: Actor, reason: str) -> None:
    unit_id = clue.responsible_unit_id
    _move(clue, ClueStep.WITHDRAW)
    now = clock.now()
    Assignment.objects.filter(clue=clue, is_current=True).update(
        is_current=False, ended_at=now, ended_reason=ENDED_BY_RECUSAL
    )
    clue.responsible_unit, clue.responsible_person = None, None
    _set_deadline(clue, "assign", now)
    audit.record(
        "clue.withdraw_recused",
        actor=actor,
        obj=clue,
        before={"responsible_unit": unit_id},
        after={"responsible_unit": None, "status": clue.status},
        reason=reason,
    )
    emit_on_commit(
        model="clues.clue",
        object_id=clue.pk,
        action="clue.withdraw_recused",
        actor=None if perm.is_system(actor) else actor,
        unit_id=unit_id,
    )
    notify_on_commit(ClueNotice.WITHDRAWN_RECUSED, clue, actor, unit_id=unit_id, person_id=None)


def _refuse_recused(clue: Clue, unit: Unit) -> None:
    if _is_recused(clue, unit):
        raise ActionError(
            "recused",
            _("「%(unit)s」为被反映单位（或其下属），须回避，不能承办或接收该线索。") % {"unit": unit.name},
        )


def _current_assignment(clue: Clue) -> Assignment:
    assignment = Assignment.objects.filter(clue=clue, is_current=True).first()
    if assignment is None:
        raise ActionError("not_assigned", _("该线索尚未交办。"))
    return assignment
