"""What the worker must send (dispatches, claimed with a lease) and what people receive (notifications)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from taizhang.org.visibility import Scope, VisibleQuerySet
from taizhang.supervision.choices import DispatchKind, DispatchStatus, EmailState

USER = settings.AUTH_USER_MODEL


class Dispatch(models.Model):
    """One thing to send, planned once under a unique key; claimed with an expiring lease, then marked done.

    A worker that dies after claiming leaves the lease to expire and another worker delivers it; the
    notifications it creates are unique per (person, key), so delivering twice writes nothing new.
    """

    # Unique through Meta.constraints: a plain unique index (unique=True adds a second, LIKE-pattern one).
    key = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=DispatchKind.choices)
    # Everything delivery needs: recipients, title, body, url, and for urging the notice's fields.
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=DispatchStatus.choices, default=DispatchStatus.PENDING)
    due_at = models.DateTimeField()
    lease_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=80, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("督办发送任务")
        verbose_name_plural = _("督办发送任务")
        constraints = [models.UniqueConstraint(fields=["key"], name="dispatch_key")]
        indexes = [
            # Only undelivered rows are ever scanned; the partial index stays small however many are done.
            models.Index(
                fields=["status", "due_at"],
                name="dispatch_undone",
                condition=Q(status__in=["pending", "claimed"]),
            )
        ]

    def __str__(self) -> str:
        return self.key


class NotificationQuerySet(VisibleQuerySet):
    """A person sees only their own notifications."""

    rule_reads_person = True

    @staticmethod
    def visibility_q(scope: Scope) -> Q:
        return Q(user_id=scope.user_id)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message to one person (inbox, and email at once or in the daily digest), unique per person and event key."""

    # No index of its own: (user, key) and (user, read_at) both start with it (the worker inserts many rows).
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="notifications", db_index=False)
    key = models.CharField(max_length=200)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    # The record the message is about (a clue, a task...): the visibility rule decides, at send time and again
    # at display time, whether the person may still read anything of it (supervision/audience.py).
    target_type = models.ForeignKey(
        "contenttypes.ContentType",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    # Read per person only, through (user, read_at); no index of its own.
    created_at = models.DateTimeField(_("时间"))
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    email_state = models.CharField(max_length=10, choices=EmailState.choices, blank=True, default="")
    email_lease_until = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_user_key")]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_user_unread"),
            models.Index(fields=["target_type", "target_id"], name="notification_target"),
            models.Index(
                fields=["email_state", "id"],
                name="notification_email_todo",
                condition=Q(email_state__in=["pending", "digest"]),
            ),
        ]

    def __str__(self) -> str:
        return self.title
