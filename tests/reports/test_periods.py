"""Periods: containing period, keys, neighbours (同比/环比), local bounds and due dates."""

from __future__ import annotations

import datetime as dt

from taizhang.reports.periods import LOCAL, Period, change


def test_of_parse_and_neighbours():
    q = Period.of("quarter", dt.date(2026, 5, 17))
    assert (q.start, q.end, q.key) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30), "2026-Q2")
    assert Period.parse("quarter", "2026-Q2") == q
    assert q.previous().key == "2026-Q1" and q.year_before().key == "2025-Q2"
    assert Period.parse("month", "2026-01").previous().key == "2025-12"
    assert Period.parse("half", "2026-H2").start == dt.date(2026, 7, 1)
    assert Period.parse("year", "2026").end == dt.date(2026, 12, 31)
    assert len(Period.parse("year", "2026").months()) == 12
    assert Period.parse("quarter", "2026-Q1").label == "2026年第一季度"


def test_bounds_are_local_midnights():
    start, end = Period.parse("month", "2026-03").bounds()
    assert start == dt.datetime(2026, 3, 1, tzinfo=LOCAL)
    assert end == dt.datetime(2026, 4, 1, tzinfo=LOCAL)
    assert start.astimezone(dt.UTC) == dt.datetime(2026, 2, 28, 16, tzinfo=dt.UTC)


def test_due_dates():
    assert Period.parse("month", "2026-02").due_at(25) == dt.datetime(2026, 2, 25, 23, 59, 59, tzinfo=LOCAL)
    assert Period.parse("month", "2026-02").due_at(31).day == 28
    assert Period.parse("quarter", "2026-Q4").due_at(10, 1) == dt.datetime(
        2027, 1, 10, 23, 59, 59, tzinfo=LOCAL
    )


def test_change():
    assert change(12, 10) == 20.0
    assert change(5, 0) is None and change(None, 3) is None
