"""Export what I see: the visible, filtered clues as an .xlsx in the ledger layout offices use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import IO, Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from taizhang.clues.choices import (
    Category,
    Channel,
    ClueStatus,
    FindingResult,
    TransferAnswer,
    TransferKind,
    labels,
)
from taizhang.clues.models import Clue, ReportedSubject, Transfer

# The ledger layout; the import reads the same columns.
COLUMNS = [
    "序号",
    "线索编号",
    "来源",
    "受理时间",
    "被举报人",
    "主要问题",
    "类别",
    "行业领域",
    "责任单位",
    "责任人",
    "办理时限",
    "办理状态",
    "核查结论",
    "移交情况",
    "办结时间",
]
WIDTHS = [6, 20, 14, 17, 22, 40, 8, 12, 20, 10, 12, 12, 10, 28, 17]
MAX_ROWS = 200_000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe (formula injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _local(value: dt.datetime | None, fmt: str) -> str:
    return timezone.localtime(value).strftime(fmt) if value else ""


def export_queryset(qs: QuerySet[Clue]) -> QuerySet[Clue]:
    """The rows and their related records, fetched in a constant number of queries per chunk."""
    return qs.select_related("sector", "responsible_unit", "responsible_person").prefetch_related(
        Prefetch("subjects", queryset=ReportedSubject.objects.only("id", "clue_id", "name").order_by("id")),
        Prefetch(
            "transfers",
            queryset=Transfer.objects.select_related("receiver_unit")
            .only("id", "clue_id", "kind", "answer", "receiver_unit__name", "receiver_unit__short_name")
            .order_by("id"),
        ),
    )


class Labels:
    """The translated labels an export needs, looked up once."""

    def __init__(self) -> None:
        self.channel = labels(Channel)
        self.category = labels(Category)
        self.status = labels(ClueStatus)
        self.finding = labels(FindingResult)
        self.kind = labels(TransferKind)
        self.answer = labels(TransferAnswer)


def transfer_summary(clue: Clue, lab: Labels) -> str:
    return "；".join(
        f"{lab.kind.get(t.kind, t.kind)}：{t.receiver_unit.label}（{lab.answer.get(t.answer, t.answer)}）"
        for t in clue.transfers.all()
    )


def ledger_row(index: int, clue: Clue, lab: Labels | None = None) -> list[Any]:
    lab = lab or Labels()
    return [
        index,
        clue.number,
        lab.channel.get(clue.channel, clue.channel),
        _local(clue.received_at, "%Y-%m-%d %H:%M"),
        "、".join(s.name for s in clue.subjects.all()),
        clue.summary,
        lab.category.get(clue.category, ""),
        clue.sector.name if clue.sector else "",
        clue.responsible_unit.name if clue.responsible_unit else "",
        str(clue.responsible_person) if clue.responsible_person else "",
        _local(clue.deadline_at, "%Y-%m-%d") if clue.is_open else "",
        lab.status.get(clue.status, clue.status),
        lab.finding.get(clue.finding_result, ""),
        transfer_summary(clue, lab),
        _local(clue.concluded_at, "%Y-%m-%d %H:%M"),
    ]


def rows(qs: QuerySet[Clue], limit: int = MAX_ROWS) -> Iterator[list[Any]]:
    lab = Labels()
    for index, clue in enumerate(export_queryset(qs[:limit]).iterator(chunk_size=2000), start=1):
        yield ledger_row(index, clue, lab)


def write_xlsx(qs: QuerySet[Clue], out: IO[bytes], *, title: str = "") -> int:
    """Write the ledger to `out`; returns the number of clue rows."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("线索台账"))
    for i, width in enumerate(WIDTHS):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name in COLUMNS:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    count = 0
    for row in rows(qs):
        ws.append([neutralise(v) for v in row])
        count += 1
    wb.save(out)
    return count
