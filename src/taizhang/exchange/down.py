"""Clues handed down: the upper instance writes each new assignment to a lower instance into the package;
the lower instance registers it as its own clue under the rules of a registration by hand
(`prepare_registration`), written in bulk by the one bulk path (clues.actions.bulk, as the ferry's import).

A clue's record (parts/clues.jsonl, schema in exchange/records.schema.json):
{ref (the upper number), channel, summary, facts, place, sector, alleges_umbrella, subjects, due_at,
instructions, reporter: {kind, wants_feedback, sealed}, files: [{part, name, content_type, sha256}]}.
The reporter's identity is opened here and sealed to the receiving instance's public key (a sealed box only its
secret opens); attachments are sealed the same way. On arrival the identity is sealed again under the
receiver's own identity key by the registration, and recusal and 保护伞 routing are computed there from the
subjects exactly as for a clue registered by hand.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from taizhang.clues.actions.bulk import BulkRegistration
from taizhang.clues.actions.common import ReporterData, SubjectData
from taizhang.clues.actions.registration import Registration, prepare_registration
from taizhang.clues.choices import Channel
from taizhang.clues.models import Assignment, Attachment, Clue, ReportedSubject
from taizhang.core import audit, clock, files, sealing
from taizhang.core.actors import EXCHANGE
from taizhang.core.errors import ActionError
from taizhang.core.models import AuditEntry
from taizhang.exchange.models import HandDown, Partner, Received
from taizhang.ferry import package
from taizhang.org import matching
from taizhang.org.choices import UnitKind
from taizhang.org.models import Sector, Unit

ACTOR = EXCHANGE
CLUES = "parts/clues.jsonl"
_BATCH = 500
_CHUNK = 200  # clues registered per bulk write on arrival (the ferry's import writes as many)


def seal_to(public_hex: str, data: bytes) -> bytes:
    return bytes(SealedBox(PublicKey(bytes.fromhex(public_hex))).encrypt(data))


def open_sealed_box(secrets: tuple[PrivateKey, ...], blob: bytes, pkg: package.Package) -> bytes:
    for secret in secrets:
        try:
            return bytes(SealedBox(secret).decrypt(blob))
        except CryptoError:
            continue
    raise package.PackageRefused(
        _("数据包中的加密内容无法用本实例的密钥解密（对方登记的公钥不是本实例当前的公钥）。"),
        digest=pkg.digest,
        sequence=pkg.sequence,
    )


def pending(partner: Partner) -> QuerySet[Assignment]:
    """Current assignments to the partner's unit that no package has carried yet."""
    return Assignment.objects.filter(unit_id=partner.unit_id, is_current=True, hand_down__isnull=True)


