"""When each step of a clue is due. The supervision app owns the rules; clue actions call `due_at`.

First version: fixed default limits, counting Monday–Friday as working days. The supervision issue replaces the
body with configurable per-office rules and the official calendar (调休, holidays, admin overrides).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

# step: (amount, "workdays" | "days")
DEFAULT_LIMITS: dict[str, tuple[int, str]] = {
    "triage": (1, "workdays"),
    "assign": (1, "workdays"),
    "first_report": (3, "workdays"),
    "verification": (30, "days"),
    "signoff": (3, "workdays"),
    "review": (3, "workdays"),
    "redo": (2, "workdays"),
    "transfer": (3, "workdays"),
    "register_transfer": (1, "workdays"),
    "conclude": (3, "workdays"),
}


def _end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def due_at(step: str, start: dt.datetime, *, office: Any = None) -> dt.datetime:
    """The end of the last day allowed for `step` begun at `start`."""
    amount, kind = DEFAULT_LIMITS[step]
    day = timezone.localtime(start).date()
    if kind == "days":
        return _end_of_day(day + dt.timedelta(days=amount))
    remaining = amount
    while remaining:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            remaining -= 1
    return _end_of_day(day)
