"""States of look-back reviews (研判评查 / 回头看), call-backs (回访) and messages to reporters, written once."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignStatus(models.TextChoices):
    REVIEWING = "reviewing", _("评查中")
    CLOSED = "closed", _("已签批结束")


CAMPAIGN_TRANSITIONS: dict[str, frozenset[str]] = {
    CampaignStatus.REVIEWING: frozenset({CampaignStatus.CLOSED}),
    CampaignStatus.CLOSED: frozenset(),
}


class Sampling(models.TextChoices):
    ALL = "all", _("全部评查")
    SHARE = "share", _("按单位分层抽取比例")
    COUNT = "count", _("按单位分层抽取数量")


class SelectionReason(models.TextChoices):
    FINDING = "finding", _("查否或无法核实")
    REPEAT = "repeat", _("办结后被重复举报")
    DISSATISFIED = "dissatisfied", _("回访不满意")


class Verdict(models.TextChoices):
    PENDING = "pending", _("待评查")
    UPHELD = "upheld", _("维持")
    CORRECTED = "corrected", _("纠正")


VERDICT_TRANSITIONS: dict[str, frozenset[str]] = {
    Verdict.PENDING: frozenset({Verdict.UPHELD, Verdict.CORRECTED}),
    Verdict.UPHELD: frozenset(),
    Verdict.CORRECTED: frozenset(),
}


class CallbackOutcome(models.TextChoices):
    PENDING = "pending", _("待回访")
    SATISFIED = "satisfied", _("满意")
    MOSTLY = "mostly", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")
    UNREACHABLE = "unreachable", _("联系不上")


CALLBACK_TRANSITIONS: dict[str, frozenset[str]] = {
    CallbackOutcome.PENDING: frozenset(
        {
            CallbackOutcome.SATISFIED,
            CallbackOutcome.MOSTLY,
            CallbackOutcome.DISSATISFIED,
            CallbackOutcome.UNREACHABLE,
        }
    ),
    # Not reached the first time: tried again later, with the outcome of that call.
    CallbackOutcome.UNREACHABLE: frozenset(
        {
            CallbackOutcome.SATISFIED,
            CallbackOutcome.MOSTLY,
            CallbackOutcome.DISSATISFIED,
            CallbackOutcome.UNREACHABLE,
        }
    ),
    CallbackOutcome.SATISFIED: frozenset(),
    CallbackOutcome.MOSTLY: frozenset(),
    CallbackOutcome.DISSATISFIED: frozenset(),
}
# Outcomes of a reporter reached: the denominator of the satisfaction rate.
REACHED = (CallbackOutcome.SATISFIED, CallbackOutcome.MOSTLY, CallbackOutcome.DISSATISFIED)
CONTENT = (CallbackOutcome.SATISFIED, CallbackOutcome.MOSTLY)


class MessageChannel(models.TextChoices):
    PORTAL = "portal", _("举报平台留言")
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败，待重试")
    GAVE_UP = "gave_up", _("多次失败，已停止重试")


MESSAGE_TRANSITIONS: dict[str, frozenset[str]] = {
    MessageStatus.QUEUED: frozenset({MessageStatus.SENDING}),
    MessageStatus.SENDING: frozenset({MessageStatus.SENT, MessageStatus.FAILED, MessageStatus.GAVE_UP}),
    MessageStatus.FAILED: frozenset({MessageStatus.SENDING}),
    MessageStatus.SENT: frozenset(),
    MessageStatus.GAVE_UP: frozenset(),
}
