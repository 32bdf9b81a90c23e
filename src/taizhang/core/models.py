"""Models shared by every app: the append-only audit log and base classes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One row of the append-only, hash-chained audit log: who did what to which record, before and after."""

    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人名称"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=80, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=80, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    reason = models.TextField(_("事由"), blank=True)
    request_id = models.CharField(_("请求编号"), max_length=32, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # 1: plain SHA-256 (rows written before the chain was keyed); 2: HMAC-SHA256 with the audit key, which is
    # kept outside the database (core/audit_key.py). Rows are verified by their own version.
    chain_version = models.PositiveSmallIntegerField(default=1)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计日志")
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id", "id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("audit entries are append-only")


class AuditHead(models.Model):
    """The single row that remembers the newest audit entry, so removing the tail of the chain is detected."""

    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("审计链头")

    def __str__(self) -> str:
        return f"{self.last_id}:{self.last_hash[:12]}"


class Versioned(models.Model):
    """Base for records edited by several people: actions compare `version` to refuse lost updates."""

    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        abstract = True
