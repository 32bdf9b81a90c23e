"""Working-day calendar over the official Chinese holiday schedule (调休 included), with overrides."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

import chinese_calendar

__all__ = ["OFFICIAL_YEARS", "WorkCalendar"]

_ONE_DAY = timedelta(days=1)

# The years whose official schedule the installed chinese_calendar ships (2004–2026 in 1.11.0).
OFFICIAL_YEARS = range(
    min(chinese_calendar.constants.holidays).year, max(chinese_calendar.constants.holidays).year + 1
)


class WorkCalendar:
    """Answer working-day questions, preferring admin overrides, then chinese_calendar, then Mon–Fri."""

    def __init__(self, overrides: Mapping[date, bool] | None = None) -> None:
        """Keep a copy of the {date: is_workday} overrides."""
        self._overrides: dict[date, bool] = dict(overrides or {})

    def is_workday(self, d: date) -> bool:
        """Tell whether a day is a working day."""
        override = self._overrides.get(d)
        if override is not None:
            return override
        try:
            return bool(chinese_calendar.is_workday(d))
        except NotImplementedError:
            # The package only ships schedules for the years it knows; outside them use plain weekdays.
            return d.weekday() < 5

    def add_workdays(self, start: date, n: int) -> date:
        """Return the n-th working day after start (start not counted); negative n counts backwards."""
        step = _ONE_DAY if n >= 0 else -_ONE_DAY
        remaining = abs(n)
        day = start
        while remaining:
            day += step
            if self.is_workday(day):
                remaining -= 1
        return day

    def workdays_between(self, a: date, b: date) -> int:
        """Count working days in (a, b]; negative when b is before a."""
        if b < a:
            return -self.workdays_between(b, a)
        count = 0
        day = a
        while day < b:
            day += _ONE_DAY
            if self.is_workday(day):
                count += 1
        return count
