"""The ferry on the internet portal site: export sealed reports and messages; apply the ledger's answers.

Nothing here can read what it carries: reports, reporter messages and survey answers are sealed to the
ledger's key, the ledger's replies and status updates arrive sealed to each reporter's key. The ledger's open
surveys arrive in clear (they are public) and are kept for the survey page (gate.surveys).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from taizhang.core import files
from taizhang.ferry import journal, keys, package
from taizhang.ferry.choices import Direction
from taizhang.ferry.models import PackageLog
from taizhang.gate import surveys
from taizhang.gate.models import SealedFile, SealedReport, SectorOption, SurveyAnswer, ThreadMessage

_BATCH = 500


def _file_parts(writer: package.PackageWriter, rows: list[SealedFile]) -> list[str]:
    names = []
    for row in rows:
        name = f"parts/files/{Path(row.storage_path).name}"
        if name not in writer.seen:
            writer.add_stream(name, _chunks(files.open_stored(row.storage_path)))
            writer.seen.add(name)
        names.append(name)
    return names


def _chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 16):
            yield chunk


def _unlink_all(paths: list[str]) -> None:
    for relative in paths:
        files.open_stored(relative).unlink(missing_ok=True)


def export(out_dir: Path, *, now: dt.datetime | None = None) -> PackageLog | None:
    """One package of every report and reporter message not yet sent; None when there is nothing new."""
    own, peer = keys.own(), keys.peer()
    now = now or timezone.now()
    with transaction.atomic():
        journal.lock("export")
        reports = list(SealedReport.objects.filter(package__isnull=True).values_list("id", flat=True))
        messages = list(
            ThreadMessage.objects.filter(package__isnull=True, sender="reporter").values_list("id", flat=True)
        )
        answers = list(SurveyAnswer.objects.filter(package__isnull=True).values_list("id", flat=True))
        if not reports and not messages and not answers:
            return None
        sequence = journal.last_sequence(Direction.OUT, peer.site_id) + 1
        writer = package.PackageWriter(out_dir)
        try:
            counts = {"submissions": len(reports), "messages": len(messages)}
            writer.add_stream("parts/submissions.jsonl", package.jsonl(_submissions(writer, reports)))
            writer.add_stream("parts/messages.jsonl", package.jsonl(_messages(writer, messages)))
            counts["files"] = len(writer.seen)
            if answers:  # since format version 2
                writer.add_stream("parts/survey_answers.jsonl", package.jsonl(_answers(answers)))
                counts["survey_answers"] = len(answers)
            path, digest = writer.finish(
                kind=package.PORTAL_TO_LEDGER,
                sender=own.site_id,
                receiver=peer.site_id,
                sequence=sequence,
                counts=counts,
                signing_key=own.signing_key,
                created_at=now,
            )
        except BaseException:
            writer.discard()
            raise
        try:
            for start in range(0, len(reports), _BATCH):
                SealedReport.objects.filter(id__in=reports[start : start + _BATCH]).update(package=sequence)
            for start in range(0, len(messages), _BATCH):
                ThreadMessage.objects.filter(id__in=messages[start : start + _BATCH]).update(package=sequence)
            for start in range(0, len(answers), _BATCH):
                SurveyAnswer.objects.filter(id__in=answers[start : start + _BATCH]).update(package=sequence)
            return journal.record_written(
                package.PORTAL_TO_LEDGER, peer.site_id, sequence, digest, counts, path
            )
        except BaseException:
            path.unlink(missing_ok=True)  # not recorded as sent: the next export writes this number again
            raise


def _submissions(writer: package.PackageWriter, ids: list[int]) -> Iterator[dict[str, Any]]:
    for start in range(0, len(ids), _BATCH):
        chunk = SealedReport.objects.filter(id__in=ids[start : start + _BATCH]).order_by("id")
        by_report: dict[int, list[SealedFile]] = {}
        for f in SealedFile.objects.filter(report_id__in=ids[start : start + _BATCH], message__isnull=True):
            by_report.setdefault(f.report_id, []).append(f)
        for report in chunk:
            yield {
                "ref": report.ref,
                "sealed": report.for_ledger,
                "files": _file_parts(writer, by_report.get(report.id, [])),
            }


def _messages(writer: package.PackageWriter, ids: list[int]) -> Iterator[dict[str, Any]]:
    for start in range(0, len(ids), _BATCH):
        chunk = ThreadMessage.objects.filter(id__in=ids[start : start + _BATCH]).select_related("report")
        by_message: dict[int, list[SealedFile]] = {}
        for f in SealedFile.objects.filter(message_id__in=ids[start : start + _BATCH]):
            by_message.setdefault(f.message_id or 0, []).append(f)
        for message in chunk.order_by("id"):
            yield {
                "ref": message.report.ref,
                "sealed": message.for_ledger,
                "files": _file_parts(writer, by_message.get(message.id, [])),
            }


def _answers(ids: list[int]) -> Iterator[dict[str, Any]]:
    for start in range(0, len(ids), _BATCH):
        for ref, sealed in (
            SurveyAnswer.objects.filter(id__in=ids[start : start + _BATCH])
            .order_by("id")
            .values_list("ref", "for_ledger")
        ):
            yield {"id": ref, "sealed": sealed}


def apply(path: Path, *, accept_gap_reason: str = "") -> PackageLog:
    """Apply one package from the ledger, all or nothing; refusals are logged and raised."""
    own, peer = keys.own(), keys.peer()
    return journal.import_package(
        path,
        check=lambda: package.verify(
            path,
            sender_key=peer.verify_key,
            sender=peer.site_id,
            receiver=own.site_id,
            kind=package.LEDGER_TO_PORTAL,
        ),
        work=_apply,
        kind=package.LEDGER_TO_PORTAL,
        peer=peer.site_id,
        accept_gap_reason=accept_gap_reason,
    )


def _apply(pkg: package.Package) -> dict[str, int]:
    counts = {"replies": 0, "statuses": 0, "sectors": 0, "acknowledged": 0}
    refs: dict[str, int] = {}

    def report_id(ref: str) -> int | None:
        if ref not in refs:
            found = SealedReport.objects.filter(ref=ref).values_list("id", flat=True).first()
            if found is None:
                return None
            refs[ref] = found
        return refs[ref]

    for row in pkg.lines("parts/replies.jsonl"):
        rid = report_id(row["ref"])
        if rid is None or ThreadMessage.objects.filter(ledger_ref=row["id"]).exists():
            continue
        ThreadMessage.objects.create(
            report_id=rid,
            sender="office",
            for_reporter=row["sealed"],
            ledger_ref=row["id"],
            created_at=dt.datetime.fromisoformat(row["created_at"]),
        )
        counts["replies"] += 1
    for row in pkg.lines("parts/statuses.jsonl"):
        counts["statuses"] += SealedReport.objects.filter(ref=row["ref"]).update(status_sealed=row["sealed"])
    if pkg.has("parts/sectors.jsonl"):
        sectors = list(pkg.lines("parts/sectors.jsonl"))
        SectorOption.objects.exclude(code__in=[s["code"] for s in sectors]).delete()
        for s in sectors:
            SectorOption.objects.update_or_create(
                code=s["code"], defaults={"name": s["name"], "sort_order": s["sort_order"]}
            )
        counts["sectors"] = len(sectors)
    if pkg.has("parts/surveys.jsonl"):  # since format version 2
        counts["surveys"] = surveys.store(pkg.lines("parts/surveys.jsonl"))
    acknowledged = int(pkg.manifest.get("acknowledged") or 0)
    if acknowledged:
        counts["acknowledged"] = _forget_delivered(acknowledged)
    return counts


def _forget_delivered(through: int) -> int:
    """The ledger has applied every package up to `through`: the copies sealed for it are no longer kept."""
    delivered = SealedReport.objects.filter(package__lte=through).exclude(for_ledger="")
    gone = SealedFile.objects.filter(
        report__package__lte=through, message__isnull=True
    ) | SealedFile.objects.filter(message__package__lte=through)
    paths = list(gone.values_list("storage_path", flat=True))
    gone.delete()
    ThreadMessage.objects.filter(package__lte=through, sender="reporter").exclude(for_ledger="").update(
        for_ledger=""
    )
    done = delivered.update(for_ledger="")
    SurveyAnswer.objects.filter(package__lte=through).delete()
    # Files go after the commit: a rolled-back package must still find them.
    transaction.on_commit(lambda: _unlink_all(paths))
    return done