def _subjects(clue_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = {}
    fields = (
        "clue_id",
        "kind",
        "name",
        "position",
        "unit_name",
        "is_official",
        "id_fragment",
        "phone_fragment",
    )
    for row in ReportedSubject.objects.filter(clue_id__in=clue_ids).order_by("id").values(*fields):
        found.setdefault(row.pop("clue_id"), []).append(row)
    return found


def records(writer: package.PackageWriter, partner: Partner, ids: list[int]) -> Iterator[dict[str, Any]]:
    """One record per assignment id, in batches (memory stays flat however many clues go down)."""
    for start in range(0, len(ids), _BATCH):
        chunk = list(
            Assignment.objects.filter(id__in=ids[start : start + _BATCH])
            .select_related("clue", "clue__sector", "clue__reporter")
            .order_by("id")
        )
        clue_ids = [a.clue_id for a in chunk]
        subjects = _subjects(clue_ids)
        attachments: dict[int, list[Attachment]] = {}
        for att in Attachment.objects.filter(clue_id__in=clue_ids, stage_report=None, transfer=None):
            attachments.setdefault(att.clue_id, []).append(att)
        for assignment in chunk:
            clue = assignment.clue
            yield {
                "ref": clue.number,
                "channel": Channel.PLATFORM_12337
                if clue.channel == Channel.PLATFORM_12337
                else Channel.SUPERIOR,
                "summary": clue.summary,
                "facts": clue.facts,
                "place": clue.place,
                "sector": clue.sector.code if clue.sector else "",
                "alleges_umbrella": clue.alleges_umbrella or clue.is_umbrella,
                "subjects": subjects.get(clue.pk, []),
                "due_at": assignment.due_at.isoformat(),
                "instructions": assignment.instructions,
                "reporter": _reporter(clue, partner),
                "files": [_file(writer, partner, att) for att in attachments.get(clue.pk, [])],
            }


def _reporter(clue: Clue, partner: Partner) -> dict[str, Any]:
    reporter = getattr(clue, "reporter", None)
    if reporter is None:
        return {"kind": "anonymous", "wants_feedback": False, "sealed": ""}
    sealed = ""
    if reporter.sealed_identity:
        identity = sealing.open_sealed(reporter.sealed_identity)
        blob = seal_to(partner.sealing_public, json.dumps(identity, ensure_ascii=False).encode())
        sealed = base64.b64encode(blob).decode("ascii")
    return {"kind": reporter.kind, "wants_feedback": reporter.wants_feedback, "sealed": sealed}


def _file(writer: package.PackageWriter, partner: Partner, att: Attachment) -> dict[str, Any]:
    name = f"parts/files/{att.sha256}"
    if name not in writer.seen:
        data = files.open_stored(att.storage_path).read_bytes()
        writer.add_bytes(name, seal_to(partner.sealing_public, data))
        writer.seen.add(name)
    return {"part": name, "name": att.original_name, "content_type": att.content_type, "sha256": att.sha256}


def mark_sent(partner: Partner, ids: list[int], sequence: int) -> None:
    """Each assignment carried by package `sequence`, and the clue's timeline says so (the audit entries
    chained in one go at the end, as every bulk write does)."""
    audit.append_many(_hand_downs(partner, ids, sequence))


def _hand_downs(partner: Partner, ids: list[int], sequence: int) -> Iterator[AuditEntry]:
    now = clock.now()
    for start in range(0, len(ids), _BATCH):
        chunk = list(
            Assignment.objects.filter(id__in=ids[start : start + _BATCH]).values_list("id", "clue_id")
        )
        HandDown.objects.bulk_create(
            [
                HandDown(assignment_id=aid, clue_id=cid, partner=partner, sequence=sequence, sent_at=now)
                for aid, cid in chunk
            ]
        )
        for _aid, cid in chunk:
            yield audit.entry(
                "exchange.handed_down",
                actor=ACTOR,
                object_type="clues.clue",
                object_id=cid,
                after={"detail": {"unit": partner.unit.name}, "sequence": sequence},
            )


def intake_office() -> Unit:
    """The office of this instance that takes clues from above: settings.EXCHANGE_OFFICE, or the root office."""
    qs = Unit.objects.filter(kind=UnitKind.OFFICE, is_active=True, instance_link="")
    code = settings.EXCHANGE_OFFICE
    office = qs.filter(code=code).first() if code else qs.filter(parent__isnull=True).order_by("id").first()
    if office is None:
        raise ActionError("no_office", _("本实例尚未设置扫黑办，无法接收上级交办的线索。"))
    return office


def apply(pkg: package.Package, partner: Partner, secrets: tuple[PrivateKey, ...]) -> dict[str, int]:
    """Register every clue of the package here (all in the caller's transaction), in bulk, chunk by chunk."""
    intake = _Intake(pkg, partner, secrets)
    rows: list[dict[str, Any]] = []
    for row in pkg.lines(CLUES):
        rows.append(row)
        if len(rows) >= _CHUNK:
            intake.take(rows)
            rows = []
    intake.take(rows)
    intake.batch.finish()
    return intake.counts


class _Intake:
    """The package's clues registered under the rules of a registration by hand (`prepare_registration`:
    recusals and 保护伞 from the subjects, the identity sealed again here) and written by the one bulk path
    (clues.actions.bulk, as the ferry's import): a few statements per chunk, numbers and audit entries last.
    Between chunks only a few small values per clue are kept, so memory does not grow with the package."""

    def __init__(self, pkg: package.Package, partner: Partner, secrets: tuple[PrivateKey, ...]) -> None:
        self.pkg, self.partner, self.secrets = pkg, partner, secrets
        self.office = intake_office()
        self.pool: list[matching.Candidate] | None = None  # read with the first new clue
        self.sectors = {s.code: s for s in Sector.objects.all()}
        self.batch = BulkRegistration(ACTOR)
        self.counts = {"clues": 0, "files": 0, "again": 0}

    def take(self, rows: list[dict[str, Any]]) -> None:
        """One chunk: new clues registered, those handed down again get the new deadline (same clue)."""
        refs = [str(row["ref"])[:40] for row in rows]
        known = {
            r.upper_number: r
            for r in Received.objects.filter(partner=self.partner, upper_number__in=set(refs))
        }
        arrivals: list[tuple[Received, list[files.StoredFile], list[dict[str, Any]]]] = []
        for ref, row in zip(refs, rows, strict=True):
            received = known.get(ref)
            if received is not None:  # handed down again (reassigned back to us): the new deadline, same clue
                received.upper_due_at = row.get("due_at") or None
                received.instructions = row.get("instructions", "")
                if received.pk is not None:
                    received.save(update_fields=["upper_due_at", "instructions"])
                self.counts["again"] += 1
                continue
            self.batch.add(self._prepare(row))
            metas = list(row.get("files", []))
            received = Received(
                partner=self.partner,
                upper_number=ref,
                upper_due_at=row.get("due_at") or None,
                instructions=row.get("instructions", ""),
                sequence=self.pkg.sequence,
            )
            arrivals.append((received, self._store(metas), metas))
            known[ref] = received  # the same number twice in one package: the second is "again"
            self.counts["clues"] += 1
            self.counts["files"] += len(metas)
        self._write(arrivals)

    def _write(self, arrivals: list[tuple[Received, list[files.StoredFile], list[dict[str, Any]]]]) -> None:
        clues = self.batch.flush()
        attachments: list[Attachment] = []
        now = clock.now()
        for clue, (received, stored, metas) in zip(clues, arrivals, strict=True):
            received.clue = clue
            attachments += [
                Attachment(
                    clue=clue,
                    original_name=str(meta["name"])[:200],
                    content_type=str(meta["content_type"])[:100],
                    size=blob.size,
                    sha256=blob.sha256,
                    storage_path=blob.storage_path,
                    uploaded_by=None,
                    uploaded_at=now,
                )
                for meta, blob in zip(metas, stored, strict=True)
            ]
        Attachment.objects.bulk_create(attachments)
        Received.objects.bulk_create([received for received, _stored, _metas in arrivals])

    def _prepare(self, row: dict[str, Any]) -> Registration:
        if self.pool is None:
            self.pool = matching.candidates()
        try:
            return prepare_registration(
                actor=ACTOR,
                office=self.office,
                unit_pool=self.pool,
                **registration_fields(self.pkg, row, self.secrets, self.sectors),
            )
        except ActionError as exc:
            raise package.PackageRefused(
                _("上级交办的线索 %(ref)s 无法登记：%(why)s") % {"ref": row["ref"], "why": exc.message},
                digest=self.pkg.digest,
                sequence=self.pkg.sequence,
            ) from exc

    def _store(self, metas: list[dict[str, Any]]) -> list[files.StoredFile]:
        """The clue's attachments opened, checked against their checksum and stored."""
        stored = []
        for meta in metas:
            data = open_sealed_box(self.secrets, self.pkg.read_part(str(meta["part"])), self.pkg)
            if not hmac.compare_digest(hashlib.sha256(data).hexdigest(), str(meta["sha256"])):
                raise package.PackageRefused(
                    _("数据包中的附件与线索内容不符。"), digest=self.pkg.digest, sequence=self.pkg.sequence
                )
            stored.append(files.store([data]))
        return stored


def registration_fields(
    pkg: package.Package, row: dict[str, Any], secrets: tuple[PrivateKey, ...], sectors: dict[str, Sector]
) -> dict[str, Any]:
    """What a clue's record registers here: the fields of `prepare_registration` (and `do_register_clue`)."""
    rep = row.get("reporter") or {}
    identity: dict[str, str] = {}
    if rep.get("sealed"):
        identity = json.loads(open_sealed_box(secrets, base64.b64decode(rep["sealed"]), pkg))
    channel = row.get("channel")
    return {
        "channel": channel if channel in (Channel.PLATFORM_12337, Channel.SUPERIOR) else Channel.SUPERIOR,
        "received_at": clock.now(),
        "summary": str(row["summary"]),
        "facts": str(row["facts"]),
        "subjects": [SubjectData(**{k: v for k, v in s.items() if k != "unit_id"}) for s in row["subjects"]],
        "sector": sectors.get(str(row.get("sector") or "")),
        "place": str(row.get("place") or ""),
        "alleges_umbrella": bool(row.get("alleges_umbrella")),
        "reporter": ReporterData(
            kind=str(rep.get("kind") or "anonymous"),
            identity=identity,
            wants_feedback=bool(rep.get("wants_feedback")),
        ),
        "source_ref": str(row["ref"]),
    }
