"""Tests for the working-day calendar."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taizhang.pure.workdays import WorkCalendar


def test_adjusted_weekends_are_workdays() -> None:
    cal = WorkCalendar()
    assert cal.is_workday(date(2024, 2, 4))  # Sunday worked before Spring Festival
    assert cal.is_workday(date(2024, 2, 18))  # Sunday worked after Spring Festival
    assert cal.is_workday(date(2024, 9, 29))  # Sunday worked before National Day
    assert cal.is_workday(date(2024, 10, 12))  # Saturday worked after National Day
    assert not cal.is_workday(date(2024, 2, 3))  # ordinary Saturday


def test_holidays_are_not_workdays() -> None:
    cal = WorkCalendar()
    for day in range(10, 18):
        assert not cal.is_workday(date(2024, 2, day))
    for day in range(1, 8):
        assert not cal.is_workday(date(2024, 10, day))
    assert cal.is_workday(date(2024, 10, 8))


def test_add_workdays_across_spring_festival() -> None:
    cal = WorkCalendar()
    # Fri 2024-02-09 (New Year's Eve) is officially worked; the next working day is Sun 2024-02-18.
    assert cal.add_workdays(date(2024, 2, 8), 1) == date(2024, 2, 9)
    assert cal.add_workdays(date(2024, 2, 8), 2) == date(2024, 2, 18)
    assert cal.add_workdays(date(2024, 2, 8), 3) == date(2024, 2, 19)
    assert cal.add_workdays(date(2024, 2, 2), 1) == date(2024, 2, 4)


def test_add_workdays_across_national_day() -> None:
    cal = WorkCalendar()
    # Fri 2024-09-27 + 1 → Sun 09-29 (worked), + 2 → Mon 09-30, + 3 → Tue 10-08.
    assert cal.add_workdays(date(2024, 9, 27), 1) == date(2024, 9, 29)
    assert cal.add_workdays(date(2024, 9, 27), 2) == date(2024, 9, 30)
    assert cal.add_workdays(date(2024, 9, 27), 3) == date(2024, 10, 8)
    assert cal.add_workdays(date(2024, 10, 11), 1) == date(2024, 10, 12)


def test_add_zero_and_negative() -> None:
    cal = WorkCalendar()
    assert cal.add_workdays(date(2024, 2, 10), 0) == date(2024, 2, 10)
    assert cal.add_workdays(date(2024, 10, 8), -1) == date(2024, 9, 30)


def test_workdays_between() -> None:
    cal = WorkCalendar()
    assert cal.workdays_between(date(2024, 9, 27), date(2024, 10, 8)) == 3
    assert cal.workdays_between(date(2024, 10, 8), date(2024, 9, 27)) == -3
    assert cal.workdays_between(date(2024, 2, 9), date(2024, 2, 17)) == 0
    assert cal.workdays_between(date(2024, 5, 6), date(2024, 5, 6)) == 0


def test_override_turns_weekday_into_holiday() -> None:
    tuesday = date(2024, 3, 12)
    cal = WorkCalendar({tuesday: False})
    assert not cal.is_workday(tuesday)
    assert cal.add_workdays(date(2024, 3, 11), 1) == date(2024, 3, 13)
    assert WorkCalendar().add_workdays(date(2024, 3, 11), 1) == tuesday


def test_override_turns_saturday_into_workday() -> None:
    saturday = date(2024, 3, 16)
    cal = WorkCalendar({saturday: True})
    assert cal.add_workdays(date(2024, 3, 15), 1) == saturday


def test_unsupported_years_fall_back_to_weekdays() -> None:
    cal = WorkCalendar()
    assert cal.is_workday(date(1999, 1, 4))  # Monday
    assert not cal.is_workday(date(1999, 1, 2))  # Saturday
    assert cal.is_workday(date(2099, 1, 5))  # Monday
    assert cal.add_workdays(date(2099, 1, 2), 1) == date(2099, 1, 5)  # Friday → Monday


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)), st.integers(0, 30))
def test_add_then_count_round_trips(start: date, n: int) -> None:
    cal = WorkCalendar()
    end = cal.add_workdays(start, n)
    assert cal.workdays_between(start, end) == n
    assert end >= start


def test_official_years_are_the_years_the_package_knows():
    import chinese_calendar

    from taizhang.pure.workdays import OFFICIAL_YEARS

    chinese_calendar.is_workday(date(OFFICIAL_YEARS.stop - 1, 12, 31))  # known: answers
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(OFFICIAL_YEARS.stop, 1, 1))
    # Beyond them, without overrides: Monday to Friday (what the warnings announce).
    cal = WorkCalendar()
    first = date(OFFICIAL_YEARS.stop, 1, 1)
    assert [cal.is_workday(first + timedelta(days=i)) for i in range(7)] == [
        (first + timedelta(days=i)).weekday() < 5 for i in range(7)
    ]
