"""Recurring meetings and tasks: biweekly occurrences, holiday shifting, idempotent scheduling, supervised tasks."""

from __future__ import annotations

import datetime as dt

import pytest

from taizhang.core.errors import ActionError, PermissionRefused, TransitionRefused
from taizhang.supervision import worker
from taizhang.supervision.actions import do_complete_task, do_create_series, do_create_task, do_reopen_task
from taizhang.supervision.meetings import schedule_meetings
from taizhang.supervision.models import Meeting, Notification, UrgingNotice
from tests.supervision.conftest import at

pytestmark = pytest.mark.django_db


def test_biweekly_series_skips_the_holiday_and_schedules_once(world, clock):
    # Every two weeks on Wednesday from 09-17: 09-17, 10-01 (holiday -> 10-09), 10-15.
    series = do_create_series(
        actor=world.people["office_staff"], title="扫黑办双周例会", starts_on=dt.date(2025, 9, 17)
    )
    assert series.occurrences(dt.date(2025, 9, 1), dt.date(2025, 10, 20)) == [
        dt.date(2025, 9, 17),
        dt.date(2025, 10, 1),
        dt.date(2025, 10, 15),
    ]
    clock.set(at("2025-09-25 09:00"))
    assert schedule_meetings(clock.now) == 2
    assert schedule_meetings(clock.now) == 0
    days = sorted(
        f"{m.starts_at.astimezone(at('2025-01-01 00:00').tzinfo):%m-%d %H:%M}" for m in Meeting.objects.all()
    )
    assert days == ["10-09 09:30", "10-15 09:30"]


def test_only_offices_set_series(world, clock):
    with pytest.raises(PermissionRefused):
        do_create_series(actor=world.people["liaison"], title="x", starts_on=dt.date(2025, 9, 17))


def test_tasks_are_supervised_like_clues(world, clock):
    task = do_create_task(
        actor=world.people["office_staff"],
        title="报送整治方案",
        owner_unit=world.units["transport"],
        owner_person=world.people["handler"],
        due_at=at("2025-09-24 18:00"),
    )
    worker.run_once(clock.now)
    assert (
        Notification.objects.filter(
            user=world.people["handler"], key__startswith=f"task:{task.pk}:task"
        ).count()
        == 1
    )
    worker.run_once(clock.set(at("2025-09-25 09:00")))
    notice = UrgingNotice.objects.get(target_id=task.pk)
    assert notice.unit == world.units["transport"] and task.number in notice.target_label
    with pytest.raises(ActionError):
        do_complete_task(task.pk, actor=world.people["liaison"], result="")
    with pytest.raises(PermissionRefused):
        do_complete_task(task.pk, actor=world.people["group_member"], result="完成")
    do_complete_task(task.pk, actor=world.people["liaison"], result="已报送")
    with pytest.raises(TransitionRefused):
        do_complete_task(task.pk, actor=world.people["liaison"], result="again")
    do_reopen_task(
        task.pk, actor=world.people["office_staff"], reason="方案不完整", due_at=at("2025-10-10 18:00")
    )
    worker.run_once(clock.now)
    assert UrgingNotice.objects.filter(target_id=task.pk).count() == 1


def test_task_owner_checks(world, clock):
    with pytest.raises(ActionError):
        do_create_task(
            actor=world.people["office_staff"],
            title="x",
            owner_unit=world.units["transport"],
            owner_person=world.people["other_liaison"],
            due_at=at("2025-10-01 00:00"),
        )
    with pytest.raises(PermissionRefused):
        do_create_task(
            actor=world.people["district_staff"],
            title="x",
            owner_unit=world.units["transport"],
            due_at=at("2025-10-01 00:00"),
        )
