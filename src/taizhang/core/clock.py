"""The time actions stamp on what they record: the real clock, unless the demo replays past work.

`taizhang demo` builds months of clue histories through the real actions; running each step inside
`clock.at(moment)` gives the audit log, the timeline and the deadlines that moment instead of one afternoon.
Nothing else sets it: outside `at(...)` `now()` is `timezone.now()`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_fixed: ContextVar[dt.datetime | None] = ContextVar("taizhang_clock", default=None)


def now() -> dt.datetime:
    """The current time, or the moment set by an enclosing `at(...)`."""
    return _fixed.get() or timezone.now()


@contextmanager
def at(moment: dt.datetime) -> Iterator[dt.datetime]:
    """Within the block, `now()` is `moment` (an aware datetime, not in the future)."""
    if timezone.is_naive(moment) or moment > timezone.now():
        raise ValueError("the clock can only be set to an aware moment in the past")
    token = _fixed.set(moment)
    try:
        yield moment
    finally:
        _fixed.reset(token)
