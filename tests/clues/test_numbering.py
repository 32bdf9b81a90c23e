"""Clue numbers under concurrent registration: no gaps, no duplicates."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from taizhang.clues import actions
from taizhang.clues.actions import SubjectData
from taizhang.clues.models import Clue
from taizhang.core.errors import ActionError


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_unique_numbers_without_gaps(world):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers with one lock; the race only exists on PostgreSQL")
    threads, errors = [], []
    barrier = threading.Barrier(8)

    def register(i: int) -> None:
        try:
            barrier.wait()
            for j in range(5):
                actions.do_register_clue(
                    actor=world.people["office_staff"],
                    office=world.units["city"],
                    channel="letter",
                    received_at=timezone.now(),
                    summary=f"并发登记{i}-{j}",
                    facts="并发登记测试",
                    subjects=[SubjectData(name="某某")],
                )
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    for i in range(8):
        threads.append(threading.Thread(target=register, args=(i,)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    seqs = sorted(int(n.rsplit("-", 1)[1]) for n in Clue.objects.values_list("number", flat=True))
    assert seqs == list(range(1, 41))


@pytest.mark.django_db(transaction=True)
def test_a_failed_registration_leaves_no_gap(world):
    office = world.units["city"]
    kwargs = {
        "actor": world.people["office_staff"],
        "office": office,
        "channel": "letter",
        "received_at": timezone.now(),
        "summary": "登记",
        "facts": "内容",
    }
    actions.do_register_clue(subjects=[SubjectData(name="甲")], **kwargs)
    with pytest.raises(ActionError):
        actions.do_register_clue(subjects=[], **kwargs)  # refused after the number was drawn
    clue = actions.do_register_clue(subjects=[SubjectData(name="乙")], **kwargs)
    assert clue.number.endswith("000002")
