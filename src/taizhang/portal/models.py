"""The public portal's records: receipts, the message thread with the office, and short-lived abuse counters.

Nothing here stores an IP address, user agent or other network detail; the abuse counters (a keyed hash per
client, living for one window, never linked to a report) are gate.RateCounter and gate.SpentChallenge.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taizhang.clues.models import Attachment, Clue
from taizhang.portal.choices import Sender


class Receipt(models.Model):
    """A reporter's key to one report: a random 16-digit code and an argon2id hash of their passphrase."""

    clue = models.OneToOneField(Clue, on_delete=models.CASCADE, related_name="receipt")
    # Random (secrets), unique, and unrelated to the clue's number or id.
    code = models.CharField(_("回执码"), max_length=16, unique=True)
    passphrase_hash = models.CharField(max_length=200)
    # Wording about the outcome that the office chose to release to the reporter (empty = nothing released).
    released_outcome = models.TextField(_("向举报人公开的办理结果"), blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    # A report that came over the ferry from a separate portal site: `code` then holds the portal's reference
    # (never the receipt code, which stays on the internet side), `passphrase_hash` is empty (it never opens
    # here), and replies and status go back sealed to this X25519 public key of the reporter (hex).
    reporter_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("举报回执")
        verbose_name_plural = _("举报回执")

    def __str__(self) -> str:
        return f"{self.clue_id}"


class Message(models.Model):
    """One message in the thread between a reporter and the office about a portal report."""

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="portal_messages")
    sender = models.CharField(_("发送方"), max_length=10, choices=Sender.choices)
    body = models.TextField(_("内容"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # When office staff marked a reporter's message read (unread ones show on the staff home page).
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("举报沟通消息")
        verbose_name_plural = _("举报沟通消息")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["sender", "read_at", "clue"], name="portal_msg_unread")]

    def __str__(self) -> str:
        return f"{self.clue_id} {self.sender}"


class MessageFile(models.Model):
    """A file a reporter added with a follow-up message (the file itself is a clue attachment)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="files")
    attachment = models.OneToOneField(Attachment, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("消息附件")

    def __str__(self) -> str:
        return f"{self.message_id}/{self.attachment_id}"
