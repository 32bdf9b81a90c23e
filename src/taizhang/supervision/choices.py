"""States and vocabularies of supervision records, and their transitions, written once as data."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from taizhang.clues.choices import DeadlineStep


class DeadlineUnit(models.TextChoices):
    WORKDAYS = "workdays", _("工作日")
    DAYS = "days", _("自然日")


OTHER_STEPS = {"task": _("督办任务"), "listed": _("挂牌督办")}


def step_label(code: str) -> str:
    """The Chinese name of a deadline step (a clue step, a task, a listed item); '' for none. Never the code."""
    if not code:
        return ""
    if code in DeadlineStep.values:
        return str(DeadlineStep(code).label)
    if code in OTHER_STEPS:
        return str(OTHER_STEPS[code])
    # Older records stored the name itself; an unknown code is never shown as such.
    return str(_("其他环节")) if code.isascii() else code


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("未批准")
    WITHDRAWN = "withdrawn", _("已撤回")


EXTENSION_TRANSITIONS: dict[str, frozenset[str]] = {
    ExtensionStatus.PENDING: frozenset(
        {ExtensionStatus.APPROVED, ExtensionStatus.REFUSED, ExtensionStatus.WITHDRAWN}
    ),
}


class ListingLevel(models.TextChoices):
    DISTRICT = "district", _("区县挂牌")
    CITY = "city", _("市级挂牌")
    PROVINCE = "province", _("省级挂牌")
    NATIONAL = "national", _("全国挂牌")


class ListingStatus(models.TextChoices):
    LISTED = "listed", _("督办中")
    LIFTED = "lifted", _("已摘牌")


LISTING_TRANSITIONS: dict[str, frozenset[str]] = {
    ListingStatus.LISTED: frozenset({ListingStatus.LIFTED}),
}


class TaskStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已撤销")


TASK_TRANSITIONS: dict[str, frozenset[str]] = {
    TaskStatus.OPEN: frozenset({TaskStatus.DONE, TaskStatus.CANCELLED}),
    TaskStatus.DONE: frozenset({TaskStatus.OPEN}),
}


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("待召开")
    HELD = "held", _("已召开")
    CANCELLED = "cancelled", _("已取消")


MEETING_TRANSITIONS: dict[str, frozenset[str]] = {
    MeetingStatus.PLANNED: frozenset({MeetingStatus.HELD, MeetingStatus.CANCELLED}),
    MeetingStatus.HELD: frozenset({MeetingStatus.HELD}),  # minutes may be corrected after the meeting
}


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("出席")
    DELEGATED = "delegated", _("委托出席")
    ABSENT = "absent", _("缺席")


class DispatchKind(models.TextChoices):
    """What the worker sends for a deadline (or on behalf of another app)."""

    REMIND = "remind", _("到期提醒")
    URGE = "urge", _("催办")
    ESCALATE_LEADER = "escalate_leader", _("升级至单位负责人")
    ESCALATE_OFFICE = "escalate_office", _("升级至扫黑办")
    NOTICE = "notice", _("通知")
    DIGEST = "digest", _("每日摘要")


class DispatchStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    CLAIMED = "claimed", _("发送中")
    DONE = "done", _("已发送")


class EmailState(models.TextChoices):
    NONE = "", _("不发邮件")
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    DIGEST = "digest", _("并入每日摘要")
    FAILED = "failed", _("发送失败")
