"""Meetings (例会) and the tasks their decisions become."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.core import audit
from taizhang.core.errors import ActionError, NotVisible, PermissionRefused
from taizhang.core.signals import emit_on_commit
from taizhang.core.workflow import check_transition, check_version
from taizhang.org.actors import Actor
from taizhang.org.models import Unit, User
from taizhang.supervision.choices import (
    MEETING_TRANSITIONS,
    TASK_TRANSITIONS,
    AttendanceStatus,
    MeetingStatus,
    TaskStatus,
)
from taizhang.supervision.models import Attendance, Decision, Meeting, MeetingSeries, Task
from taizhang.supervision.notify import notify
from taizhang.supervision.permissions import can_supervise, is_unit_actor, require
from taizhang.supervision.recipients import Directory

TASK_FIELDS = ["status", "owner_unit", "owner_person", "due_at", "done_at", "version"]


@dataclass
class AttendeeData:
    """One line of the attendance list."""

    name: str
    user_id: int | None = None
    unit_id: int | None = None
    status: str = AttendanceStatus.PRESENT


def _required(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ActionError("required", message)
    return value


@transaction.atomic
def do_create_series(
    *,
    actor: User,
    title: str,
    starts_on: dt.date,
    interval_weeks: int = 2,
    weekday: int | None = None,
    start_time: dt.time = dt.time(9, 30),
    location: str = "",
    ends_on: dt.date | None = None,
) -> MeetingSeries:
    """Set up a recurring meeting of the actor's office (e.g. every two weeks)."""
    office = actor.unit
    if office is None or not (can_supervise(actor, office) and office.kind == "office"):
        raise PermissionRefused(_("只有扫黑办可以设置例会。"))
    if not 1 <= int(interval_weeks) <= 12:
        raise ActionError("invalid_interval", _("间隔周数须在 1 至 12 之间。"))
    series = MeetingSeries.objects.create(
        office=office,
        title=_required(title, _("请填写会议名称。"))[:100],
        interval_weeks=interval_weeks,
        weekday=starts_on.weekday() if weekday is None else weekday,
        start_time=start_time,
        starts_on=starts_on,
        ends_on=ends_on,
        location=location[:100],
    )
    audit.record(
        "meeting_series.create",
        actor=actor,
        obj=series,
        after={"title": series.title, "every": interval_weeks},
    )
    return series


@transaction.atomic
def do_plan_meeting(
    *, actor: User, title: str, starts_at: dt.datetime, location: str = "", agenda: str = ""
) -> Meeting:
    """Plan a single meeting of the actor's office with its agenda."""
    office = actor.unit
    if office is None or not (can_supervise(actor, office) and office.kind == "office"):
        raise PermissionRefused(_("只有扫黑办可以安排会议。"))
    meeting = Meeting.objects.create(
        office=office,
        title=_required(title, _("请填写会议名称。"))[:120],
        starts_at=starts_at,
        location=location[:100],
        agenda=agenda,
    )
    audit.record("meeting.plan", actor=actor, obj=meeting, after={"title": meeting.title, "at": starts_at})
    return meeting


