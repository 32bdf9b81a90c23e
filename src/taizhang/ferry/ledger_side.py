"""The ferry on the ledger site: apply the portal's packages as clues and messages; send answers back.

Import registers the reports under the same rules as a report made on the combined site
(portal.actions.report_fields and clues' prepare_registration: channel 网络举报 or settings.FERRY_CHANNEL,
recusals, 保护伞, sealed identity, duplicates shown as always), but in bulk (clues.actions.bulk: a few statements
per 200 reports, numbers and audit entries taken at the end, one search re-index after the commit); it attaches
the files and appends reporter messages to the threads, all in one transaction with the package's log row and
audit entry: a package applies entirely, or (refused, failed, killed) not at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from taizhang.clues.actions.bulk import BulkRegistration
from taizhang.clues.actions.registration import prepare_registration
from taizhang.clues.models import Attachment
from taizhang.core import files
from taizhang.core.actors import FERRY
from taizhang.ferry import journal, keys, package
from taizhang.ferry.choices import Direction
from taizhang.ferry.models import Cursor, PackageLog, SentState
from taizhang.org import matching
from taizhang.org.models import Sector, Unit
from taizhang.portal import actions as portal_actions
from taizhang.portal.choices import Sender, public_status
from taizhang.portal.models import Message, Receipt
from taizhang.portal.uploads import CleanFile
from taizhang.publicity import online
from taizhang.reporters.models import FeedbackRecord

ACTOR = FERRY
_BATCH = 200


def _open(secrets: tuple[PrivateKey, ...], blob: bytes) -> bytes:
    for secret in secrets:
        try:
            return bytes(SealedBox(secret).decrypt(blob))
        except CryptoError:
            continue
    raise package.PackageRefused(_("数据包中的举报内容无法用本站密钥解密（密钥不匹配或已轮换丢失）。"))


def apply(path: Path, *, accept_gap_reason: str = "") -> PackageLog:
    """Apply one package from the portal, all or nothing; refusals are logged, audited and raised."""
    own, peer = keys.own(), keys.peer()
    with files.removed_on_failure():  # a refused or failed package leaves none of the files it stored
        return journal.import_package(
            path,
            check=lambda: package.verify(
                path,
                sender_key=peer.verify_key,
                sender=peer.site_id,
                receiver=own.site_id,
                kind=package.PORTAL_TO_LEDGER,
            ),
            work=lambda pkg: _apply(pkg, own.sealing_keys),
            kind=package.PORTAL_TO_LEDGER,
            peer=peer.site_id,
            accept_gap_reason=accept_gap_reason,
            audit_as=ACTOR,
        )


def _clean_files(
    pkg: package.Package,
    secrets: tuple[PrivateKey, ...],
    parts: list[str],
    meta: list[dict],
) -> list[CleanFile]:
    by_sealed = {f"parts/files/{m['sealed']}": m for m in meta}
    out = []
    for name in parts:
        info = by_sealed.get(name)
        if info is None:
            raise package.PackageRefused(
                _("数据包中的附件与举报内容不符。"), digest=pkg.digest, sequence=pkg.sequence
            )
        data = _open(secrets, pkg.read_part(name))
        if not hmac.compare_digest(hashlib.sha256(data).hexdigest(), str(info["sha256"])):
            raise package.PackageRefused(
                _("数据包中的附件与举报内容不符。"), digest=pkg.digest, sequence=pkg.sequence
            )
        out.append(CleanFile(name=str(info["name"]), content_type=str(info["content_type"]), data=data))
    return out


def _apply(pkg: package.Package, secrets: tuple[PrivateKey, ...]) -> dict[str, int]:
    counts = {"submissions": 0, "messages": 0, "files": 0}
    channel = settings.FERRY_CHANNEL
    office: Unit | None = None  # read with the first report (a package of messages alone needs none)
    pool: list[matching.Candidate] = []
    batch = BulkRegistration(ACTOR)
    # What each pending clue still needs once it has its id: its receipt and its files.
    pending: list[tuple[dict[str, Any], list[CleanFile], list[files.StoredFile]]] = []
    for row in pkg.lines("parts/submissions.jsonl"):
        sealed = json.loads(_open(secrets, _b64(row["sealed"])))
        attachments = _clean_files(pkg, secrets, row.get("files", []), sealed.get("files", []))
        stored = portal_actions.store_all(attachments)
        sub = portal_actions.Submission.from_payload(sealed["form"])
        fields = portal_actions.report_fields(
            sub, received_at=dt.datetime.fromisoformat(sealed["received_at"]), channel=channel
        )
        if office is None:
            office, pool = portal_actions.intake_office(), matching.candidates()
        batch.add(prepare_registration(actor=ACTOR, office=office, unit_pool=pool, **fields))
        # The files are on disk now; only their names are kept until the rows are written.
        pending.append((sealed, [CleanFile(a.name, a.content_type, b"") for a in attachments], stored))
        counts["submissions"] += 1
        counts["files"] += len(attachments)
        if len(pending) >= _BATCH:
            _write(batch, pending)
            pending = []
    _write(batch, pending)
    batch.finish()
    for row in pkg.lines("parts/messages.jsonl"):
        sealed = json.loads(_open(secrets, _b64(row["sealed"])))
        receipt = Receipt.objects.filter(code=str(sealed["ref"]), reporter_key__gt="").first()
        if receipt is None:
            raise package.PackageRefused(
                _("数据包中的补充消息找不到对应的举报（其所在的数据包尚未导入）。"),
                digest=pkg.digest,
                sequence=pkg.sequence,
            )
        attachments = _clean_files(pkg, secrets, row.get("files", []), sealed.get("files", []))
        portal_actions.do_add_reporter_message(
            receipt.pk, body=str(sealed["body"]), attachments=attachments, actor=ACTOR
        )
        counts["messages"] += 1
        counts["files"] += len(attachments)
    if pkg.has("parts/survey_answers.jsonl"):  # since format version 2
        written = online.do_record_portal_answers(actor=ACTOR, answers=_survey_answers(pkg, secrets))
        counts.update(written)  # only what happened: written, refused, already written
    return counts


def _survey_answers(pkg: package.Package, secrets: tuple[PrivateKey, ...]) -> Iterator[online.PortalAnswer]:
    """The portal's survey answers, opened; each known by the portal's site id and its reference there."""
    for row in pkg.lines("parts/survey_answers.jsonl"):
        try:
            sealed = json.loads(_open(secrets, _b64(row["sealed"])))
            answer = online.PortalAnswer(
                ref=f"{pkg.sender}:{row['id']}",
                survey_id=int(sealed["survey"]),
                district_id=int(sealed["district"]),
                answers={int(k): v for k, v in dict(sealed["answers"]).items()},
                answered_at=dt.datetime.fromisoformat(sealed["answered_at"]),
            )
        except (KeyError, TypeError, ValueError) as exc:  # a ValueError covers bad base64 and JSON
            raise package.PackageRefused(
                _("数据包中的问卷答卷无法读取。"), digest=pkg.digest, sequence=pkg.sequence
            ) from exc
        yield answer


def _write(
    batch: BulkRegistration, pending: list[tuple[dict[str, Any], list[CleanFile], list[files.StoredFile]]]
) -> None:
    """The pending clues in a few statements, then their files and receipts."""
    clues = batch.flush()
    attachments: list[Attachment] = []
    receipts: list[Receipt] = []
    for clue, (sealed, clean, stored) in zip(clues, pending, strict=True):
        attachments += portal_actions.attachment_rows(clue, clean, stored)
        receipts.append(
            Receipt(
                clue=clue, code=str(sealed["ref"]), passphrase_hash="", reporter_key=sealed["reporter_public"]
            )
        )
    Attachment.objects.bulk_create(attachments)
    Receipt.objects.bulk_create(receipts)


def _b64(text: str) -> bytes:
    import base64

    return base64.b64decode(text.encode("ascii"))


def _seal(public_hex: str, value: dict[str, Any]) -> str:
    import base64

    blob = SealedBox(PublicKey(bytes.fromhex(public_hex))).encrypt(
        json.dumps(value, ensure_ascii=False).encode()
    )
    return base64.b64encode(bytes(blob)).decode("ascii")


def export(out_dir: Path, *, now: dt.datetime | None = None) -> PackageLog | None:
    """One package of office replies, changed status / released wording / feedback, sectors, the open surveys
    (when their list changed) and the receipt."""
    own, peer = keys.own(), keys.peer()
    now = now or timezone.now()
    with transaction.atomic():
        journal.lock("export")
        reply_cursor = Cursor.objects.select_for_update().get_or_create(name="reply_id")[0]
        ack_cursor = Cursor.objects.select_for_update().get_or_create(name="acknowledged")[0]
        acknowledged = journal.last_sequence(Direction.IN, peer.site_id)
        replies = list(_replies(reply_cursor.value))
        statuses = list(_statuses())
        sectors = [
            {"code": c, "name": n, "sort_order": o}
            for c, n, o in Sector.objects.filter(is_active=True)
            .order_by("sort_order", "id")
            .values_list("code", "name", "sort_order")
        ]
        sectors_digest = hashlib.sha256(json.dumps(sectors, ensure_ascii=False).encode()).hexdigest()
        sectors_changed = not SentState.objects.filter(ref="@sectors", digest=sectors_digest).exists()
        surveys = online.portal_surveys()
        surveys_digest = hashlib.sha256(json.dumps(surveys, ensure_ascii=False).encode()).hexdigest()
        surveys_changed = not SentState.objects.filter(ref="@surveys", digest=surveys_digest).exists()
        changed = replies or statuses or sectors_changed or surveys_changed
        if not changed and acknowledged == ack_cursor.value:
            return None
        sequence = journal.last_sequence(Direction.OUT, peer.site_id) + 1
        writer = package.PackageWriter(out_dir)
        try:
            writer.add_stream("parts/replies.jsonl", package.jsonl(r for r, _ in replies))
            writer.add_stream("parts/statuses.jsonl", package.jsonl(s for s, _ in statuses))
            if sectors_changed:
                writer.add_stream("parts/sectors.jsonl", package.jsonl(sectors))
            if surveys_changed:  # the whole list of open surveys: the portal closes those not in it
                writer.add_stream("parts/surveys.jsonl", package.jsonl(surveys))
            counts = {
                "replies": len(replies),
                "statuses": len(statuses),
                "sectors": len(sectors) if sectors_changed else 0,
            }
            if surveys_changed:
                counts["surveys"] = len(surveys)
            path, digest = writer.finish(
                kind=package.LEDGER_TO_PORTAL,
                sender=own.site_id,
                receiver=peer.site_id,
                sequence=sequence,
                counts=counts,
                signing_key=own.signing_key,
                created_at=now,
                extra={"acknowledged": acknowledged},
            )
        except BaseException:
            writer.discard()
            raise
        try:
            if replies:
                reply_cursor.value = max(mid for _, mid in replies)
                reply_cursor.save(update_fields=["value"])
            ack_cursor.value = acknowledged
            ack_cursor.save(update_fields=["value"])
            for row, digest_of in statuses:
                SentState.objects.update_or_create(ref=row["ref"], defaults={"digest": digest_of})
            if sectors_changed:
                SentState.objects.update_or_create(ref="@sectors", defaults={"digest": sectors_digest})
            if surveys_changed:
                SentState.objects.update_or_create(ref="@surveys", defaults={"digest": surveys_digest})
            log = journal.record_written(
                package.LEDGER_TO_PORTAL, peer.site_id, sequence, digest, counts, path, audit_as=ACTOR
            )
            return log
        except BaseException:
            path.unlink(missing_ok=True)
            raise


def _replies(after_id: int) -> Iterator[tuple[dict[str, Any], int]]:
    rows = (
        Message.objects.filter(id__gt=after_id, sender=Sender.OFFICE, clue__receipt__reporter_key__gt="")
        .order_by("id")
        .values_list("id", "body", "created_at", "clue__receipt__code", "clue__receipt__reporter_key")
    )
    for mid, body, created_at, ref, key in rows.iterator(chunk_size=_BATCH):
        sealed = _seal(key, {"body": body, "created_at": created_at.isoformat()})
        yield {"ref": ref, "id": f"m{mid}", "created_at": created_at.isoformat(), "sealed": sealed}, mid


def _statuses() -> Iterator[tuple[dict[str, Any], str]]:
    """Reports whose public status, released wording or feedback changed since the portal was last told."""
    sent = dict(SentState.objects.values_list("ref", "digest"))
    given = dict(FeedbackRecord.objects.exclude(given_at=None).values_list("clue_id", "given_at"))
    rows = Receipt.objects.filter(reporter_key__gt="").values_list(
        "code", "reporter_key", "clue_id", "clue__status", "released_outcome"
    )
    for ref, key, clue_id, status, outcome in rows.iterator(chunk_size=_BATCH):
        feedback_at = given.get(clue_id)
        state = {
            "status": str(public_status(status).value),
            "outcome": outcome,
            "feedback_at": feedback_at.isoformat() if feedback_at else "",
        }
        digest_of = hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()
        if sent.get(ref) != digest_of:
            yield {"ref": ref, "sealed": _seal(key, state)}, digest_of
