"""The working-day calendar overrides, deadline rules and supervision policy an office configures."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from taizhang.org.models import Unit
from taizhang.supervision.choices import DeadlineStep, DeadlineUnit


class CalendarOverride(models.Model):
    """A day whose working status an administrator sets by hand (a newly published holiday or 调休 day)."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    note = models.CharField(_("说明"), max_length=100, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("工作日调整")
        verbose_name_plural = _("工作日调整")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {'班' if self.is_workday else '休'}"


class HolidayNotice(models.Model):
    """A year's 节假日安排 as the administrator confirmed it: its days are CalendarOverride rows."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    text = models.TextField(_("通知原文"))
    days = models.JSONField(_("已调整的日期"), default=list)  # ["YYYY-MM-DD", ...] this notice set
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField(_("确认时间"))

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}"


class DeadlineRule(models.Model):
    """The limit for one step: per office (inherited by the offices below it), or the default when office is empty."""

    office = models.ForeignKey(
        Unit,
        verbose_name=_("扫黑办"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("留空表示全系统默认；下级扫黑办未设置时沿用上级的规则。"),
    )
    step = models.CharField(_("环节"), max_length=30, choices=DeadlineStep.choices)
    amount = models.PositiveIntegerField(_("时限"))
    unit = models.CharField(
        _("计算方式"), max_length=10, choices=DeadlineUnit.choices, default=DeadlineUnit.WORKDAYS
    )
    note = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("办理时限规则")
        verbose_name_plural = _("办理时限规则")
        constraints = [
            models.UniqueConstraint(fields=["office", "step"], name="deadline_rule_office_step"),
            models.UniqueConstraint(
                fields=["step"], condition=models.Q(office__isnull=True), name="deadline_rule_default_step"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()} {self.amount}{self.get_unit_display()}"


class SupervisionPolicy(models.Model):
    """How an office supervises: extension cap, when reminders go out, when overdue work escalates."""

    office = models.OneToOneField(
        Unit,
        verbose_name=_("扫黑办"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("留空表示全系统默认。"),
    )
    extension_cap_days = models.PositiveIntegerField(_("累计延期上限（自然日）"), default=27)
    reminder_workdays = models.CharField(_("到期前提醒（工作日，逗号分隔）"), max_length=40, default="3,1")
    escalate_leader_workdays = models.PositiveIntegerField(_("逾期后升级至单位负责人（工作日）"), default=3)
    escalate_office_workdays = models.PositiveIntegerField(_("逾期后升级至扫黑办（工作日）"), default=5)

    class Meta:
        verbose_name = _("督办规则")
        verbose_name_plural = _("督办规则")
        constraints = [
            models.UniqueConstraint(
                fields=["office"], condition=models.Q(office__isnull=True), name="policy_single_default"
            )
        ]

    def __str__(self) -> str:
        return str(self.office or _("全系统默认"))

    def reminder_offsets(self) -> list[int]:
        """The reminder offsets in working days, largest first (e.g. [3, 1])."""
        found = {int(p) for p in self.reminder_workdays.replace("，", ",").split(",") if p.strip().isdigit()}
        return sorted((n for n in found if n > 0), reverse=True)
