"""What the portal site changes: a sealed report (with its receipt) and a reporter's sealed follow-up message.

Everything is sealed before the transaction that stores it; the clear text lives only in this request's memory
(and, for uploads over 5 MB, in Django's temporary upload file, deleted when the request ends).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from nacl.public import PrivateKey, PublicKey

from taizhang.clues.choices import ReporterKind
from taizhang.core import files
from taizhang.core.errors import ActionError
from taizhang.ferry import keys
from taizhang.gate import sealing
from taizhang.gate.models import SealedFile, SealedReport, ThreadMessage
from taizhang.portal import abuse, credentials
from taizhang.portal.uploads import CleanFile

REPORTER = "reporter"
OFFICE = "office"


@dataclass(frozen=True)
class Issued:
    """What the reporter is shown once."""

    report: SealedReport
    code: str
    passphrase: str


def check_payload(payload: dict[str, Any]) -> None:
    """The rules the ledger will apply on import, checked here so a report is never refused over there."""
    if not [s for s in payload.get("subjects", []) if str(s.get("name", "")).strip()]:
        raise ActionError("required", _("请至少填写一个被举报人或被举报单位。"))
    reporter = payload.get("reporter") or {}
    if (
        reporter.get("kind") == ReporterKind.REAL_NAME
        and not (reporter.get("identity") or {}).get("name", "").strip()
    ):
        raise ActionError("required", _("实名举报请填写您的姓名；不愿留名可选择匿名举报。"))


def _seal_files(ledger: PublicKey, attachments: list[CleanFile]) -> tuple[list[files.StoredFile], list[dict]]:
    stored, meta = [], []
    for item in attachments:
        blob = sealing.seal_bytes(ledger, item.data)
        kept = files.store([blob], max_bytes=len(blob))
        stored.append(kept)
        meta.append(
            {
                "name": item.name,
                "content_type": item.content_type,
                "sha256": hashlib.sha256(item.data).hexdigest(),
                "size": len(item.data),
                "sealed": kept.sha256,
            }
        )
    return stored, meta


def do_submit_sealed(
    payload: dict[str, Any], *, chosen_passphrase: str, attachments: list[CleanFile], challenge_nonce: str
) -> Issued:
    """Seal a public report to the ledger's key and to the reporter's, and issue its receipt (one transaction)."""
    check_payload(payload)
    chosen = credentials.normalise_passphrase(chosen_passphrase)
    if chosen and len(chosen) < credentials.MIN_CHOSEN_LENGTH:
        raise ActionError(
            "weak_passphrase",
            _("自设查询密码至少 %(n)s 个字符；也可以留空，由系统生成。")
            % {"n": credentials.MIN_CHOSEN_LENGTH},
        )
    passphrase = chosen or credentials.new_passphrase()
    try:
        ledger = keys.ledger_public_key()
    except keys.KeysMissing as exc:
        raise ActionError("no_office", _("举报平台暂未开通，请通过其他渠道反映。")) from exc
    reporter_keys = sealing.new_reporter_keys(passphrase)
    reporter_public = PublicKey(bytes.fromhex(reporter_keys.public_hex))
    received_at = timezone.now()
    ref = secrets.token_hex(8)  # 64 random bits; the ledger keeps it as the receipt's reference
    stored, meta = _seal_files(ledger, attachments)
    for_ledger = sealing.seal_json(
        ledger,
        {
            "ref": ref,
            "received_at": received_at.isoformat(),
            "reporter_public": reporter_keys.public_hex,
            "form": payload,
            "files": meta,
        },
    )
    own_copy = sealing.seal_json(
        reporter_public,
        {"received_at": received_at.isoformat(), "form": payload, "file_names": [m["name"] for m in meta]},
    )
    for attempt in range(1, 4):
        code = credentials.new_receipt_code()
        try:
            with transaction.atomic():
                abuse.spend_challenge(challenge_nonce)
                report = SealedReport.objects.create(
                    code=code,
                    ref=ref,
                    kdf_salt=reporter_keys.kdf_salt,
                    kdf_profile=reporter_keys.kdf_profile,
                    reporter_public=reporter_keys.public_hex,
                    wrapped_secret=reporter_keys.wrapped_secret,
                    own_copy=own_copy,
                    for_ledger=for_ledger,
                    created_at=received_at,
                )
                SealedFile.objects.bulk_create(
                    SealedFile(report=report, storage_path=s.storage_path, size=s.size) for s in stored
                )
        except IntegrityError:
            if attempt < 3 and SealedReport.objects.filter(code=code).exists():
                continue
            raise
        return Issued(report=report, code=code, passphrase=passphrase)
    raise ActionError("busy", _("系统繁忙，请稍后重试。"))  # pragma: no cover - three collisions in a row


def find_sealed(code: str, passphrase: str) -> tuple[SealedReport, PrivateKey] | None:
    """The report and the reporter's secret if code and passphrase match; unknown codes cost the same time."""
    report = SealedReport.objects.filter(code=credentials.normalise_code(code)).first()
    secret = sealing.unwrap(
        passphrase,
        kdf_salt=report.kdf_salt if report else None,
        kdf_profile=report.kdf_profile if report else None,
        wrapped=report.wrapped_secret if report else None,
    )
    if report is None or secret is None:
        return None
    if sealing.needs_rewrap(report.kdf_profile):
        salt, profile, wrapped = sealing.rewrap(secret, passphrase)
        SealedReport.objects.filter(pk=report.pk, wrapped_secret=report.wrapped_secret).update(
            kdf_salt=salt, kdf_profile=profile, wrapped_secret=wrapped
        )
    return report, secret


def do_add_sealed_message(report_id: int, *, body: str, attachments: list[CleanFile]) -> ThreadMessage:
    """The reporter adds information or files: sealed to the ledger for the ferry, and to the reporter."""
    body = (body or "").strip()
    if not body and not attachments:
        raise ActionError("required", _("请填写补充内容或选择附件。"))
    if len(body) > 5000:
        raise ActionError("too_long", _("补充内容不能超过 5000 字。"))
    report = SealedReport.objects.get(pk=report_id)
    ledger = keys.ledger_public_key()
    now = timezone.now()
    stored, meta = _seal_files(ledger, attachments)
    text = body or _("（补充附件）")
    for_ledger = sealing.seal_json(
        ledger, {"ref": report.ref, "body": text, "created_at": now.isoformat(), "files": meta}
    )
    for_reporter = sealing.seal_json(
        PublicKey(bytes.fromhex(report.reporter_public)),
        {"body": text, "created_at": now.isoformat(), "file_names": [m["name"] for m in meta]},
    )
    with transaction.atomic():
        message = ThreadMessage.objects.create(
            report=report, sender=REPORTER, for_ledger=for_ledger, for_reporter=for_reporter, created_at=now
        )
        SealedFile.objects.bulk_create(
            SealedFile(report=report, message=message, storage_path=s.storage_path, size=s.size)
            for s in stored
        )
    return message
