"""Clues handed down: the upper instance writes each new assignment to a lower instance into the package;
the lower instance registers it as its own clue through the normal registration action.

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

from taizhang.clues.actions.common import ReporterData, SubjectData
from taizhang.clues.actions.registration import do_register_clue
from taizhang.clues.choices import Channel
from taizhang.clues.models import Assignment, Attachment, Clue, ReportedSubject
from taizhang.core import audit, clock, files, sealing
from taizhang.core.actors import EXCHANGE
from taizhang.core.errors import ActionError
from taizhang.exchange.models import HandDown, Partner, Received
from taizhang.ferry import package
from taizhang.org.choices import UnitKind
from taizhang.org.models import Sector, Unit

ACTOR = EXCHANGE
CLUES = "parts/clues.jsonl"
_BATCH = 500


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
    """Each assignment carried by package `sequence`, and the clue's timeline says so."""
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
            audit.record(
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
    """Register every clue of the package here (all in the caller's transaction)."""
    counts = {"clues": 0, "files": 0, "again": 0}
    office = intake_office()
    sectors = dict(Sector.objects.values_list("code", "id"))
    for row in pkg.lines(CLUES):
        received = Received.objects.filter(partner=partner, upper_number=row["ref"]).first()
        if received is not None:  # handed down again (reassigned back to us): the new deadline, same clue
            received.upper_due_at = row["due_at"]
            received.instructions = row.get("instructions", "")
            received.save(update_fields=["upper_due_at", "instructions"])
            counts["again"] += 1
            continue
        clue = _register(pkg, partner, row, office, sectors, secrets)
        counts["files"] += _attach(pkg, clue, row.get("files", []), secrets)
        Received.objects.create(
            clue=clue,
            partner=partner,
            upper_number=str(row["ref"])[:40],
            upper_due_at=row.get("due_at") or None,
            instructions=row.get("instructions", ""),
            sequence=pkg.sequence,
        )
        counts["clues"] += 1
    return counts


def _register(
    pkg: package.Package,
    partner: Partner,
    row: dict[str, Any],
    office: Unit,
    sectors: dict[str, int],
    secrets: tuple[PrivateKey, ...],
) -> Clue:
    rep = row.get("reporter") or {}
    identity: dict[str, str] = {}
    if rep.get("sealed"):
        identity = json.loads(open_sealed_box(secrets, base64.b64decode(rep["sealed"]), pkg))
    channel = row.get("channel")
    sector_id = sectors.get(str(row.get("sector") or ""))
    try:
        return do_register_clue(
            actor=ACTOR,
            office=office,
            channel=channel if channel in (Channel.PLATFORM_12337, Channel.SUPERIOR) else Channel.SUPERIOR,
            received_at=clock.now(),
            summary=str(row["summary"]),
            facts=str(row["facts"]),
            subjects=[SubjectData(**{k: v for k, v in s.items() if k != "unit_id"}) for s in row["subjects"]],
            sector=Sector.objects.get(pk=sector_id) if sector_id else None,
            place=str(row.get("place") or ""),
            alleges_umbrella=bool(row.get("alleges_umbrella")),
            reporter=ReporterData(
                kind=str(rep.get("kind") or "anonymous"),
                identity=identity,
                wants_feedback=bool(rep.get("wants_feedback")),
            ),
            source_ref=str(row["ref"]),
        )
    except ActionError as exc:
        raise package.PackageRefused(
            _("上级交办的线索 %(ref)s 无法登记：%(why)s") % {"ref": row["ref"], "why": exc.message},
            digest=pkg.digest,
            sequence=pkg.sequence,
        ) from exc


def _attach(
    pkg: package.Package, clue: Clue, rows: list[dict[str, Any]], secrets: tuple[PrivateKey, ...]
) -> int:
    for row in rows:
        data = open_sealed_box(secrets, pkg.read_part(str(row["part"])), pkg)
        if not hmac.compare_digest(hashlib.sha256(data).hexdigest(), str(row["sha256"])):
            raise package.PackageRefused(
                _("数据包中的附件与线索内容不符。"), digest=pkg.digest, sequence=pkg.sequence
            )
        stored = files.store([data])
        Attachment.objects.create(
            clue=clue,
            original_name=str(row["name"])[:200],
            content_type=str(row["content_type"])[:100],
            size=stored.size,
            sha256=stored.sha256,
            storage_path=stored.storage_path,
            uploaded_by=None,
            uploaded_at=clock.now(),
        )
    return len(rows)
