"""Working-day deadlines: 调休 weekends, the National Day holiday, administrator overrides, per-office rules."""

from __future__ import annotations

import datetime as dt

import pytest

from taizhang.core import deadlines
from taizhang.core.deadlines import due_at
from taizhang.supervision.models import CalendarOverride, DeadlineRule, SupervisionPolicy
from tests.supervision.conftest import at

pytestmark = pytest.mark.django_db


def day(value: dt.datetime) -> str:
    return f"{dt.datetime.astimezone(value, at('2025-01-01 00:00').tzinfo):%Y-%m-%d %H:%M:%S}"


def test_triage_counts_a_worked_sunday():
    # Friday 2025-09-26 + 1 working day: Saturday is off, Sunday 09-28 is a 调休 working day.
    assert day(due_at("triage", at("2025-09-26 10:00"))) == "2025-09-28 23:59:59"


def test_first_report_skips_national_day_and_counts_worked_saturday():
    # Tuesday 09-30 + 3 working days: 10-01..10-08 off, then Thu 10-09, Fri 10-10, Sat 10-11 (调休).
    assert day(due_at("first_report", at("2025-09-30 16:00"))) == "2025-10-11 23:59:59"


def test_calendar_day_limit_ending_on_a_holiday_runs_to_next_working_day():
    # 2025-09-03 + 30 days = 10-03, inside the holiday: due on 10-09.
    assert day(due_at("verification", at("2025-09-03 09:00"))) == "2025-10-09 23:59:59"


def test_holiday_override_moves_the_deadline():
    CalendarOverride.objects.create(date=dt.date(2025, 10, 9), is_workday=False, note="测试：临时放假")
    # 10-09 now off: 10-10 (1), 10-11 Sat worked (2), 10-12 Sunday off, 10-13 Mon (3).
    assert day(due_at("first_report", at("2025-09-30 16:00"))) == "2025-10-13 23:59:59"


def test_override_outside_the_packaged_years():
    # chinese_calendar knows nothing of 2031: plain weekdays, plus what the administrator entered.
    assert day(due_at("triage", at("2031-01-31 10:00"))) == "2031-02-03 23:59:59"  # Fri -> Mon
    CalendarOverride.objects.create(date=dt.date(2031, 2, 3), is_workday=False)
    CalendarOverride.objects.create(date=dt.date(2031, 2, 1), is_workday=True)
    assert day(due_at("triage", at("2031-01-31 10:00"))) == "2031-02-01 23:59:59"


def test_office_rule_is_inherited_by_the_offices_below(world):
    city, district = world.units["city"], world.units["district"]
    DeadlineRule.objects.create(office=city, step="first_report", amount=5, unit="workdays")
    start = at("2025-09-15 10:00")  # Monday
    assert day(due_at("first_report", start, office=district)) == "2025-09-22 23:59:59"
    DeadlineRule.objects.create(office=district, step="first_report", amount=2, unit="workdays")
    assert day(due_at("first_report", start, office=district)) == "2025-09-17 23:59:59"
    assert day(due_at("first_report", start, office=city)) == "2025-09-22 23:59:59"


def test_default_rule_rows_are_seeded_and_editable():
    rule = DeadlineRule.objects.get(office=None, step="redo")
    assert (rule.amount, rule.unit) == (2, "workdays")
    rule.amount = 4
    rule.save()
    assert day(due_at("redo", at("2025-09-15 10:00"))) == "2025-09-19 23:59:59"


def test_policy_inherits_and_parses_offsets(world):
    SupervisionPolicy.objects.create(
        office=world.units["city"], extension_cap_days=10, reminder_workdays="5，2,x"
    )
    policy = deadlines.policy_for(world.units["district"])
    assert policy.extension_cap_days == 10
    assert policy.reminder_offsets == (5, 2)


def test_clue_actions_use_the_rules(walk, clock):
    clock.set(at("2025-09-26 10:00"))
    clue = walk.register()
    assert day(clue.deadline_at) == "2025-09-28 23:59:59"
