"""What the public portal changes: a report (clue + receipt in one transaction) and follow-up messages.

The portal calls the clue ledger only through `do_register_clue` with the system actor "portal"; it never sees
a staff user and stores no network detail about the person submitting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang import conf
from taizhang.clues.actions import ReporterData, SubjectData, do_register_clue
from taizhang.clues.choices import Channel, ReporterKind
from taizhang.clues.models import Attachment, Clue
from taizhang.core import audit, files
from taizhang.core.actors import PORTAL, SystemActor
from taizhang.core.errors import ActionError
from taizhang.core.signals import emit_on_commit
from taizhang.org.choices import UnitKind
from taizhang.org.models import Sector, Unit
from taizhang.portal import abuse, credentials
from taizhang.portal.choices import Sender
from taizhang.portal.models import Message, MessageFile, Receipt
from taizhang.portal.uploads import CleanFile


@dataclass
class Submission:
    """A report as the public filled it in, in the 12337 structure."""

    summary: str
    facts: str
    happened_when: str = ""
    place: str = ""
    subjects: list[SubjectData] = field(default_factory=list)
    umbrella_details: str = ""
    sector: Sector | None = None
    reporter: ReporterData = field(default_factory=ReporterData)

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Submission:
        """A report from the form's plain-JSON payload (the same on the combined site and off the ferry)."""
        reporter = payload.get("reporter") or {}
        code = payload.get("sector") or ""
        return cls(
            summary=str(payload.get("summary", ""))[:100],
            facts=str(payload.get("facts", "")),
            happened_when=str(payload.get("happened_when", "")),
            place=str(payload.get("place", "")),
            subjects=[
                SubjectData(
                    name=str(s.get("name", "")),
                    kind=str(s.get("kind") or "person"),
                    position=str(s.get("position", "")),
                    unit_name=str(s.get("unit_name", "")),
                    is_official=bool(s.get("is_official")),
                )
                for s in payload.get("subjects", [])
            ],
            umbrella_details=str(payload.get("umbrella_details", "")),
            sector=Sector.objects.filter(code=code, is_active=True).first() if code else None,
            reporter=ReporterData(
                kind=str(reporter.get("kind") or ReporterKind.ANONYMOUS),
                identity={str(k): str(v) for k, v in (reporter.get("identity") or {}).items()},
                wants_feedback=bool(reporter.get("wants_feedback")),
            ),
        )


@dataclass(frozen=True)
class IssuedReceipt:
    """What the reporter is shown once: the code and the passphrase in clear (never stored)."""

    receipt: Receipt
    code: str
    passphrase: str


def intake_office() -> Unit:
    """The office whose intake queue receives portal reports: settings.PORTAL_INTAKE_OFFICE (a code) or the root.

    Read on every submission (one indexed query, nothing next to the passphrase hash): a cached office could
    outlive the row it names.
    """
    code = getattr(settings, "PORTAL_INTAKE_OFFICE", "") or conf.env_str("TAIZHANG_PORTAL_OFFICE")
    qs = Unit.objects.filter(kind=UnitKind.OFFICE, is_active=True)
    office = qs.filter(code=code).first() if code else qs.filter(parent__isnull=True).order_by("id").first()
    if office is None:
        raise ActionError("no_office", _("举报平台暂未开通，请通过其他渠道反映。"))
    return office


def prepare_passphrase(chosen: str) -> tuple[str, str]:
    """(passphrase, argon2id hash): the chosen one if long enough, else a generated one. Slow by design."""
    chosen = credentials.normalise_passphrase(chosen)
    if chosen and len(chosen) < credentials.MIN_CHOSEN_LENGTH:
        raise ActionError(
            "weak_passphrase",
            _("自设查询密码至少 %(n)s 个字符；也可以留空，由系统生成。")
            % {"n": credentials.MIN_CHOSEN_LENGTH},
        )
    passphrase = chosen or credentials.new_passphrase()
    return passphrase, credentials.hash_passphrase(passphrase)


