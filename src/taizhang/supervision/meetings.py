"""Turning meeting series into dated meetings (a worker job; idempotent by (series, date))."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from taizhang.core import deadlines
from taizhang.supervision.models import Meeting, MeetingSeries

LOOKAHEAD_DAYS = 28


def meeting_day(series: MeetingSeries, nominal: dt.date) -> dt.date:
    """The day a meeting is actually held: moved to the next working day when it falls on a day off."""
    if not series.skip_holidays:
        return nominal
    cal = deadlines.calendar()
    day = nominal
    while not cal.is_workday(day):
        day += dt.timedelta(days=1)
    return day


def schedule_meetings(now: dt.datetime) -> int:
    """Create the meetings of every active series for the next four weeks; return how many were new."""
    today = timezone.localtime(now).date()
    end = today + dt.timedelta(days=LOOKAHEAD_DAYS)
    rows = []
    for series in MeetingSeries.objects.filter(is_active=True):
        for nominal in series.occurrences(today, end):
            day = meeting_day(series, nominal)
            rows.append(
                Meeting(
                    series=series,
                    office_id=series.office_id,
                    title=series.title,
                    scheduled_for=nominal,
                    starts_at=timezone.make_aware(dt.datetime.combine(day, series.start_time)),
                    location=series.location,
                )
            )
    before = Meeting.objects.filter(series__isnull=False).count() if rows else 0
    # The unique (series, scheduled_for) constraint makes a second worker's insert a no-op.
    Meeting.objects.bulk_create(rows, ignore_conflicts=True)
    return (Meeting.objects.filter(series__isnull=False).count() - before) if rows else 0
