"""Business dates come from the application's clock, never from the database's.

Time-machine moves Python's clock, not SQLite's or PostgreSQL's: a trigger, default or query that read the
database clock (now(), CURRENT_DATE, datetime('now'), ...) would disagree with the application under a moved
clock, on the day of the matrix and in production across midnight. So: nothing in the schema reads it, and
the worker, under a moved clock, plans and stamps by the application's time.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection

from taizhang.core import clock, deadlines
from taizhang.supervision import worker
from taizhang.supervision.models import Dispatch, Notification

# The database's own clock, in SQLite and PostgreSQL spellings.
DB_CLOCK = re.compile(
    r"(?<![\w.])(now|clock_timestamp|statement_timestamp|transaction_timestamp|timeofday)\s*\(\s*\)"
    r"|\b(current_date|current_timestamp|current_time|localtimestamp|localtime)\b"
    r"|'now'",
    re.IGNORECASE,
)


def _schema_sql() -> list[tuple[str, str]]:
    """Every trigger, view, function body and column default the migrations left in the database."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL")
            return [(name, sql) for name, sql in cursor.fetchall()]
        cursor.execute(
            """
            SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc p
              JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = current_schema() AND p.prokind = 'f'
            UNION ALL
            SELECT viewname, definition FROM pg_views WHERE schemaname = current_schema()
            UNION ALL
            SELECT c.relname || '.' || a.attname, pg_get_expr(d.adbin, d.adrelid)
              FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid
              JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
            UNION ALL
            SELECT tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t WHERE NOT t.tgisinternal
            """
        )
        return [(name, sql) for name, sql in cursor.fetchall()]


def test_the_pattern_finds_the_database_clock():
    assert DB_CLOCK.search("NEW.at = now()")
    assert DB_CLOCK.search("WHERE due <= CURRENT_TIMESTAMP")
    assert DB_CLOCK.search("strftime('%s', 'now')")
    assert not DB_CLOCK.search("SELECT clock.now(), timezone.now() FROM t WHERE known_at < %s")


@pytest.mark.django_db
def test_no_trigger_view_function_or_default_reads_the_database_clock():
    found = [(name, m.group(0)) for name, sql in _schema_sql() for m in [DB_CLOCK.search(sql)] if m]
    assert found == []


@pytest.mark.calendar
def test_the_worker_plans_and_stamps_by_the_application_clock(world, walk):
    clue = walk.assigned()
    first_report_due = clue.deadline_at
    assert first_report_due == deadlines.due_at("first_report", clock.now(), office=clue.office)
    # The morning after the deadline by the application's clock (the database's clock has not moved).
    morning = first_report_due + dt.timedelta(hours=9, seconds=1)
    with time_machine.travel(morning, tick=False):
        worker.run_once()
        urge = Dispatch.objects.get(key__startswith=f"clue:{clue.pk}:", key__endswith=":urge")
        assert abs(urge.due_at - morning) < dt.timedelta(minutes=1)
        told = Notification.objects.filter(key=urge.key)
        assert told.exists()
        assert all(abs(n.created_at - morning) < dt.timedelta(minutes=1) for n in told)