def _compose_facts(sub: Submission) -> str:
    parts = []
    if sub.happened_when.strip():
        parts.append(_("【发生时间】%(v)s") % {"v": sub.happened_when.strip()})
    if sub.place.strip():
        parts.append(_("【发生地点】%(v)s") % {"v": sub.place.strip()})
    parts.append(_("【主要事实】%(v)s") % {"v": sub.facts.strip()})
    if sub.umbrella_details.strip():
        parts.append(_("【“保护伞”情况】%(v)s") % {"v": sub.umbrella_details.strip()})
    return "\n".join(parts)


def store_all(clean: list[CleanFile]) -> list[files.StoredFile]:
    return [files.store([item.data]) for item in clean]


def forget_unreferenced(stored: list[files.StoredFile]) -> None:
    # After a rolled-back transaction no row points at these blobs; remove them so nothing is left behind.
    for item in stored:
        if not Attachment.objects.filter(sha256=item.sha256).exists():
            files.delete(item.storage_path)


def _attach(clue: Clue, clean: list[CleanFile], stored: list[files.StoredFile]) -> list[Attachment]:
    rows = attachment_rows(clue, clean, stored)
    for row in rows:
        row.save()
    return rows


def attachment_rows(clue: Clue, clean: list[CleanFile], stored: list[files.StoredFile]) -> list[Attachment]:
    """A reporter's files as unsaved attachment rows of the clue."""
    now = timezone.now()
    return [
        Attachment(
            clue=clue,
            original_name=item.name,
            content_type=item.content_type,
            size=blob.size,
            sha256=blob.sha256,
            storage_path=blob.storage_path,
            uploaded_by=None,
            uploaded_at=now,
            from_reporter=True,
        )
        for item, blob in zip(clean, stored, strict=True)
    ]


def _issue_receipt(clue: Clue, code: str, passphrase_hash: str) -> Receipt:
    # No query to check the code first: the unique index refuses a collision (about one in 10^16 per
    # receipt issued), and the caller then retries the whole submission with a fresh code.
    return Receipt.objects.create(clue=clue, code=code, passphrase_hash=passphrase_hash)


def do_submit_report(
    sub: Submission,
    *,
    passphrase: str,
    passphrase_hash: str,
    attachments: list[CleanFile],
    challenge_nonce: str,
    actor: SystemActor = PORTAL,
) -> IssuedReceipt:
    """Register a public report and issue its receipt, all or nothing (no receipt without a clue, or the reverse)."""
    check_submission(sub)
    stored = store_all(attachments)
    try:
        for attempt in range(1, 4):
            code = credentials.new_receipt_code()
            try:
                with transaction.atomic():
                    abuse.spend_challenge(challenge_nonce)
                    clue = register_report(
                        sub, attachments=attachments, stored=stored, received_at=timezone.now(), actor=actor
                    )
                    receipt = _issue_receipt(clue, code, passphrase_hash)
            except IntegrityError:
                if attempt < 3 and Receipt.objects.filter(code=code).exists():
                    continue  # the random code was taken: everything rolled back, try again with another
                raise
            return IssuedReceipt(receipt=receipt, code=code, passphrase=passphrase)
        raise ActionError("busy", _("系统繁忙，请稍后重试。"))  # pragma: no cover - three collisions in a row
    except BaseException:
        forget_unreferenced(stored)
        raise


def check_submission(sub: Submission) -> None:
    """What every public report needs (the form checks it too; the ferry's import checks it again)."""
    if not [s for s in sub.subjects if s.name.strip()]:
        raise ActionError("required", _("请至少填写一个被举报人或被举报单位。"))
    if sub.reporter.kind == ReporterKind.REAL_NAME and not sub.reporter.identity.get("name", "").strip():
        raise ActionError("required", _("实名举报请填写您的姓名；不愿留名可选择匿名举报。"))


