"""A letter follows its measures (rectified when all are signed off) through its transition map, and the
change counts as an edit: its version goes up, so a form opened before the sign-off is refused as stale."""

from __future__ import annotations

import pytest

from taizhang.core.errors import TransitionRefused
from taizhang.core.models import AuditEntry
from taizhang.rectification import actions
from taizhang.rectification.choices import LetterStatus
from taizhang.rectification.models import Letter, Measure

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]
EVIDENCE = [("整改报告.txt", [b"done"])]


def _request_completion(world, letter):
    measures = list(Measure.objects.filter(problem__problem_list__letter=letter).order_by("pk"))
    for m in measures:
        actions.do_report_measure_progress(
            m.pk, actor=world.people["handler"], body="已完成", evidence=EVIDENCE, request_completion=True
        )
    return measures


def test_the_last_sign_off_rectifies_the_letter_as_a_new_version(world, rect):
    letter = rect.replied()
    version = letter.version
    first, last = _request_completion(world, letter)
    actions.do_review_measure(first.pk, actor=world.people["office_staff"], approve=True)
    assert Letter.objects.get(pk=letter.pk).version == version
    actions.do_review_measure(last.pk, actor=world.people["office_staff"], approve=True)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.RECTIFIED
    assert letter.version == version + 1
    entry = AuditEntry.objects.filter(action="letter.rectified", object_id=str(letter.pk)).get()
    assert entry.before["version"] == version and entry.after["version"] == version + 1


def test_the_letter_moves_only_where_its_map_allows(world, rect, monkeypatch):
    letter = rect.replied()
    first, last = _request_completion(world, letter)
    actions.do_review_measure(first.pk, actor=world.people["office_staff"], approve=True)
    monkeypatch.setitem(actions.LETTER_TRANSITIONS, LetterStatus.RECTIFYING, frozenset())
    with pytest.raises(TransitionRefused):
        actions.do_review_measure(last.pk, actor=world.people["office_staff"], approve=True)
    assert Letter.objects.get(pk=letter.pk).status == LetterStatus.RECTIFYING
