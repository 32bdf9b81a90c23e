"""Supervision fixtures: a stopped process clock (time-machine), the clue walker, a clean rule cache per test."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from taizhang.core import deadlines
from tests.clues.conftest import Walk

TZ = dt.timezone(dt.timedelta(hours=8))


class Clock:
    """The stated 'now' of a supervision test: the whole process clock (time-machine), set and advanced."""

    def __init__(self, start: dt.datetime, traveller: Any) -> None:
        self.now = start
        self._traveller = traveller

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, value: dt.datetime) -> dt.datetime:
        self.now = value
        self._traveller.move_to(value)
        return value

    def advance(self, **kwargs: Any) -> dt.datetime:
        return self.set(self.now + dt.timedelta(**kwargs))


def at(text: str) -> dt.datetime:
    """An aware Beijing time from 'YYYY-MM-DD HH:MM'."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


@pytest.fixture
def clock() -> Iterator[Clock]:
    """Stop time at Monday 2025-09-22 09:00 Beijing time (a week before the National Day holiday)."""
    start = at("2025-09-22 09:00")
    with time_machine.travel(start, tick=False) as traveller:
        yield Clock(start, traveller)


@pytest.fixture(autouse=True)
def _fresh_rules() -> Any:
    deadlines.clear_cache()
    yield
    deadlines.clear_cache()


@pytest.fixture
def walk(world: Any) -> Walk:
    return Walk(world)
