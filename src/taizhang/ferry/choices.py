"""Vocabularies of the ferry: which way a package went and what became of it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    OUT = "out", _("发出")
    IN = "in", _("接收")


class Outcome(models.TextChoices):
    WRITTEN = "written", _("已生成")
    APPLIED = "applied", _("已导入")
    REFUSED = "refused", _("已拒收")
