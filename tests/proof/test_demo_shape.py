"""The demo city looks like a working office in the middle of its year, not an abandoned one.

Built once at a stated moment (never today's date): most clues received this quarter are concluded, few open
clues are past their deadline, and nobody signs in to a year of unread messages. Building it sends no mail.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from taizhang.reports.demo_shape import DemoShape, measure
from tests.conftest import CHOSEN_TEST_NOW, DEFAULT_TEST_NOW, shanghai

# Not a `calendar` test (its per-test holiday notices would clash with the demo's own calendar rows): the
# module's fixture travels to the same stated moment itself.
LEADERS = ["shb_leader", "dh_leader", "jt_leader", "ga_leader", "jw_leader", "zr_leader", "cg_leader"]


@pytest.fixture(scope="module")
def shape(django_db_setup: Any, django_db_blocker: Any) -> Any:
    moment = shanghai(CHOSEN_TEST_NOW or DEFAULT_TEST_NOW)
    with django_db_blocker.unblock(), transaction.atomic(), time_machine.travel(moment, tick=True):
        before = len(getattr(mail, "outbox", []))
        call_command("demo", stdout=io.StringIO())
        figures = measure(timezone.now())
        figures.mails = len(getattr(mail, "outbox", [])) - before  # type: ignore[attr-defined]
        yield figures
        transaction.set_rollback(True)


def test_most_clues_received_this_quarter_are_concluded(shape: DemoShape, db: Any) -> None:
    assert shape.received >= 50, shape.lines()
    assert shape.conclusion_rate >= 50, shape.lines()


def test_few_open_clues_are_overdue(shape: DemoShape, db: Any) -> None:
    assert shape.open_clues >= 20, shape.lines()
    assert shape.overdue >= 1, shape.lines()  # the overdue board and the urging have something to show
    assert shape.overdue <= 0.2 * shape.open_clues, shape.lines()


def test_a_leader_finds_a_handful_of_unread_messages(shape: DemoShape, db: Any) -> None:
    for name in LEADERS:
        assert shape.unread[name] <= 20, shape.lines()
    assert max(shape.unread.values()) <= 20, shape.lines()
    assert sum(shape.unread.values()) > 0, shape.lines()


def test_building_the_demo_sends_no_mail(shape: DemoShape, db: Any) -> None:
    assert shape.mails == 0  # type: ignore[attr-defined]
