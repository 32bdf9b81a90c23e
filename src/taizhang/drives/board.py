"""A drive's board: per unit and per sector, returns filed, late returns, clues found, clues transferred and
items rectified. Every count and its drill-down list read the same querysets (`bucket_qs`), so they agree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.html import format_html_join

from taizhang.clues.models import Transfer
from taizhang.drives.choices import BoardBucket, FindingKind, ReturnStatus
from taizhang.drives.models import Drive, DriveFinding, DriveReturn
from taizhang.org.models import Sector, Unit
from taizhang.rectification.choices import MeasureStatus

RETURN_BUCKETS = (BoardBucket.FILED, BoardBucket.LATE)


def _transferred() -> Exists:
    return Exists(Transfer.objects.filter(clue_id=OuterRef("clue_id")))


def bucket_q(bucket: str, now: dt.datetime) -> Q:
    """The condition of one board column, on returns (filed, late) or on findings (the rest)."""
    if bucket == BoardBucket.FILED:
        return Q(status=ReturnStatus.FILED)
    if bucket == BoardBucket.LATE:
        return Q(status=ReturnStatus.PENDING, round__due_at__lt=now) | Q(
            status=ReturnStatus.FILED, is_late=True
        )
    if bucket == BoardBucket.CLUES:
        return Q(kind=FindingKind.CLUE)
    if bucket == BoardBucket.TRANSFERRED:
        return Q(kind=FindingKind.CLUE, clue__isnull=False) & Q(_transferred())
    return Q(kind=FindingKind.PROBLEM, measure__status=MeasureStatus.SIGNED_OFF)


def bucket_qs(
    user: Any,
    drive: Drive,
    bucket: str,
    now: dt.datetime,
    *,
    unit: int | None = None,
    sector: int | None = None,
) -> QuerySet:
    """The records behind one cell: returns for filed/late, findings for the others (visible to `user`)."""
    if bucket in RETURN_BUCKETS:
        qs: QuerySet = DriveReturn.objects.visible_to(user).filter(drive=drive).filter(bucket_q(bucket, now))
        if unit is not None:
            qs = qs.filter(unit_id=unit)
        if sector is not None:
            qs = qs.filter(findings__sector_id=sector).distinct()
        return qs.select_related("unit", "round").order_by("round__seq", "unit__path")
    qs = DriveFinding.objects.visible_to(user).filter(drive=drive).filter(bucket_q(bucket, now))
    if unit is not None:
        qs = qs.filter(ret__unit_id=unit)
    if sector is not None:
        qs = qs.filter(sector_id=sector)
    return qs.select_related("ret__unit", "ret__round", "sector", "clue", "measure").order_by(
        "ret__round__seq", "pk"
    )


@dataclass
class Row:
    """One unit's (or sector's) counts, in BoardBucket order."""

    key: int
    label: str
    expected: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    cells: str = ""


def _cells(links: list[tuple[str, int]]) -> str:
    return format_html_join("", '<td class="text-end"><a href="{}">{}</a></td>', links)


def link_cells(data: dict[str, Any], records_url: str) -> None:
    """Give every row its cells, each count linked to its drill-down, formatted in one go from one reversed
    URL: a board of 200 units has 1,400 of them, and a {% url %} and two variable lookups per cell in the
    template cost several times what counting them does."""
    for row in data["units"]:
        row.cells = _cells([(f"{records_url}?bucket={b}&unit={row.key}", n) for b, n in row.counts.items()])
    for row in data["sectors"]:
        row.cells = _cells([(f"{records_url}?bucket={b}&sector={row.key}", n) for b, n in row.counts.items()])
    data["total_cells_html"] = _cells(
        [(f"{records_url}?bucket={b.value}", n) for b, n in data["total_cells"]]
    )


def board(user: Any, drive: Drive, now: dt.datetime) -> dict[str, Any]:
    """Rows per unit and per sector: three aggregate queries, whatever the number of units and rounds."""
    returns = DriveReturn.objects.visible_to(user).filter(drive=drive).order_by()
    per_unit = {
        r["unit_id"]: r
        for r in returns.values("unit_id").annotate(
            expected=Count("pk"),
            filed=Count("pk", filter=bucket_q(BoardBucket.FILED, now)),
            late=Count("pk", filter=bucket_q(BoardBucket.LATE, now)),
        )
    }
    findings = DriveFinding.objects.visible_to(user).filter(drive=drive).order_by()
    finding_counts = {
        "clues": Count("pk", filter=bucket_q(BoardBucket.CLUES, now)),
        "transferred": Count("pk", filter=bucket_q(BoardBucket.TRANSFERRED, now)),
        "rectified": Count("pk", filter=bucket_q(BoardBucket.RECTIFIED, now)),
    }
    found_unit = {r["ret__unit_id"]: r for r in findings.values("ret__unit_id").annotate(**finding_counts)}
    found_sector = {r["sector_id"]: r for r in findings.values("sector_id").annotate(**finding_counts)}
    labels = dict(Unit.objects.filter(pk__in=set(per_unit) | set(found_unit)).values_list("pk", "name"))
    units = []
    for unit_id in sorted(set(per_unit) | set(found_unit), key=lambda u: labels.get(u, "")):
        r, f = per_unit.get(unit_id, {}), found_unit.get(unit_id, {})
        row = Row(unit_id, labels.get(unit_id, ""), r.get("expected", 0))
        row.counts = {"filed": r.get("filed", 0), "late": r.get("late", 0)} | {
            k: f.get(k, 0) for k in finding_counts
        }
        units.append(row)
    sectors = []
    for sector in Sector.objects.filter(pk__in=drive.sectors.values("pk")).order_by("sort_order", "pk"):
        f = found_sector.get(sector.pk, {})
        sectors.append(Row(sector.pk, sector.name, 0, {k: f.get(k, 0) for k in finding_counts}))
    totals = {b: sum(row.counts.get(b, 0) for row in units) for b in BoardBucket.values}
    return {
        "units": units,
        "sectors": sectors,
        "totals": totals,
        "total_cells": [(b, totals[b.value]) for b in BoardBucket],
        "expected": sum(row.expected for row in units),
        "buckets": list(BoardBucket),
    }
