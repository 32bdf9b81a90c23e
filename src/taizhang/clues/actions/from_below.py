"""Steps a lower instance took on a clue handed to it (reported in its feedback package), applied here.

What such a step does to the clue here: the same move and the same next deadline as when a local unit takes
it, so the deadline and overdue boards count such a unit as they count a local one. Other steps only show on
the timeline. One rule (`_apply`), two paths: `do_step_from_below` for one step (a row lock, one UPDATE, one
audit entry), and `StepsFromBelow` for a package's worth (the clues locked and read in one query per chunk,
written with one bulk UPDATE, their audit entries returned to be chained with the caller's by
audit.append_many, one workflow event for all). tests/exchange/test_bulk_apply.py checks they agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from taizhang.clues.actions.common import AUDITED_FIELDS, _lock, _move, _save, _set_deadline
from taizhang.clues.choices import ClueStep
from taizhang.clues.models import Assignment, Clue
from taizhang.core import audit
from taizhang.core.errors import ActionError
from taizhang.core.models import AuditEntry
from taizhang.core.signals import emit_many_on_commit
from taizhang.org.actors import Actor
from taizhang.org.choices import InstanceLink

MOVED = "clue.moved_from_below"
_STEPS_FROM_BELOW = {
    "clue.report_first": ((ClueStep.FIRST_REPORT,), "verification"),
    "clue.finding_signed": ((ClueStep.RECORD_FINDING, ClueStep.SIGN), "review"),
}


def moves(step: str) -> bool:
    """Whether a step from below can move a clue here at all (others only show on the timeline)."""
    return step in _STEPS_FROM_BELOW


def _apply(clue: Clue, assignment: Assignment | None, step: str) -> bool:
    """The rule: move `clue` (in memory) as `step` requires and set its next deadline; False, leaving the clue
    as it was, when the step moves nothing or the clue is no longer where the step fits."""
    if step not in _STEPS_FROM_BELOW or assignment is None:
        return False
    if assignment.unit.instance_link != InstanceLink.CHILD:
        return False
    steps, deadline = _STEPS_FROM_BELOW[step]
    status = clue.status
    try:
        for move in steps:
            _move(clue, move)
    except ActionError:
        clue.status = status
        return False
    if deadline == "verification":
        _set_deadline(clue, deadline, at=assignment.due_at)
    else:
        _set_deadline(clue, deadline)
    return True


def _current(clue_ids: Iterable[int]) -> dict[int, Assignment]:
    rows = Assignment.objects.filter(clue_id__in=list(clue_ids), is_current=True).select_related("unit")
    return {a.clue_id: a for a in rows}


@transaction.atomic
def do_step_from_below(clue_id: int, *, actor: Actor, step: str) -> bool:
    """Move one clue held by a lower instance as its step `step` (an audit action there) requires."""
    if not moves(step):
        return False
    clue = _lock(clue_id, actor)
    before = audit.snapshot(clue, AUDITED_FIELDS)
    if not _apply(clue, _current([clue_id]).get(clue_id), step):
        return False
    _save(clue, MOVED, actor, before, step=step)
    return True


class StepsFromBelow:
    """Many steps from below in the caller's transaction, chunk by chunk: `load(ids)` locks and reads the
    chunk's clues, `step(id, step)` applies one (in package order; a clue's later step sees its earlier one)
    and returns its audit entry (unsaved, for the caller to chain in order), `flush()` writes the moved clues
    and queues their workflow event."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.clues: dict[int, Clue] = {}
        self.assignments: dict[int, Assignment] = {}
        self.moved: set[int] = set()

    def load(self, clue_ids: Iterable[int]) -> None:
        wanted = [pk for pk in set(clue_ids) if pk not in self.clues]
        locked = Clue.objects.select_for_update(of=("self",)).select_related("office").filter(pk__in=wanted)
        self.clues.update({c.pk: c for c in locked.order_by("pk")})
        self.assignments.update(_current(wanted))

    def step(self, clue_id: int, step: str) -> AuditEntry | None:
        clue = self.clues.get(clue_id)
        if clue is None or not moves(step):
            return None
        before = audit.snapshot(clue, AUDITED_FIELDS)
        if not _apply(clue, self.assignments.get(clue_id), step):
            return None
        clue.version += 1
        clue.updated_at = timezone.now()
        self.moved.add(clue_id)
        after: dict[str, Any] = audit.snapshot(clue, AUDITED_FIELDS)
        after["detail"] = audit.jsonable({"step": step})
        return audit.entry(MOVED, actor=self.actor, obj=clue, before=before, after=after)

    def flush(self) -> None:
        if self.moved:
            _write([self.clues[pk] for pk in sorted(self.moved)])
            emit_many_on_commit(model="clues.clue", object_ids=sorted(self.moved), action=MOVED)
        self.clues, self.assignments, self.moved = {}, {}, set()


# The columns a move from below changes (`_apply`: status and deadline; the version and the time).
_WRITTEN = ("status", "deadline_at", "deadline_step", "version", "updated_at")


def _write(clues: list[Clue], batch: int = 500) -> None:
    """One UPDATE per `batch` clues. On PostgreSQL an UPDATE ... FROM (VALUES ...): Django's bulk_update writes
    a CASE per column over every id, which took 2 s for 500 clues there (0.13 s this way)."""
    if connection.vendor != "postgresql":
        Clue.objects.bulk_update(clues, list(_WRITTEN), batch_size=batch)
        return
    table = Clue._meta.db_table
    sets = ", ".join(f"{name} = v.{name}" for name in _WRITTEN)
    with connection.cursor() as cursor:
        for start in range(0, len(clues), batch):
            part = clues[start : start + batch]
            rows = ", ".join(["(%s, %s, %s::timestamptz, %s, %s, %s::timestamptz)"] * len(part))
            sql = (
                f"UPDATE {table} AS c SET {sets} FROM (VALUES {rows}) "  # noqa: S608 - names from the model
                f"AS v(id, {', '.join(_WRITTEN)}) WHERE c.id = v.id"
            )
            cursor.execute(
                sql,
                [
                    value
                    for c in part
                    for value in (c.pk, c.status, c.deadline_at, c.deadline_step, c.version, c.updated_at)
                ],
            )
