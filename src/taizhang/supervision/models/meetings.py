"""Meetings (例会): recurring series, agenda, minutes, attendance, decisions, and the tasks decisions become."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from taizhang.core.models import Versioned
from taizhang.org.models import Unit
from taizhang.org.visibility import Scope, VisibleQuerySet
from taizhang.supervision.choices import AttendanceStatus, MeetingStatus, TaskStatus

USER = settings.AUTH_USER_MODEL


class MeetingSeries(models.Model):
    """A recurring meeting (e.g. the office's meeting every two weeks on Tuesday at 09:30)."""

    office = models.ForeignKey(Unit, verbose_name=_("召集机关"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("会议名称"), max_length=100)
    interval_weeks = models.PositiveSmallIntegerField(_("间隔周数"), default=2)
    weekday = models.PositiveSmallIntegerField(_("星期"), default=1, help_text=_("0 为星期一，6 为星期日。"))
    start_time = models.TimeField(_("开始时间"), default=dt.time(9, 30))
    starts_on = models.DateField(_("首次日期"))
    ends_on = models.DateField(_("截止日期"), null=True, blank=True)
    location = models.CharField(_("地点"), max_length=100, blank=True)
    # Move a meeting that falls on a day off to the next working day instead of holding it on a holiday.
    skip_holidays = models.BooleanField(_("遇节假日顺延"), default=True)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = models.Manager()

    class Meta:
        verbose_name = _("例会")
        verbose_name_plural = _("例会")

    def __str__(self) -> str:
        return self.title

    def occurrences(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """The nominal meeting dates in [start, end] (before holiday shifting)."""
        first = self.starts_on + dt.timedelta(days=(self.weekday - self.starts_on.weekday()) % 7)
        period = dt.timedelta(weeks=max(1, self.interval_weeks))
        found = []
        day = first
        if start > day:
            day += period * ((start - day) // period)
        while day <= end and (self.ends_on is None or day <= self.ends_on):
            if day >= start:
                found.append(day)
            day += period
        return found


class MeetingQuerySet(VisibleQuerySet):
    """Meetings are visible to the office tree that holds them and to the people who attend."""

    rule_reads_person = True

    @staticmethod
    def visibility_q(scope: Scope) -> Q:
        attended = Exists(Attendance.objects.filter(meeting=OuterRef("pk"), user_id=scope.user_id))
        rule = Q(attended)
        if scope.office_path:
            rule |= Q(office__path__startswith=scope.office_path)
        return rule


class Meeting(Versioned):
    """One meeting: agenda before, minutes and decisions after."""

    series = models.ForeignKey(
        MeetingSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
    )
    office = models.ForeignKey(Unit, verbose_name=_("召集机关"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("会议名称"), max_length=120)
    scheduled_for = models.DateField(_("原定日期"), null=True, blank=True)
    starts_at = models.DateTimeField(_("召开时间"), db_index=True)
    location = models.CharField(_("地点"), max_length=100, blank=True)
    chair = models.CharField(_("主持人"), max_length=50, blank=True)
    agenda = models.TextField(_("议程"), blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["series", "scheduled_for"], name="meeting_series_occurrence")
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.starts_at:%Y-%m-%d}）"


class Attendance(models.Model):
    """Who attended a meeting (a person of the system, or a name and unit for a guest)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("姓名"), max_length=50)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("出席情况"), max_length=20, choices=AttendanceStatus.choices, default=AttendanceStatus.PRESENT
    )

    class Meta:
        verbose_name = _("参会人员")
        verbose_name_plural = _("参会人员")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Decision(models.Model):
    """A decision recorded in the minutes (议定事项); it may become a supervised task."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("议定事项"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("议定事项")
        verbose_name_plural = _("议定事项")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class TaskQuerySet(VisibleQuerySet):
    """Tasks are visible to the office tree that set them and to their owner unit."""

    @staticmethod
    def visibility_q(scope: Scope) -> Q:
        rule = Q(owner_unit_id=scope.unit_id or 0)
        if scope.office_path:
            rule |= Q(office__path__startswith=scope.office_path)
        return rule

    def open(self) -> TaskQuerySet:
        return self.filter(status=TaskStatus.OPEN)

    def overdue(self, now: dt.datetime) -> TaskQuerySet:
        return self.open().filter(due_at__lt=now)


class Task(Versioned):
    """A task with an owner unit/person and a deadline, supervised like a clue (reminders, urging, boards)."""

    number = models.CharField(_("任务编号"), max_length=40, unique=True)
    office = models.ForeignKey(Unit, verbose_name=_("交办机关"), on_delete=models.PROTECT, related_name="+")
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    title = models.CharField(_("任务"), max_length=200)
    detail = models.TextField(_("要求"), blank=True)
    owner_unit = models.ForeignKey(
        Unit, verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+"
    )
    owner_person = models.ForeignKey(
        USER, verbose_name=_("责任人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField(_("办理时限"), db_index=True)
    status = models.CharField(_("状态"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    result = models.TextField(_("办理结果"), blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("督办任务")
        verbose_name_plural = _("督办任务")
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["owner_unit", "status"], name="task_unit_status")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def summary(self) -> str:
        return self.title
