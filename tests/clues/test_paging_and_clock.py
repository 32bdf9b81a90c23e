"""The ledger's ids-first paging equals plain slicing, and the clock seam the demo replays histories with."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from taizhang.clues import actions
from taizhang.clues.filters import filter_clues, parse
from taizhang.clues.models import Assignment, Clue
from taizhang.clues.views.ledger import with_row_relations
from taizhang.clues.visibility.answers import page_of
from taizhang.core import clock
from taizhang.core.models import AuditEntry


@pytest.mark.parametrize(
    "params",
    [{}, {"sort": "deadline_at"}, {"sort": "number", "category": "evil"}, {"sort": "-concluded_at"}],
)
def test_pages_are_the_slices_of_the_visible_filtered_list(world, walk, params):
    for i in range(7):
        walk.assigned(summary=f"线索{i}") if i % 2 else walk.register(summary=f"线索{i}")
    walk.assigned(unit="construction")
    for persona in ("office_staff", "liaison", "other_liaison"):
        user = world.people[persona]
        visible = Clue.objects.visible_to(user)
        expected = list(filter_clues(visible, parse(params)).values_list("pk", flat=True))
        pages = [
            [c.pk for c in page_of(user, with_row_relations(Clue.objects.all()), params, start, start + 3)]
            for start in range(0, 12, 3)
        ]
        assert [pk for page in pages for pk in page] == expected


@pytest.mark.calendar
def test_actions_stamp_the_clock(world, walk):
    clue = walk.triaged()
    moment = timezone.now() - dt.timedelta(days=40)
    with clock.at(moment):
        actions.do_assign_clue(clue.pk, actor=world.people["office_leader"], unit=world.units["transport"])
    entry = AuditEntry.objects.filter(object_id=str(clue.pk), action="clue.assign").get()
    assert entry.at == moment
    assert Assignment.objects.get(clue=clue).assigned_at == moment
    # The deadline runs from that moment: 3 working days for the first report, long past now.
    clue.refresh_from_db()
    assert moment < clue.deadline_at < moment + dt.timedelta(days=8) and clue.is_overdue
    assert abs(clock.now() - timezone.now()) < dt.timedelta(seconds=5)


def test_the_clock_is_never_set_to_the_future_or_a_naive_time():
    with pytest.raises(ValueError), clock.at(timezone.now() + dt.timedelta(hours=1)):
        pass
    with pytest.raises(ValueError), clock.at(dt.datetime(2026, 1, 1)):
        pass
