"""The ferry's own records, on both sites: every package written, applied or refused, and the send cursors.

No foreign key to anything else: the same tables exist on the portal site, which holds nothing of the ledger.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taizhang.ferry.choices import Direction, Outcome


class PackageLog(models.Model):
    """One package this site wrote, applied or refused (its sequence, digest, counts and, if refused, why)."""

    direction = models.CharField(_("方向"), max_length=3, choices=Direction.choices)
    kind = models.CharField(max_length=40)
    peer = models.CharField(_("对方站点"), max_length=60)
    # None when a refused file was too broken to name its number.
    sequence = models.PositiveIntegerField(_("序号"), null=True, blank=True)
    digest = models.CharField(_("摘要"), max_length=64, blank=True)
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices)
    reason = models.TextField(_("原因"), blank=True)
    counts = models.JSONField(default=dict)
    file_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("摆渡数据包")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Exactly once: a sequence from a peer is applied (or written) at most once.
            models.UniqueConstraint(
                fields=["direction", "peer", "sequence"],
                condition=~models.Q(outcome="refused"),
                name="ferry_package_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.peer} #{self.sequence}"


class Cursor(models.Model):
    """A high-water mark of what has been sent (e.g. the last office reply id in a reverse package)."""

    name = models.CharField(max_length=60, unique=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class SentState(models.Model):
    """What the portal was last told about one report (a digest of status and released wording)."""

    ref = models.CharField(max_length=32, unique=True)
    digest = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.ref
