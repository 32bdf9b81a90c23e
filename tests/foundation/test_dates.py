"""`|day` and `|minute` write what `|date:"Y-m-d"` and `|date:"Y-m-d H:i"` write, for every kind of value."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.conf import settings
from django.template import engines
from django.utils.translation import override
from hypothesis import given
from hypothesis import strategies as st

_PAIRS = [("day", 'date:"Y-m-d"'), ("minute", 'date:"Y-m-d H:i"')]
_TEMPLATES = {
    ours: (
        engines["django"].from_string(f"{{{{ v|{ours} }}}}"),
        engines["django"].from_string(f"{{{{ v|{theirs} }}}}"),
    )
    for ours, theirs in _PAIRS
}
_ZONES = [dt.UTC, zoneinfo.ZoneInfo("Asia/Shanghai"), zoneinfo.ZoneInfo("America/New_York"), None]


def _outcome(template: object, value: object) -> tuple[str, object]:
    """The text written, or the error raised (Django's filter refuses a day asked for its minutes)."""
    try:
        return "text", template.render({"v": value})  # type: ignore[attr-defined]
    except TypeError as error:
        return "error", type(error)


def _same(value: object) -> None:
    for name, (ours, theirs) in _TEMPLATES.items():
        for language, _label in settings.LANGUAGES:
            with override(language):
                assert _outcome(ours, value) == _outcome(theirs, value), (name, value, language)


@given(
    moment=st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30)),
    zone=st.sampled_from(_ZONES),
)
def test_a_moment_is_written_as_the_date_filter_writes_it(moment: dt.datetime, zone: object) -> None:
    """Aware moments are shown in the site's time zone (Asia/Shanghai) by both; naive ones as they are."""
    _same(moment.replace(tzinfo=zone) if zone else moment)


@given(st.dates())
def test_a_day_is_written_as_the_date_filter_writes_it(day: dt.date) -> None:
    _same(day)


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "2026-01-02",
        0,
        20260102,
        [],
        dt.time(9, 5),
        dt.datetime(999, 1, 2, 3, 4),
        dt.date(999, 1, 2),
    ],
)
def test_other_values_are_written_as_the_date_filter_writes_them(value: object) -> None:
    _same(value)


def test_a_moment_around_midnight_is_the_local_day() -> None:
    late = dt.datetime(2026, 3, 1, 16, 30, tzinfo=dt.UTC)  # 00:30 on 2 March in Shanghai
    ours, _theirs = _TEMPLATES["day"]
    assert ours.render({"v": late}) == "2026-03-02"
