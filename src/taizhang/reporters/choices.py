"""Vocabularies of the staff side of reporters: how feedback (反馈) was given, and its state."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FeedbackMethod(models.TextChoices):
    PHONE = "phone", _("电话")
    SMS = "sms", _("短信")
    IN_PERSON = "in_person", _("当面")
    PORTAL = "portal", _("举报平台留言")
    LETTER = "letter", _("书面")


class FeedbackStatus(models.TextChoices):
    DUE = "due", _("待反馈")
    GIVEN = "given", _("已反馈")
    UNREACHABLE = "unreachable", _("无法联系")


# Allowed transitions of a feedback record, written once as data.
FEEDBACK_TRANSITIONS: dict[str, frozenset[str]] = {
    FeedbackStatus.DUE: frozenset({FeedbackStatus.GIVEN, FeedbackStatus.UNREACHABLE}),
    FeedbackStatus.UNREACHABLE: frozenset({FeedbackStatus.GIVEN, FeedbackStatus.UNREACHABLE}),
    FeedbackStatus.GIVEN: frozenset(),
}