def report_fields(sub: Submission, *, received_at: dt.datetime, channel: str) -> dict[str, Any]:
    """What a public report registers as (clues.actions.prepare_registration's fields, office and actor aside):
    one rule for the combined site's single registration and the ferry's bulk import."""
    check_submission(sub)
    subjects = [s for s in sub.subjects if s.name.strip()]
    return {
        "channel": channel,
        "received_at": received_at,
        "summary": sub.summary,
        "facts": _compose_facts(sub),
        "subjects": subjects,
        "sector": sub.sector,
        "place": sub.place.strip()[:120],
        "alleges_umbrella": bool(sub.umbrella_details.strip()) or any(s.is_official for s in subjects),
        "reporter": sub.reporter,
    }


def register_report(
    sub: Submission,
    *,
    attachments: list[CleanFile],
    stored: list[files.StoredFile],
    received_at: dt.datetime,
    channel: str = Channel.PORTAL,
    actor: SystemActor = PORTAL,
) -> Clue:
    """The clue a public report becomes, with its files (the combined site; the ferry registers in bulk).

    The caller holds the transaction; duplicates are shown to staff as for any registration.
    """
    clue = do_register_clue(
        actor=actor, office=intake_office(), **report_fields(sub, received_at=received_at, channel=channel)
    )
    _attach(clue, attachments, stored)
    return clue


def find_receipt(code: str, passphrase: str) -> Receipt | None:
    """The receipt if code and passphrase match; an unknown code costs the same hash time and answers the same."""
    receipt = Receipt.objects.select_related("clue").filter(code=credentials.normalise_code(code)).first()
    stored = receipt.passphrase_hash if receipt else None
    # Verified whether the receipt exists or not (on a dummy hash when not): both answers take the same time.
    if not credentials.verify_passphrase(stored, passphrase) or receipt is None:
        return None
    if credentials.needs_rehash(receipt.passphrase_hash):
        _upgrade_hash(receipt, passphrase)
    return receipt


def _upgrade_hash(receipt: Receipt, passphrase: str) -> None:
    # A hash made under an older (weaker) profile is replaced by one under the current profile, now that the
    # passphrase is known to be right; only if nobody replaced it meanwhile.
    new_hash = credentials.hash_passphrase(passphrase)
    Receipt.objects.filter(pk=receipt.pk, passphrase_hash=receipt.passphrase_hash).update(
        passphrase_hash=new_hash
    )
    receipt.passphrase_hash = new_hash


@transaction.atomic
def do_add_reporter_message(
    receipt_id: int, *, body: str, attachments: list[CleanFile], actor: SystemActor = PORTAL
) -> Message:
    """The reporter adds information (and files) to their report; the office sees it as unread."""
    body = (body or "").strip()
    if not body and not attachments:
        raise ActionError("required", _("请填写补充内容或选择附件。"))
    if len(body) > 5000:
        raise ActionError("too_long", _("补充内容不能超过 5000 字。"))
    # Lock the clue so the thread and the clue's timeline stay in the order things happened.
    receipt = Receipt.objects.select_related("clue").get(pk=receipt_id)
    clue = Clue.objects.select_for_update(of=("self",)).get(pk=receipt.clue_id)
    stored = store_all(attachments)
    try:
        with transaction.atomic():
            message = Message.objects.create(
                clue=clue, sender=Sender.REPORTER, body=body or _("（补充附件）"), created_at=timezone.now()
            )
            for row in _attach(clue, attachments, stored):
                MessageFile.objects.create(message=message, attachment=row)
            audit.record(
                "portal.reporter_message",
                actor=actor,
                obj=clue,
                after={"message": message.pk, "files": len(attachments)},
            )
    except BaseException:
        forget_unreferenced(stored)
        raise
    emit_on_commit(
        model="clues.clue", object_id=clue.pk, action="portal.reporter_message", message=message.pk
    )
    return message


def opened_at_limit() -> dt.timedelta:
    """How long an opened follow-up page stays open without activity."""
    return dt.timedelta(seconds=abuse.setting("FOLLOWUP_IDLE_SECONDS", 1800))
