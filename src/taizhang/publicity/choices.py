"""Vocabularies of typical cases, publicity activities and surveys, with their transition maps."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TypicalStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已审定")


TYPICAL_TRANSITIONS: dict[str, frozenset[str]] = {
    TypicalStatus.DRAFT: frozenset({TypicalStatus.APPROVED}),
    TypicalStatus.APPROVED: frozenset({TypicalStatus.DRAFT}),
}


class ActivityKind(models.TextChoices):
    MEETING = "meeting", _("宣讲会、动员会")
    BANNER = "banner", _("横幅、标语、展板")
    MEDIA = "media", _("媒体报道")
    NEW_MEDIA = "new_media", _("新媒体推文")
    OTHER = "other", _("其他宣传活动")


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("未开始")
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


SURVEY_TRANSITIONS: dict[str, frozenset[str]] = {
    SurveyStatus.DRAFT: frozenset({SurveyStatus.OPEN}),
    SurveyStatus.OPEN: frozenset({SurveyStatus.CLOSED}),
    SurveyStatus.CLOSED: frozenset(),
}


class QuestionKind(models.TextChoices):
    LIKERT = "likert", _("满意度（五级）")
    CHOICE = "choice", _("单项选择")


# The five-point scale; 4 and 5 count as satisfied (安全 / 满意).
LIKERT = [(5, _("非常满意")), (4, _("满意")), (3, _("一般")), (2, _("不满意")), (1, _("非常不满意"))]
SATISFIED_FROM = 4


class Channel(models.TextChoices):
    PORTAL = "portal", _("网上填答")
    PAPER = "paper", _("纸质问卷")
    PHONE = "phone", _("电话调查")
