"""The feedback apply writes in bulk (clues.actions.from_below.StepsFromBelow); one step at a time
(do_step_from_below) must give the same clues and the same audit entries."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from taizhang.clues.actions.from_below import MOVED, StepsFromBelow, do_step_from_below
from taizhang.clues.models import Clue
from taizhang.core import audit
from taizhang.core.actors import SystemActor
from taizhang.core.models import AuditEntry
from tests.exchange.test_hand_down import hand_down

pytestmark = pytest.mark.django_db

# Per clue, the steps reported from below in package order: a move, two moves, a step that does not fit the
# clue's state (moves nothing), a repeated step, a step that only shows on the timeline.
STEPS = [
    ["clue.report_first"],
    ["clue.report_first", "clue.finding_signed"],
    ["clue.finding_signed"],
    ["clue.report_first", "clue.report_first", "clue.conclude"],
]


def state(clue_id: int) -> tuple:
    clue = Clue.objects.get(pk=clue_id)
    entries = AuditEntry.objects.filter(object_id=str(clue_id), action=MOVED).order_by("id")
    return (
        clue.status,
        clue.deadline_step,
        clue.deadline_at,
        clue.version,
        [(e.actor_label, e.before, e.after) for e in entries],
    )


def test_bulk_and_single_paths_give_identical_results(levels):
    with time_machine.travel(dt.datetime(2026, 5, 12, 10, 0, tzinfo=dt.UTC), tick=False):
        single = [hand_down(levels).pk for _ in STEPS]
        bulk = [hand_down(levels).pk for _ in STEPS]
        actor = SystemActor.acting_for("下级：测试县扫黑办")
        order = [(i, step) for i, steps in enumerate(STEPS) for step in steps]
        for i, step in order:
            do_step_from_below(single[i], actor=actor, step=step)
        batch = StepsFromBelow(actor)
        batch.load(bulk)
        entries = [e for i, step in order if (e := batch.step(bulk[i], step)) is not None]
        batch.flush()
        audit.append_many(entries)
    for one, many in zip(single, bulk, strict=True):
        assert state(one) == state(many)
    assert [state(pk)[0] for pk in bulk] == ["verifying", "under_review", "assigned", "verifying"]
    assert audit.verify_chain()[1] is None  # the bulk entries are chained like the others
