"""Triage and reopen write the clue row once: one UPDATE carrying every changed column, its note and count
included (a second UPDATE would fire the tally and HandledClue triggers twice for one step)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from taizhang.clues import actions
from taizhang.clues.choices import Category, ClueStatus
from taizhang.clues.models import Clue

pytestmark = pytest.mark.django_db


def _clue_updates(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith('UPDATE "CLUES_CLUE"')]


def test_triage_in_scope_updates_the_clue_once(world, walk):
    clue = walk.register()
    with CaptureQueriesContext(connection) as ctx:
        actions.do_triage_clue(
            clue.pk,
            actor=world.people["office_staff"],
            in_scope=True,
            category=Category.EVIL,
            note="属实可查",
        )
    [update] = _clue_updates(ctx.captured_queries)
    assert '"triage_note"' in update and '"status"' in update
    stored = Clue.objects.get(pk=clue.pk)
    assert stored.status == ClueStatus.TRIAGED and stored.triage_note == "属实可查"


def test_referral_updates_the_clue_once(world, walk):
    clue = walk.register()
    with CaptureQueriesContext(connection) as ctx:
        actions.do_triage_clue(
            clue.pk, actor=world.people["office_staff"], in_scope=False, referred_to="市信访局", note="转信访"
        )
    assert len(_clue_updates(ctx.captured_queries)) == 1
    assert Clue.objects.get(pk=clue.pk).triage_note == "转信访"


def test_reopen_updates_the_clue_once(world, walk):
    clue = walk.register()
    actions.do_triage_clue(
        clue.pk, actor=world.people["office_staff"], in_scope=False, referred_to="市信访局"
    )
    with CaptureQueriesContext(connection) as ctx:
        actions.do_reopen_clue(clue.pk, actor=world.people["office_staff"], reason="群众重复举报")
    [update] = _clue_updates(ctx.captured_queries)
    assert '"reopen_count"' in update
    stored = Clue.objects.get(pk=clue.pk)
    assert stored.status == ClueStatus.TRIAGED and stored.reopen_count == 1
