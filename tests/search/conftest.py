"""Clues registered through the real actions, with the on-commit index updates run."""

from __future__ import annotations

import pytest
from django.utils import timezone

from taizhang.clues import actions
from taizhang.clues.actions import SubjectData
from taizhang.clues.choices import Channel
from tests.clues.conftest import Walk


class Registry:
    """Registers clues as office staff and runs the workflow_event receivers (on commit)."""

    def __init__(self, world, capture):
        self.w = world
        self.capture = capture

    def clue(
        self,
        *,
        summary="某某团伙强揽工程",
        facts="群众反映有人强揽土方工程。",
        subjects=None,
        office="city",
        umbrella=False,
        place="",
    ):
        with self.capture(execute=True):
            return actions.do_register_clue(
                actor=self.w.people["office_staff" if office == "city" else "district_staff"],
                office=self.w.units[office],
                channel=Channel.LETTER,
                received_at=timezone.now(),
                summary=summary,
                facts=facts,
                subjects=subjects or [SubjectData(name="张某某")],
                place=place,
                alleges_umbrella=umbrella,
            )


@pytest.fixture
def reg(world, django_capture_on_commit_callbacks):
    return Registry(world, django_capture_on_commit_callbacks)


@pytest.fixture
def walk(world):
    return Walk(world)
