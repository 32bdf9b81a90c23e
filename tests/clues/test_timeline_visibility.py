"""A clue's timeline shows only what its reader may see: no hidden clue's number, no reporter thread (#16)."""

from __future__ import annotations

import pytest

from taizhang.clues import actions
from taizhang.clues.actions import ReporterData
from taizhang.clues.choices import ReporterKind
from taizhang.reporters.actions import do_reveal_identity

pytestmark = pytest.mark.django_db

REASON = "核实举报人与被举报人之间的亲属关系"


def test_a_hidden_linked_or_merged_clue_leaves_no_number(world, walk):
    mine = walk.assigned(summary="某团伙强揽工程")
    hidden = walk.triaged(umbrella=True, summary="某所长充当保护伞")
    actions.do_link_clues(mine.pk, hidden.pk, actor=world.people["office_leader"])
    other = walk.register(summary="重复举报")
    actions.do_merge_clue(other.pk, mine.pk, actor=world.people["office_staff"])
    for who in ("liaison", "office_staff"):
        text = world.client_for(who).get(f"/clues/{mine.pk}/").content.decode()
        assert hidden.number not in text, who
    text = world.client_for("liaison").get(f"/clues/{mine.pk}/").content.decode()
    assert other.number not in text
    # Who may see both still reads the link.
    assert hidden.number in world.client_for("office_leader").get(f"/clues/{mine.pk}/").content.decode()


def test_a_member_unit_never_reads_the_reporter_thread_in_the_timeline(world, walk):
    reporter = ReporterData(kind=ReporterKind.REAL_NAME, identity={"name": "王某某", "phone": "13800000000"})
    clue = walk.assigned(reporter=reporter)
    do_reveal_identity(clue.pk, actor=world.people["custodian"], reason=REASON, second_factor=True)
    text = world.client_for("liaison").get(f"/clues/{clue.pk}/").content.decode()
    assert REASON not in text
    assert world.client_for("liaison").get(f"/api/reporters/clues/{clue.pk}/messages").status_code in (
        403,
        404,
    )
    assert REASON in world.client_for("office_staff").get(f"/clues/{clue.pk}/").content.decode()
