"""Packages between instances: one writer per partner, one import path (the ferry's journal.import_package).

Down (to a child): the clues newly assigned to it. Up (to the parent): the steps taken here on clues that came
from it. Every package is signed with this instance's key, numbered per partner and direction, applied once
and in order; a gap blocks later packages from that sender until the missing ones arrive or a person accepts
the gap with a reason (audited). Refusals are logged on the exchange page with their reason and audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from taizhang.core import files
from taizhang.core.actors import EXCHANGE
from taizhang.exchange import down, keys, registry, reports_up, supervise, up
from taizhang.exchange.models import FromAbove, Partner
from taizhang.ferry import journal, package
from taizhang.ferry.choices import Direction
from taizhang.ferry.models import PackageLog
from taizhang.org.choices import InstanceLink

ACTOR = EXCHANGE
_IN_BATCH = 500


def apply(path: Path, *, accept_gap_reason: str = "") -> PackageLog:
    """Apply one package from another instance, all or nothing; refusals are logged, audited and raised."""
    me = keys.own()
    try:
        claimed, kind = package.peek(path)
    except package.PackageRefused as refusal:
        journal.record_refused(path, refusal, kind="", peer="")
        raise
    found: list[Partner] = []

    def check() -> package.Package:
        partner, pkg = registry.verify(path, kind=kind, claimed=claimed, receiver=me.instance_id)
        found.append(partner)
        return pkg

    def work(pkg: package.Package) -> dict[str, int]:
        partner = found[0]
        acknowledged = pkg.manifest.get("acknowledged")
        if isinstance(acknowledged, int) and acknowledged > partner.acknowledged:
            Partner.objects.filter(pk=partner.pk).update(acknowledged=acknowledged)
        if kind == package.EXCHANGE_DOWN:
            counts = down.apply(pkg, partner, me.sealing_keys)
            counts["notices"] = supervise.apply(pkg, partner)
            return counts
        counts = up.apply(pkg, partner)
        counts["reports"] = reports_up.apply(pkg, partner)
        return counts

    with files.removed_on_failure():  # a refused or failed package leaves none of the files it stored
        return journal.import_package(
            path,
            check=check,
            work=work,
            kind=kind if kind in (package.EXCHANGE_DOWN, package.EXCHANGE_UP) else "",
            peer=claimed[:60],
            accept_gap_reason=accept_gap_reason,
            audit_as=ACTOR,
        )


class _Collected:
    """Records streamed into a part, the highest audit id among them (the cursor's next value), and which of the
    `watched` references they name (kept small: memory does not grow with the package)."""

    def __init__(
        self, source: Iterator[tuple[dict[str, Any], int]], start: int, watched: frozenset[str] = frozenset()
    ) -> None:
        self.source, self.last, self.count, self.watched = source, start, 0, watched
        self.clues: set[str] = set()

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for record, eid in self.source:
            self.last, self.count = eid, self.count + 1
            if (ref := str(record["ref"])) in self.watched:
                self.clues.add(ref)
            yield record


def _awaiting_answer(partner: Partner) -> frozenset[str]:
    """The upper numbers of the clues with something from above still on the to-do list (few: what an answer
    going up clears)."""
    return frozenset(
        FromAbove.objects.filter(partner=partner, answered_at=None).values_list(
            "clue__from_above__upper_number", flat=True
        )
    )


def export(out_dir: Path, partner: Partner, *, now: dt.datetime | None = None) -> PackageLog | None:
    """One package of everything new for `partner`; None when there is nothing to send."""
    me = keys.own()
    now = now or timezone.now()
    is_child = partner.unit.instance_link == InstanceLink.CHILD
    kind = package.EXCHANGE_DOWN if is_child else package.EXCHANGE_UP
    with transaction.atomic():
        journal.lock("export")
        sequence = journal.last_sequence(Direction.OUT, partner.instance_id) + 1
        writer = package.PackageWriter(out_dir)
        try:
            if is_child:
                ids = list(down.pending(partner).order_by("id").values_list("id", flat=True))
                mark = supervise.cursor(partner)
                if ids:
                    writer.add_stream(down.CLUES, package.jsonl(down.records(writer, partner, ids)))
                streamed = _Collected(supervise.notices(partner, mark.value), mark.value)
                writer.add_stream(supervise.NOTICES, package.jsonl(streamed))
                counts = {"clues": len(ids), "notices": streamed.count}
            else:
                ids = []
                mark = up.cursor(partner)
                streamed = _Collected(up.updates(partner, mark.value), mark.value, _awaiting_answer(partner))
                writer.add_stream(up.UPDATES, package.jsonl(streamed))
                reports = reports_up.Outgoing(partner, me.instance_id)
                writer.add_stream(reports_up.REPORTS, package.jsonl(reports))
                counts = {"updates": streamed.count, "reports": reports.count}
            if not any(counts.values()):
                writer.discard()
                return None
            path, digest = writer.finish(
                kind=kind,
                sender=me.instance_id,
                receiver=partner.instance_id,
                sequence=sequence,
                counts=counts,
                signing_key=me.signing_key,
                created_at=now,
                extra={"acknowledged": journal.last_sequence(Direction.IN, partner.instance_id)},
            )
        except BaseException:
            writer.discard()
            raise
        try:
            if ids:
                down.mark_sent(partner, ids, sequence)
            if not is_child and streamed.clues:
                # The lower office answered: what came from above on those clues leaves its to-do list (a few
                # hundred numbers a statement: a package of 100,000 would pass SQLite's limit of variables).
                refs = sorted(streamed.clues)
                for start in range(0, len(refs), _IN_BATCH):
                    FromAbove.objects.filter(
                        partner=partner,
                        clue__from_above__upper_number__in=refs[start : start + _IN_BATCH],
                        answered_at=None,
                    ).update(answered_at=now)
            if not is_child:
                reports.mark_sent(sequence, now)
            mark.value = streamed.last
            mark.save(update_fields=["value"])
            log = journal.record_written(
                kind, partner.instance_id, sequence, digest, counts, path, audit_as=ACTOR
            )
            return log
        except BaseException:
            path.unlink(missing_ok=True)
            raise


def export_all(out_dir: Path, *, now: dt.datetime | None = None) -> list[PackageLog]:
    """A package for every partner with something new."""
    written = []
    for partner in Partner.objects.filter(left_at=None).select_related("unit").order_by("id"):
        log = export(out_dir, partner, now=now)
        if log is not None:
            written.append(log)
    return written
