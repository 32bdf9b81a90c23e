"""States of screening drives (集中排查 / 滚动排查), their rounds and the units' returns, written once as data."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DriveKind(models.TextChoices):
    CONCENTRATED = "concentrated", _("集中排查")
    ROLLING = "rolling", _("滚动排查")


class DriveStatus(models.TextChoices):
    ACTIVE = "active", _("进行中")
    CLOSED = "closed", _("已结束")


DRIVE_TRANSITIONS: dict[str, frozenset[str]] = {
    DriveStatus.ACTIVE: frozenset({DriveStatus.CLOSED}),
    DriveStatus.CLOSED: frozenset(),
}


class RoundStatus(models.TextChoices):
    OPEN = "open", _("填报中")
    CLOSED = "closed", _("已截止")


ROUND_TRANSITIONS: dict[str, frozenset[str]] = {
    RoundStatus.OPEN: frozenset({RoundStatus.CLOSED}),
    RoundStatus.CLOSED: frozenset(),
}


class ReturnStatus(models.TextChoices):
    PENDING = "pending", _("待报送")
    FILED = "filed", _("已报送")
    MISSED = "missed", _("未报送")


RETURN_TRANSITIONS: dict[str, frozenset[str]] = {
    # A return is filed once; a round closed before the unit filed leaves it missed (the task records why).
    ReturnStatus.PENDING: frozenset({ReturnStatus.FILED, ReturnStatus.MISSED}),
    ReturnStatus.FILED: frozenset(),
    ReturnStatus.MISSED: frozenset(),
}


class FindingKind(models.TextChoices):
    CLUE = "clue", _("涉黑涉恶线索")
    PROBLEM = "problem", _("行业问题")


class FindingStatus(models.TextChoices):
    REPORTED = "reported", _("待处理")
    REGISTERED = "registered", _("已登记为线索")
    RECTIFYING = "rectifying", _("已列入整改")


FINDING_TRANSITIONS: dict[str, frozenset[str]] = {
    FindingStatus.REPORTED: frozenset({FindingStatus.REGISTERED, FindingStatus.RECTIFYING}),
    FindingStatus.REGISTERED: frozenset(),
    FindingStatus.RECTIFYING: frozenset(),
}


class BoardBucket(models.TextChoices):
    """The columns of a drive's board; each is also a filter of the drive's record lists (drill-down)."""

    FILED = "filed", _("已报送")
    LATE = "late", _("逾期未报")
    CLUES = "clues", _("发现线索")
    TRANSFERRED = "transferred", _("移送线索")
    RECTIFIED = "rectified", _("整改销号")
