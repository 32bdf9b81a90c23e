"""States of letters (三书一函), problem lists and measures, and their transitions, written once as data."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LetterStatus(models.TextChoices):
    ISSUED = "issued", _("待回复")
    RECTIFYING = "rectifying", _("整改中")
    RECTIFIED = "rectified", _("已整改")


LETTER_TRANSITIONS: dict[str, frozenset[str]] = {
    # A reply names the measures; a reply saying the loophole is already closed rectifies at once.
    LetterStatus.ISSUED: frozenset({LetterStatus.RECTIFYING, LetterStatus.RECTIFIED}),
    LetterStatus.RECTIFYING: frozenset({LetterStatus.RECTIFIED}),
    LetterStatus.RECTIFIED: frozenset({LetterStatus.RECTIFYING}),  # a measure sent back reopens it
}


class ListSource(models.TextChoices):
    INSPECTION_TEAM = "inspection_team", _("督导组反馈")
    LETTER = "letter", _("三书一函")
    SPECIAL_CHECK = "special_check", _("专项检查")
    SELF_CHECK = "self_check", _("自查")


class MeasureStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("整改中")
    REQUESTED = "requested", _("待审核销号")
    SIGNED_OFF = "signed_off", _("已销号")


MEASURE_TRANSITIONS: dict[str, frozenset[str]] = {
    MeasureStatus.IN_PROGRESS: frozenset({MeasureStatus.REQUESTED}),
    MeasureStatus.REQUESTED: frozenset({MeasureStatus.SIGNED_OFF, MeasureStatus.IN_PROGRESS}),
    MeasureStatus.SIGNED_OFF: frozenset(),
}
OPEN_MEASURE_STATUSES = frozenset({MeasureStatus.IN_PROGRESS, MeasureStatus.REQUESTED})


class LetterBucket(models.TextChoices):
    """The columns of the letters board; each is also a filter of the letter list (drill-down)."""

    ISSUED = "issued", _("已发出")
    REPLIED = "replied", _("已回复")
    RECTIFIED = "rectified", _("已整改")
    OVERDUE = "overdue", _("逾期未复")
