"""Clues and cases built with the real actions, with the on-commit receivers (resolution) run."""

from __future__ import annotations

import pytest
from django.utils import timezone

from taizhang.clues import actions
from taizhang.clues.actions import SubjectData
from taizhang.clues.choices import Channel
from tests.clues.conftest import Walk


class Ledger:
    """Registers clues through the real actions and runs what is queued on commit (resolution among it)."""

    def __init__(self, world, capture):
        self.w = world
        self.capture = capture
        self.walk = Walk(world)

    def clue(self, *subjects: SubjectData, office="city", umbrella=False, channel=Channel.LETTER):
        with self.capture(execute=True):
            return actions.do_register_clue(
                actor=self.w.people["office_staff" if office == "city" else "district_staff"],
                office=self.w.units[office],
                channel=channel,
                received_at=timezone.now(),
                summary="某某团伙强揽工程",
                facts="群众反映有人纠集闲散人员强揽土方工程。",
                subjects=list(subjects) or [SubjectData(name="张某某")],
                alleges_umbrella=umbrella,
            )

    def assigned(self, *subjects: SubjectData, unit="transport", umbrella=False):
        """A clue registered with these subjects and assigned to `unit` (its people then see it)."""
        with self.capture(execute=True):
            return self.walk.assigned(unit=unit, subjects=list(subjects), umbrella=umbrella)

    def run(self, fn, *args, **kw):
        with self.capture(execute=True):
            return fn(*args, **kw)


@pytest.fixture
def ledger(world, django_capture_on_commit_callbacks):
    return Ledger(world, django_capture_on_commit_callbacks)
