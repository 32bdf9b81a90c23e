"""Staff actions about a clue's reporter: reveal the sealed identity, talk to the reporter, record feedback."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.clues.choices import ReporterKind
from taizhang.clues.models import Clue, Reporter
from taizhang.core import audit, sealing
from taizhang.core.actors import SYSTEM
from taizhang.core.errors import ActionError, NotVisible, PermissionRefused
from taizhang.core.signals import emit_on_commit
from taizhang.core.workflow import check_transition, check_version
from taizhang.org.actors import Actor
from taizhang.org.models import User
from taizhang.portal.choices import Sender
from taizhang.portal.models import Message, Receipt
from taizhang.reporters import permissions as perm
from taizhang.reporters.choices import FEEDBACK_TRANSITIONS, FeedbackMethod, FeedbackStatus
from taizhang.reporters.models import FeedbackRecord

MIN_REASON = 5


def _visible_clue(clue_id: int, actor: Actor, *, lock: bool = False) -> Clue:
    qs = Clue.objects.visible_to(actor).select_related("office")
    if lock:
        # Serialise writers on one clue (a reply and a released outcome land in the order they happened).
        qs = qs.select_for_update(of=("self",))
    clue = qs.filter(pk=clue_id).first()
    if clue is None:
        raise NotVisible()
    return clue


def _refuse_reveal(clue: Clue, actor: Actor, reason: str, why: str) -> None:
    # A refused attempt is logged in its own transaction (the caller's is about to roll back).
    with transaction.atomic():
        audit.record(
            "reporter.reveal_refused", actor=actor, obj=clue, reason=reason[:500], after={"why": why}
        )


def do_reveal_identity(clue_id: int, *, actor: Actor, reason: str, second_factor: bool) -> dict[str, str]:
    """Open a sealed reporter identity for an identity custodian who states a reason; always audited."""
    clue = _visible_clue(clue_id, actor)
    reason = (reason or "").strip()
    if not perm.is_custodian(actor):
        _refuse_reveal(clue, actor, reason, "not_custodian")
        raise PermissionRefused(_("只有身份信息保管人可以查看举报人身份。"))
    if perm.custodian_needs_2fa() and not second_factor:
        _refuse_reveal(clue, actor, reason, "no_second_factor")
        raise PermissionRefused(_("查看举报人身份须先通过双因素认证（接口令牌不能用于查看身份）。"))
    if len(reason) < MIN_REASON:
        raise ActionError(
            "reason_required", _("请说明查看举报人身份的理由（至少 %(n)s 个字）。") % {"n": MIN_REASON}
        )
    reporter = Reporter.objects.filter(clue=clue).first()
    if reporter is None or reporter.kind != ReporterKind.REAL_NAME or not reporter.sealed_identity:
        raise ActionError("no_identity", _("该线索为匿名举报，没有可查看的身份信息。"))
    try:
        identity = sealing.open_sealed(reporter.sealed_identity)
    except sealing.SealError as exc:
        raise ActionError(
            "seal_error", _("身份信息无法解密（密钥缺失或数据被改动），请联系系统管理员。")
        ) from exc
    with transaction.atomic():
        # The audit row names who, when and why — never the identity itself.
        audit.record(
            "reporter.reveal",
            actor=actor,
            obj=clue,
            reason=reason[:1000],
            after={"key_id": sealing.sealed_key_id(reporter.sealed_identity)},
        )
    emit_on_commit(model="clues.clue", object_id=clue.pk, action="reporter.reveal", actor=actor)
    return {str(k): str(v) for k, v in identity.items()}


@transaction.atomic
def do_reply_to_reporter(clue_id: int, *, actor: User, body: str) -> Message:
    """A message from the office to the reporter, shown in the reporter's thread on the portal."""
    clue = _visible_clue(clue_id, actor, lock=True)
    if not perm.can_talk_to_reporter(actor, clue):
        raise PermissionRefused(_("只有扫黑办工作人员可以回复举报人。"))
    if not Receipt.objects.filter(clue=clue).exists():
        raise ActionError("no_receipt", _("该线索不是通过举报平台提交的，无法在线回复。"))
    body = (body or "").strip()
    if not body:
        raise ActionError("required", _("回复内容不能为空。"))
    if len(body) > 5000:
        raise ActionError("too_long", _("回复内容不能超过 5000 字。"))
    now = timezone.now()
    message = Message.objects.create(clue=clue, sender=Sender.OFFICE, body=body, author=actor, created_at=now)
    # Replying means the reporter's messages so far have been read.
    Message.objects.filter(clue=clue, sender=Sender.REPORTER, read_at__isnull=True).update(read_at=now)
    audit.record("reporter.reply", actor=actor, obj=clue, after={"message": message.pk, "body": body[:500]})
    emit_on_commit(model="clues.clue", object_id=clue.pk, action="reporter.reply", actor=actor)
    return message


