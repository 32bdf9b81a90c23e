"""When each step is due: per-office deadline rules over the official working-day calendar.

Clue, case and rectification actions call `due_at(step, start, office=...)`. Rules are looked up for the office,
then the offices above it, then the system default row, then DEFAULT_LIMITS. The calendar is chinese_calendar
(调休 included) with the administrator's overrides on top. The rules, policies and overrides are stored by
supervision (its models and admin pages), which hands them over as a `RuleBook` through `use_source` in its
`ready()`: the computation sits here, below every app that has deadlines, and reads no app's models. Both are
cached per process for CACHE_SECONDS and dropped at once when this process saves a rule or an override (other
processes pick the change up within CACHE_SECONDS).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from taizhang.pure.workdays import OFFICIAL_YEARS, WorkCalendar

CACHE_SECONDS = 60

# step: (amount, "workdays" | "days") — the published local limits where there are some.
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


@dataclass(frozen=True)
class Policy:
    """The supervision settings in force for an office."""

    extension_cap_days: int = 27
    reminder_offsets: tuple[int, ...] = (3, 1)
    escalate_leader_workdays: int = 3
    escalate_office_workdays: int = 5


@dataclass(frozen=True)
class RuleBook:
    """What the administrator set: calendar overrides, rules and policies per office, confirmed years."""

    overrides: dict[dt.date, bool]
    # office id (None = default) -> step -> (amount, kind)
    rules: dict[int | None, dict[str, tuple[int, str]]]
    policies: dict[int | None, Policy]
    # office id -> ids from the root down (for inheritance)
    lineage: dict[int, tuple[int, ...]]
    # years with an administrator-confirmed 节假日安排 (HolidayNotice)
    confirmed_years: frozenset[int] = frozenset()


class RuleBookSource(Protocol):
    """Reads the rule book from where it is stored (supervision's tables; registered in its `ready()`)."""

    def __call__(self) -> RuleBook: ...


@dataclass
class _Config:
    loaded_at: float
    calendar: WorkCalendar
    book: RuleBook


class CachedCalendar(WorkCalendar):
    """WorkCalendar remembering each day's answer (chinese_calendar is slow per call; the worker asks a lot)."""

    def __init__(self, overrides: dict[dt.date, bool]) -> None:
        super().__init__(overrides)
        self._memo: dict[dt.date, bool] = {}

    def is_workday(self, d: dt.date) -> bool:
        found = self._memo.get(d)
        if found is None:
            found = self._memo[d] = super().is_workday(d)
        return found


_lock = threading.Lock()
_config: _Config | None = None
_source: RuleBookSource | None = None


def use_source(source: RuleBookSource) -> None:
    """Read the rule book through `source` from now on (the app that stores the rules calls this once)."""
    global _source
    _source = source
    clear_cache()


def clear_cache(**_kwargs: Any) -> None:
    """Forget the cached calendar and rules (called when a rule, policy or override is saved)."""
    global _config
    _config = None


def _load() -> _Config:
    if _source is None:
        raise ImproperlyConfigured("no deadline rule book: taizhang.supervision registers it in ready()")
    book = _source()
    return _Config(time.monotonic(), CachedCalendar(book.overrides), book)


def _current() -> _Config:
    global _config
    config = _config
    if config is None or time.monotonic() - config.loaded_at > CACHE_SECONDS:
        with _lock:
            config = _load()
            _config = config
    return config


def calendar() -> WorkCalendar:
    """The working-day calendar in force (chinese_calendar plus the administrator's overrides)."""
    return _current().calendar


# Years without a known schedule that deadlines computed in this request (or worker pass) ran through.
_guessed_years: ContextVar[frozenset[int]] = ContextVar("taizhang_guessed_years", default=frozenset())


def year_is_known(year: int) -> bool:
    """Whether the year's holidays are known: shipped by chinese_calendar or confirmed from a notice."""
    return year in OFFICIAL_YEARS or year in _current().book.confirmed_years


def years_to_announce(today: dt.date) -> list[int]:
    """Unknown years an administrator is told about: this year, and from 1 November the next one."""
    years = [today.year, today.year + 1] if today.month >= 11 else [today.year]
    return [y for y in years if not year_is_known(y)]


def _note_span(first: dt.date, last: dt.date) -> None:
    """Remember the years between two days whose calendar is only guessed (Monday–Friday plus overrides)."""
    if first > last:
        first, last = last, first
    unknown = {y for y in range(first.year, last.year + 1) if not year_is_known(y)}
    if unknown and not unknown <= _guessed_years.get():
        _guessed_years.set(_guessed_years.get() | unknown)


def guessed_years() -> list[int]:
    """The unknown years deadlines ran through since `forget_guessed_years` (pages warn about them)."""
    return sorted(_guessed_years.get())


def forget_guessed_years(**_kwargs: Any) -> None:
    """Start a new request with nothing noted."""
    _guessed_years.set(frozenset())


def _office_id(office: Any) -> int | None:
    if office is None:
        return None
    return office if isinstance(office, int) else office.pk


def _chain(config: _Config, office: Any) -> list[int | None]:
    """The office, the offices above it (nearest first), then the default (None)."""
    office_id = _office_id(office)
    if office_id is None:
        return [None]
    ids = config.book.lineage.get(office_id, (office_id,))
    return [*reversed(ids), None]


def rule_for(step: str, office: Any = None) -> tuple[int, str]:
    """The (amount, "workdays"|"days") limit of a step for an office."""
    config = _current()
    for key in _chain(config, office):
        found = config.book.rules.get(key, {}).get(step)
        if found:
            return found
    return DEFAULT_LIMITS[step]


def policy_for(office: Any = None) -> Policy:
    """The supervision policy of an office (inherited from above, then the default, then built-in)."""
    config = _current()
    for key in _chain(config, office):
        if key in config.book.policies:
            return config.book.policies[key]
    return Policy()


def all_policies() -> list[Policy]:
    """Every policy an administrator set (the worker bounds its look-ahead by the widest)."""
    return list(_current().book.policies.values())


def end_of_day(day: dt.date) -> dt.datetime:
    """The last second of a local day, as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def add_workdays(start: dt.datetime, n: int) -> dt.datetime:
    """The end of the n-th working day after the local day of `start`."""
    day = timezone.localtime(start).date()
    last = calendar().add_workdays(day, n)
    _note_span(day, last)
    return end_of_day(last)


def due_at(step: str, start: dt.datetime, *, office: Any = None) -> dt.datetime:
    """The end of the last day allowed for `step` begun at `start`."""
    amount, kind = rule_for(step, office)
    day = timezone.localtime(start).date()
    if kind == "days":
        last = day + dt.timedelta(days=amount)
        # A calendar-day limit that ends on a day off runs to the next working day, as official limits do.
        cal = calendar()
        while not cal.is_workday(last):
            last += dt.timedelta(days=1)
    else:
        last = calendar().add_workdays(day, amount)
    _note_span(day, last)
    return end_of_day(last)
