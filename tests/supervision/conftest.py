"""Supervision fixtures: a frozen clock, the clue walker, and a clean rule/calendar cache per test."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from taizhang.supervision import deadlines
from tests.clues.conftest import Walk

TZ = dt.timezone(dt.timedelta(hours=8))


class Clock:
    """A settable 'now' for django.utils.timezone.now (everything the app reads time from)."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, value: dt.datetime) -> dt.datetime:
        self.now = value
        return value

    def advance(self, **kwargs: Any) -> dt.datetime:
        self.now = self.now + dt.timedelta(**kwargs)
        return self.now


def at(text: str) -> dt.datetime:
    """An aware Beijing time from 'YYYY-MM-DD HH:MM'."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Freeze time at Monday 2025-09-22 09:00 Beijing time (a week before the National Day holiday)."""
    c = Clock(at("2025-09-22 09:00"))
    monkeypatch.setattr(timezone, "now", c)
    return c


@pytest.fixture(autouse=True)
def _fresh_rules() -> Any:
    deadlines.clear_cache()
    yield
    deadlines.clear_cache()


@pytest.fixture
def walk(world: Any) -> Walk:
    return Walk(world)
