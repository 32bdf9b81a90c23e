"""The one .xlsx writer every export uses: every text cell is neutralised against formula injection.

A clue summary, a case name or a letter reply typed as `=HYPERLINK("http://…","点此")` must arrive in the
spreadsheet as text, never as a live formula. XlsxWriter is told never to turn strings into formulas, links or
numbers, and every string still goes through `neutralise`, which prefixes text a spreadsheet program would
evaluate when the cell is edited (leading = + - @ tab CR LF) with an apostrophe. Nothing else in the code base
opens a workbook for writing (tests/proof/test_exports.py keeps it so).
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
from collections.abc import Iterable, Sequence
from typing import IO, Any
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe (formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class Sheet:
    """One worksheet, written row after row."""

    def __init__(self, book: Book, title: str, widths: Sequence[float] = ()) -> None:
        self._book = book
        self._ws = book._wb.add_worksheet(title[:31])
        self._next = 0
        for col, width in enumerate(widths):
            self._ws.set_column(col, col, width)

    def freeze_header(self) -> None:
        self._ws.freeze_panes(1, 0)

    def row(self, values: Iterable[Any], *, style: str = "") -> None:
        """Append a row; `style` is "", "bold" or "title"."""
        fmt = self._book._formats.get(style)
        r = self._next
        self._next += 1
        ws = self._ws
        for col, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                ws.write_boolean(r, col, value, fmt)
            elif isinstance(value, int | float | decimal.Decimal):
                ws.write_number(r, col, float(value), fmt)
            elif isinstance(value, dt.datetime):
                local = timezone.localtime(value) if timezone.is_aware(value) else value
                ws.write_datetime(r, col, local.replace(tzinfo=None), self._book._formats["datetime"])
            elif isinstance(value, dt.date):
                ws.write_datetime(r, col, value, self._book._formats["date"])
            else:
                ws.write_string(r, col, neutralise(str(value)), fmt)


class Book:
    """A workbook written to `out`; rows stream to a temporary file when `constant_memory` (large ledgers)."""

    def __init__(self, out: IO[bytes], *, constant_memory: bool = False) -> None:
        import xlsxwriter  # loaded by the first export, not by every server process

        self._wb = xlsxwriter.Workbook(
            out,
            {
                "constant_memory": constant_memory,
                "in_memory": not constant_memory,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        self._formats = {
            "bold": self._wb.add_format({"bold": True}),
            "title": self._wb.add_format({"bold": True, "font_size": 14}),
            "date": self._wb.add_format({"num_format": "yyyy-mm-dd"}),
            "datetime": self._wb.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        }

    def sheet(self, title: str, widths: Sequence[float] = ()) -> Sheet:
        return Sheet(self, title, widths)

    def close(self) -> None:
        self._wb.close()


def table_bytes(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A one-sheet workbook with a bold header row, as bytes."""
    out = io.BytesIO()
    book = Book(out)
    sheet = book.sheet(title)
    sheet.row(headers, style="bold")
    for row in rows:
        sheet.row(row)
    book.close()
    return out.getvalue()


def xlsx_response(
    filename: str, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """A one-sheet workbook download with a bold header row."""
    response = HttpResponse(table_bytes(title, headers, rows), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
