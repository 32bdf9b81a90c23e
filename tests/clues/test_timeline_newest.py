"""The detail page reads only the newest timeline entries and counts the earlier ones (#25): the same entries,
the same count and the same sign-off opinions as reading the whole history and filtering it, for every reader —
with entries the reader may not read (a hidden clue's number, the reporter thread) among the newest and the
oldest ones."""

from __future__ import annotations

import pytest

from taizhang.clues import actions
from taizhang.clues.actions import ReporterData
from taizhang.clues.choices import FindingResult, ReporterKind
from taizhang.clues.models import Clue
from taizhang.clues.timeline import entries_of, newest_readable, readable_entries
from taizhang.reporters.actions import do_reveal_identity
from tests.clues.history import lengthen

pytestmark = pytest.mark.django_db

REVEAL = "核实举报人与被举报人之间的亲属关系"


def _long_mixed_history(world, walk) -> Clue:
    """A transferred clue whose sign-off (with its opinion), a link to a 保护伞 clue and a merge lie deep in
    its 200 entries, and whose newest entries are another hidden link and a reporter-thread reveal."""
    people = world.people
    reporter = ReporterData(kind=ReporterKind.REAL_NAME, identity={"name": "王某某", "phone": "13800000000"})
    clue = walk.verifying(reporter=reporter)
    actions.do_record_finding(
        clue.pk, actor=people["handler"], result=FindingResult.SUBSTANTIATED, basis="经走访核实，情况属实。"
    )
    actions.do_sign_finding(clue.pk, actor=people["unit_leader"], note="同意核查结论，建议移送。")
    hidden = walk.triaged(umbrella=True, summary="某所长充当保护伞")
    actions.do_link_clues(clue.pk, hidden.pk, actor=people["office_leader"])
    actions.do_merge_clue(walk.register(summary="重复举报").pk, clue.pk, actor=people["office_staff"])
    lengthen(clue, people["office_staff"], world.units["police"])
    later = walk.triaged(umbrella=True, summary="另一所长充当保护伞")
    actions.do_link_clues(clue.pk, later.pk, actor=people["office_leader"])
    do_reveal_identity(clue.pk, actor=people["custodian"], reason=REVEAL, second_factor=True)
    return Clue.objects.select_related("office").get(pk=clue.pk)


def test_the_newest_entries_and_the_count_match_the_whole_history_for_every_reader(world, walk):
    clue = _long_mixed_history(world, walk)
    everything = entries_of(clue.pk)
    signed = [e for e in everything if e.action == "clue.finding_signed"]
    assert len(everything) > 200 and signed and signed[0].reason == "同意核查结论，建议移送。"
    assert everything.index(signed[0]) < len(everything) - 100  # far older than any page shows
    readers = 0
    for who, user in world.people.items():
        if not Clue.objects.visible_to(user).filter(pk=clue.pk).exists():
            continue
        readers += 1
        whole = readable_entries(clue.pk, user, clue=clue)
        for shown in (1, 3, 20, len(everything) + 5):
            newest = newest_readable(clue, user, shown)
            assert newest.entries == whole[-shown:], (who, shown)
            assert newest.earlier == len(whole) - len(newest.entries), (who, shown)
            assert newest.signed == signed, (who, shown)
    assert readers >= 6
    # The case that matters: some readers may not read some of the newest entries.
    liaison = readable_entries(clue.pk, world.people["liaison"], clue=clue)
    assert everything[-1] not in liaison and everything[-2] not in liaison
    assert len(liaison) < len(readable_entries(clue.pk, world.people["office_leader"], clue=clue))


def test_the_page_shows_the_newest_readable_entries_and_counts_the_rest(world, walk):
    clue = _long_mixed_history(world, walk)
    for who in ("liaison", "office_staff", "office_leader"):
        user = world.people[who]
        whole = readable_entries(clue.pk, user, clue=clue)
        page = world.client_for(who).get(f"/clues/{clue.pk}/").content.decode()
        assert f"另有 {len(whole) - 20} 条较早的记录" in page, who
        assert "同意核查结论，建议移送。" in page, who  # the old sign-off's opinion beside the finding
        assert (REVEAL in page) == (who != "liaison"), who