def _lock_meeting(meeting_id: int, actor: Actor) -> Meeting:
    # Two people writing the minutes at once are serialised; the version check refuses the stale one.
    meeting = (
        Meeting.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .select_related("office")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        raise NotVisible()
    require(can_supervise(actor, meeting.office), _("只有召集会议的扫黑办可以修改会议。"))
    return meeting


@transaction.atomic
def do_record_minutes(
    meeting_id: int,
    *,
    actor: Actor,
    minutes: str,
    chair: str = "",
    agenda: str | None = None,
    attendees: list[AttendeeData] | None = None,
    decisions: list[str] | None = None,
    version: int | None = None,
) -> Meeting:
    """Record that the meeting was held: minutes, chair, attendance and decisions (replacing earlier ones)."""
    meeting = _lock_meeting(meeting_id, actor)
    check_version(meeting, version, ["minutes", "status"])
    check_transition(MEETING_TRANSITIONS, meeting.status, MeetingStatus.HELD, labels=MeetingStatus)
    before = audit.snapshot(meeting, ["status", "minutes", "chair", "version"])
    meeting.status = MeetingStatus.HELD
    meeting.minutes = _required(minutes, _("请填写会议纪要。"))
    meeting.chair = chair[:50]
    if agenda is not None:
        meeting.agenda = agenda
    meeting.version += 1
    meeting.save(update_fields=["status", "minutes", "chair", "agenda", "version"])
    if attendees is not None:
        meeting.attendance.all().delete()
        Attendance.objects.bulk_create(
            [
                Attendance(
                    meeting=meeting, user_id=a.user_id, name=a.name[:50], unit_id=a.unit_id, status=a.status
                )
                for a in attendees
                if a.name.strip()
            ]
        )
    if decisions is not None:
        kept = {d.pk for d in meeting.decisions.all() if d.tasks.exists()}
        meeting.decisions.exclude(pk__in=kept).delete()
        start = meeting.decisions.count()
        Decision.objects.bulk_create(
            [
                Decision(meeting=meeting, text=t.strip(), position=start + i)
                for i, t in enumerate(decisions)
                if t.strip()
            ]
        )
    audit.record(
        "meeting.minutes",
        actor=actor,
        obj=meeting,
        before=before,
        after=audit.snapshot(meeting, ["status", "minutes", "chair", "version"]),
    )
    return meeting


@transaction.atomic
def do_cancel_meeting(meeting_id: int, *, actor: Actor, reason: str) -> Meeting:
    """Cancel a planned meeting, with a reason."""
    meeting = _lock_meeting(meeting_id, actor)
    check_transition(MEETING_TRANSITIONS, meeting.status, MeetingStatus.CANCELLED, labels=MeetingStatus)
    meeting.status = MeetingStatus.CANCELLED
    meeting.version += 1
    meeting.save(update_fields=["status", "version"])
    audit.record(
        "meeting.cancel",
        actor=actor,
        obj=meeting,
        after={"status": meeting.status},
        reason=_required(reason, _("请说明取消原因。")),
    )
    return meeting


@transaction.atomic
def do_create_task(
    *,
    actor: User,
    title: str,
    owner_unit: Unit,
    due_at: dt.datetime,
    owner_person: User | None = None,
    detail: str = "",
    decision: Decision | None = None,
) -> Task:
    """Give a task (often a meeting decision) to an owner unit and person with a deadline; it is supervised."""
    office = actor.unit
    if office is None or not (office.kind == "office" and can_supervise(actor, owner_unit)):
        raise PermissionRefused(_("只能向本级及下级管辖范围内的单位交办任务。"))
    if decision is not None and not Meeting.objects.visible_to(actor).filter(pk=decision.meeting_id).exists():
        raise NotVisible()
    if owner_person is not None and owner_person.unit_id != owner_unit.pk:
        raise ActionError("invalid_person", _("责任人须为责任单位的人员。"))
    if due_at <= timezone.now():
        raise ActionError("invalid_date", _("办理时限须晚于当前时间。"))
    return supervise(
        actor=actor,
        office=office,
        title=_required(title or (decision.text if decision else ""), _("请填写任务内容。")),
        owner_unit=owner_unit,
        due_at=due_at,
        owner_person=owner_person,
        detail=detail,
        decision=decision,
    )


def supervise(
    *,
    actor: User,
    office: Unit,
    title: str,
    owner_unit: Unit,
    due_at: dt.datetime,
    owner_person: User | None = None,
    detail: str = "",
    decision: Decision | None = None,
) -> Task:
    """Write a supervised task for `office` (numbered, audited, the owner told): for actions of other apps
    that put their own deadline under supervision (a drive's return, an asset's disposal) after checking
    their own permissions. Call inside the caller's transaction; a deadline already past is overdue at once."""
    task = Task.objects.create(
        number=f"tmp-{uuid.uuid4().hex}",
        office=office,
        decision=decision,
        title=title[:200],
        detail=detail,
        owner_unit=owner_unit,
        owner_person=owner_person,
        due_at=due_at,
        created_by=actor,
    )
    # Numbers follow the primary key, so they are unique without a counter row.
    task.number = f"{timezone.localtime(task.created_at):%Y}-RW-{task.pk:05d}"
    task.save(update_fields=["number"])
    audit.record("task.create", actor=actor, obj=task, after=audit.snapshot(task, TASK_FIELDS))
    emit_on_commit(
        model="supervision.task", object_id=task.pk, action="task.create", actor=actor, unit_id=owner_unit.pk
    )
    url = reverse("supervision:task_detail", args=[task.pk])

    def _tell() -> None:
        d = Directory()
        ids = ([owner_person.pk] if owner_person else []) + d.liaisons(owner_unit.pk)
        notify(
            d.people(ids),
            title=_("任务 %(n)s 已交办给你单位：%(t)s") % {"n": task.number, "t": task.title[:40]},
            body=task.detail,
            url=url,
            key=f"task:{task.pk}:created",
            about=task,
        )

    transaction.on_commit(_tell)
    return task


def _lock_task(task_id: int, actor: Actor) -> Task:
    # Completing and reopening at the same moment are serialised on the task row.
    task = (
        Task.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .select_related("office", "owner_unit")
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise NotVisible()
    return task


@transaction.atomic
def do_complete_task(task_id: int, *, actor: Actor, result: str, version: int | None = None) -> Task:
    """The owner unit (or the office) reports the task done with its result."""
    task = _lock_task(task_id, actor)
    require(
        is_unit_actor(actor, task.owner_unit_id) or can_supervise(actor, task.office),
        _("只有责任单位或交办机关可以办结任务。"),
    )
    check_version(task, version, ["status", "due_at"])
    return _finish(task, actor, _required(result, _("请填写办理结果。")))


def settle(task_id: int, *, actor: Actor, result: str) -> None:
    """Close a supervised task that another app's action fulfilled (its return filed, its asset disposed of),
    after that action checked its own permissions; a task already closed is left as it is."""
    task = Task.objects.select_for_update().filter(pk=task_id).first()
    if task is not None and task.status == TaskStatus.OPEN:
        _finish(task, actor, result)


def _finish(task: Task, actor: Actor, result: str) -> Task:
    check_transition(TASK_TRANSITIONS, task.status, TaskStatus.DONE, labels=TaskStatus)
    before = audit.snapshot(task, TASK_FIELDS)
    task.status, task.result, task.done_at = TaskStatus.DONE, result, timezone.now()
    task.version += 1
    task.save(update_fields=["status", "result", "done_at", "version"])
    audit.record(
        "task.complete", actor=actor, obj=task, before=before, after=audit.snapshot(task, TASK_FIELDS)
    )
    emit_on_commit(model="supervision.task", object_id=task.pk, action="task.complete", actor=actor)
    return task


@transaction.atomic
def do_reopen_task(task_id: int, *, actor: Actor, reason: str, due_at: dt.datetime | None = None) -> Task:
    """The office reopens a task it finds not done, optionally with a new deadline."""
    task = _lock_task(task_id, actor)
    require(can_supervise(actor, task.office), _("只有交办机关可以重新交办任务。"))
    check_transition(TASK_TRANSITIONS, task.status, TaskStatus.OPEN, labels=TaskStatus)
    before = audit.snapshot(task, TASK_FIELDS)
    task.status, task.done_at = TaskStatus.OPEN, None
    if due_at is not None:
        task.due_at = due_at
    task.version += 1
    task.save(update_fields=["status", "done_at", "due_at", "version"])
    audit.record(
        "task.reopen",
        actor=actor,
        obj=task,
        before=before,
        after=audit.snapshot(task, TASK_FIELDS),
        reason=_required(reason, _("请说明理由。")),
    )
    return task