@transaction.atomic
def do_mark_messages_read(clue_id: int, *, actor: Actor) -> int:
    """Mark the reporter's messages on a clue read (they leave the staff home page)."""
    clue = _visible_clue(clue_id, actor)
    if not perm.can_talk_to_reporter(actor, clue):
        raise PermissionRefused()
    return Message.objects.filter(clue=clue, sender=Sender.REPORTER, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def do_release_outcome(clue_id: int, *, actor: Actor, text: str) -> Receipt:
    """Set the outcome wording the reporter sees on the portal (the office chooses what to release)."""
    clue = _visible_clue(clue_id, actor, lock=True)
    if not perm.can_talk_to_reporter(actor, clue):
        raise PermissionRefused()
    receipt = Receipt.objects.select_for_update().filter(clue=clue).first()
    if receipt is None:
        raise ActionError("no_receipt", _("该线索不是通过举报平台提交的。"))
    before = {"released_outcome": receipt.released_outcome}
    receipt.released_outcome = (text or "").strip()[:2000]
    receipt.released_at = timezone.now() if receipt.released_outcome else None
    receipt.save(update_fields=["released_outcome", "released_at"])
    audit.record(
        "reporter.release_outcome",
        actor=actor,
        obj=clue,
        before=before,
        after={"released_outcome": receipt.released_outcome},
    )
    return receipt


@transaction.atomic
def do_open_feedback(clue_id: int, *, actor: Actor = SYSTEM) -> FeedbackRecord | None:
    """Record that feedback is due to a real-name reporter (called when the clue is concluded)."""
    reporter = Reporter.objects.filter(clue_id=clue_id).first()
    if reporter is None or reporter.kind != ReporterKind.REAL_NAME:
        return None
    record, created = FeedbackRecord.objects.select_for_update().get_or_create(clue_id=clue_id)
    if not created and record.status != FeedbackStatus.GIVEN:
        return record
    if not created:
        # Concluded again after a reopen: the reporter is owed feedback on the new outcome.
        record.status, record.method, record.note, record.given_at, record.given_by = (
            FeedbackStatus.DUE,
            "",
            "",
            None,
            None,
        )
        record.due_since = timezone.now()
        record.version += 1
        record.save(
            update_fields=["status", "method", "note", "given_at", "given_by", "due_since", "version"]
        )
    audit.record("reporter.feedback_due", actor=actor, object_type="clues.clue", object_id=clue_id)
    return record


@transaction.atomic
def do_record_feedback(
    clue_id: int,
    *,
    actor: Actor,
    method: str,
    note: str,
    status: str = FeedbackStatus.GIVEN,
    version: int | None = None,
) -> FeedbackRecord:
    """Record how feedback was given to the reporter (phone, SMS, in person, via the portal) or that it failed."""
    clue = _visible_clue(clue_id, actor)
    if not perm.can_talk_to_reporter(actor, clue):
        raise PermissionRefused()
    # Two people recording the same feedback: the second sees the first's result (version / transition).
    record = FeedbackRecord.objects.select_for_update().filter(clue=clue).first()
    if record is None:
        raise ActionError("not_due", _("该线索没有待反馈事项。"))
    check_version(record, version, ["status", "method", "note"])
    check_transition(FEEDBACK_TRANSITIONS, record.status, status, labels=FeedbackStatus)
    if status == FeedbackStatus.GIVEN and method not in FeedbackMethod.values:
        raise ActionError("invalid_method", _("请选择反馈方式。"))
    before = audit.snapshot(record, ["status", "method", "note"])
    record.status, record.method, record.note = (
        status,
        method if method in FeedbackMethod.values else "",
        note.strip(),
    )
    record.given_at, record.given_by = timezone.now(), actor
    record.version += 1
    record.save(update_fields=["status", "method", "note", "given_at", "given_by", "version"])
    audit.record(
        "reporter.feedback",
        actor=actor,
        obj=clue,
        before=before,
        after=audit.snapshot(record, ["status", "method", "note"]),
    )
    return record
