"""Messages to reporters through one notifier interface, with backends: the portal thread (anonymous reporters),
email, and SMS through an HTTP gateway. The address is opened from the sealed identity at send time by the
machine and never stored or shown; each use is audited. A failed send stays visible and the worker retries it.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from typing import Protocol

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.clues import permissions as clue_perm
from taizhang.clues.choices import ReporterKind
from taizhang.clues.models import Clue, Reporter
from taizhang.core import audit, sealing
from taizhang.core.actors import WORKER
from taizhang.core.errors import ActionError, NotVisible, PermissionRefused
from taizhang.org.models import User
from taizhang.reviews.choices import MessageChannel, MessageStatus
from taizhang.reviews.models import ReporterMessage

MAX_ATTEMPTS = 5
MAX_BODY = 500


class SendError(Exception):
    """A send that did not go through; the message (Chinese) is shown on the message and retried."""


class Backend(Protocol):
    def send(self, message: ReporterMessage) -> None: ...


def _identity(clue_id: int) -> dict[str, str]:
    reporter = Reporter.objects.filter(clue_id=clue_id).first()
    if reporter is None or reporter.kind != ReporterKind.REAL_NAME or not reporter.sealed_identity:
        raise SendError(_("该线索为匿名举报，只能通过举报平台留言。"))
    try:
        return {str(k): str(v) for k, v in sealing.open_sealed(reporter.sealed_identity).items()}
    except sealing.SealError as exc:
        raise SendError(_("身份信息无法解密，请联系系统管理员。")) from exc


class PortalBackend:
    """The reporter's thread on the portal (the only way to reach an anonymous reporter)."""

    def send(self, message: ReporterMessage) -> None:
        from taizhang.reporters.actions import do_reply_to_reporter

        try:
            do_reply_to_reporter(message.clue_id, actor=message.created_by, body=message.body)
        except ActionError as exc:
            raise SendError(exc.message) from exc


class EmailBackend:
    """Django's configured mail backend, to the address in the sealed identity."""

    def send(self, message: ReporterMessage) -> None:
        address = _identity(message.clue_id).get("email", "")
        if not address:
            raise SendError(_("举报人未留电子邮箱。"))
        try:
            mail.send_mail(_("线索办理情况告知"), message.body, None, [address])
        except (OSError, mail.BadHeaderError) as exc:
            raise SendError(_("邮件发送失败：%(e)s") % {"e": type(exc).__name__}) from exc


class SmsBackend:
    """An HTTP SMS gateway: POST the configured template filled with the phone and text (JSON-escaped)."""

    def send(self, message: ReporterMessage) -> None:
        url = settings.SMS_GATEWAY_URL
        if not url:
            raise SendError(_("未配置短信网关。"))
        phone = _identity(message.clue_id).get("phone", "")
        if not phone:
            raise SendError(_("举报人未留手机号码。"))
        body = settings.SMS_GATEWAY_TEMPLATE.format(phone=json.dumps(phone), text=json.dumps(message.body))
        request = urllib.request.Request(  # noqa: S310 - the administrator configures the gateway URL
            url,
            data=body.encode(),
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8"},
        )
        timeout = settings.SMS_GATEWAY_TIMEOUT
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                status = response.status
        except TimeoutError:
            raise SendError(_("短信网关超时（%(s)s 秒未响应）。") % {"s": timeout}) from None
        except urllib.error.HTTPError as exc:
            raise SendError(_("短信网关返回错误（HTTP %(c)s）。") % {"c": exc.code}) from None
        except (urllib.error.URLError, OSError) as exc:
            if isinstance(getattr(exc, "reason", None), TimeoutError):
                raise SendError(_("短信网关超时（%(s)s 秒未响应）。") % {"s": timeout}) from None
            raise SendError(_("无法连接短信网关。")) from None
        if not 200 <= status < 300:
            raise SendError(_("短信网关返回错误（HTTP %(c)s）。") % {"c": status})


BACKENDS: dict[str, Backend] = {
    MessageChannel.PORTAL: PortalBackend(),
    MessageChannel.EMAIL: EmailBackend(),
    MessageChannel.SMS: SmsBackend(),
}


LEASE = dt.timedelta(minutes=10)


def due_q(now: dt.datetime) -> Q:
    """Messages to try now: queued or failed and due, or held by a sender whose lease ran out."""
    waiting = Q(status__in=(MessageStatus.QUEUED, MessageStatus.FAILED)) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    return waiting | Q(status=MessageStatus.SENDING, next_attempt_at__lte=now)


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next try: 5, 10, 20, 40 minutes."""
    return dt.timedelta(minutes=5 * 2 ** max(0, attempts - 1))


@transaction.atomic
def _queue(clue_id: int, *, actor: User, channel: str, body: str) -> ReporterMessage:
    clue = Clue.objects.visible_to(actor).select_related("office").filter(pk=clue_id).first()
    if clue is None:
        raise NotVisible()
    if not clue_perm.can_manage(actor, clue):
        raise PermissionRefused(_("只有扫黑办工作人员可以联系举报人。"))
    if channel not in MessageChannel.values:
        raise ActionError("invalid_channel", _("请选择发送方式。"))
    body = (body or "").strip()
    if not body:
        raise ActionError("required", _("消息内容不能为空。"))
    if len(body) > MAX_BODY:
        raise ActionError("too_long", _("消息内容不能超过 %(n)s 字。") % {"n": MAX_BODY})
    message = ReporterMessage.objects.create(clue=clue, channel=channel, body=body, created_by=actor)
    audit.record(
        "reporter.message_queue", actor=actor, obj=clue, after={"message": message.pk, "channel": channel}
    )
    return message


def do_send_to_reporter(clue_id: int, *, actor: User, channel: str, body: str) -> ReporterMessage:
    """Queue a message to the reporter and try it at once (outside the transaction: no lock held over HTTP)."""
    message = _queue(clue_id, actor=actor, channel=channel, body=body)
    attempt(message.pk, timezone.now())
    message.refresh_from_db()
    return message


def attempt(message_id: int, now: dt.datetime) -> bool | None:
    """Send one queued or due message; None when another worker holds it or it is not due."""
    # The claim is a lease: a worker that dies while sending leaves the message SENDING until `next_attempt_at`,
    # after which the next pass takes it again (at least once, like email).
    claimed = (
        ReporterMessage.objects.filter(pk=message_id)
        .filter(due_q(now))
        .update(status=MessageStatus.SENDING, next_attempt_at=now + LEASE)
    )
    if not claimed:
        return None
    message = ReporterMessage.objects.select_related("created_by").get(pk=message_id)
    try:
        BACKENDS[message.channel].send(message)
    except SendError as exc:
        message.attempts += 1
        message.last_error = str(exc)[:200]
        message.status = MessageStatus.GAVE_UP if message.attempts >= MAX_ATTEMPTS else MessageStatus.FAILED
        message.next_attempt_at = (
            None if message.status == MessageStatus.GAVE_UP else now + backoff(message.attempts)
        )
        ok = False
    else:
        message.attempts += 1
        message.status, message.sent_at, message.last_error, message.next_attempt_at = (
            MessageStatus.SENT,
            now,
            "",
            None,
        )
        ok = True
    with transaction.atomic():
        message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at", "sent_at"])
        audit.record(
            "reporter.message_sent" if ok else "reporter.message_failed",
            actor=WORKER,
            object_type="clues.clue",
            object_id=message.clue_id,
            after={"message": message.pk, "channel": message.channel, "error": message.last_error},
        )
    return ok


def retry_failed(now: dt.datetime) -> int:
    """Worker job: try again every failed (or never tried) message that is due."""
    due = ReporterMessage.objects.filter(due_q(now))
    sent = 0
    for pk in list(due.values_list("pk", flat=True)[:200]):
        if attempt(pk, now):
            sent += 1
    return sent
