"""The one .xlsx writer every export uses: every text cell is neutralised against formula injection.

A clue summary, a case name or a letter reply typed as `=HYPERLINK("http://…","点此")` must arrive in the
spreadsheet as text, never as a live formula. XlsxWriter is told never to turn strings into formulas, links or
numbers, and every string still goes through `neutralise`, which prefixes text a spreadsheet program would
evaluate when the cell is edited (leading = + - @ tab CR LF) with an apostrophe. Nothing else in the code base
opens a workbook for writing (tests/proof/test_exports.py keeps it so).

Large ledgers (`StreamBook`: the clue ledger, the seized-assets ledger) are written by the
streaming writer below instead of XlsxWriter: one sheet's XML built a row at a time as text (inline strings,
the same four styles) straight into the zip member, several times faster than XlsxWriter's per-cell calls
and in constant memory. Both writers take the same rows through the same `neutralise`; a string cell is only
ever a string (inline text), never a formula.
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from typing import IO, Any
from urllib.parse import quote
from xml.sax.saxutils import escape

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
    """A workbook written to `out` by XlsxWriter, several sheets and formats (large one-sheet ledgers: StreamBook)."""

    def __init__(self, out: IO[bytes]) -> None:
        import xlsxwriter  # loaded by the first export, not by every server process

        self._wb = xlsxwriter.Workbook(
            out,
            {
                "in_memory": True,
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


# The streaming writer's styles, by index into cellXfs (styles.xml below): what Book's formats are.
_STYLE = {"": 0, "bold": 1, "title": 2, "date": 3, "datetime": 4}
_EPOCH = dt.datetime(1899, 12, 30)
# Characters XML 1.0 cannot carry; written the way Excel itself escapes them (_xHHHH_).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_STYLES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="14"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


# Whatever needs more than copying: XML's three, and the characters XML cannot carry.
_SPECIAL = re.compile("[&<>\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\ufffe\\uffff]")


def _inline(value: str) -> str:
    """The <t> element of a text cell: neutralised, escaped, spaces kept where they would be trimmed."""
    if value.startswith(FORMULA_START):
        value = "'" + value
    if _SPECIAL.search(value) is not None:
        value = _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", escape(value))
    if value[:1].isspace() or value[-1:].isspace():
        return f'<t xml:space="preserve">{value}</t>'
    return f"<t>{value}</t>"


# Text that needs more than copying into <t>: a formula start or a space first, a space last, XML's three or a
# character XML cannot carry (else `_inline`). `\s` is what str.isspace() means; `\Z` is the very end.
_TROUBLE = re.compile(r"\A[=+\-@\s]|[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|\s\Z")
_EPOCH_DATE = _EPOCH.date()


def _cell(value: Any, attr: str) -> str | None:
    """A cell's attributes and content after "<c" for the less common values; None for an empty one."""
    if value == "":
        return None
    if isinstance(value, bool):
        return f'{attr} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | decimal.Decimal):
        return f"{attr}><v>{float(value)!r}</v></c>"
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        serial = (local.replace(tzinfo=None) - _EPOCH) / dt.timedelta(days=1)
        return f' s="4"><v>{serial!r}</v></c>'
    if isinstance(value, dt.date):
        return f' s="3"><v>{(value - _EPOCH_DATE).days}</v></c>'
    return f'{attr} t="inlineStr"><is>{_inline(str(value))}</is></c>'


class StreamSheet:
    """The one sheet of a StreamBook: rows go straight into the zip member as XML text."""

    def __init__(self, book: StreamBook, title: str, widths: Sequence[float]) -> None:
        self.title = title[:31]
        self._book = book
        self._widths = list(widths)
        self._frozen = False
        self._next = 0
        self._out: IO[bytes] | None = None
        self._pending: list[str] = []  # rows not yet written (500 at a time)
        self._texts: dict[str, str] = {}  # the cells of the first texts seen (a ledger repeats its labels)

    def freeze_header(self) -> None:
        self._frozen = True

    def _open(self) -> IO[bytes]:
        out = self._book._zip.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        view = (
            '<sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
            'state="frozen"/></sheetView>'
            if self._frozen
            else '<sheetView workbookViewId="0"/>'
        )
        cols = "".join(
            f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"/>'
            for i, w in enumerate(self._widths)
        )
        head = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS} xmlns:r="{_REL_NS}">'
            f"<sheetViews>{view}</sheetViews>" + (f"<cols>{cols}</cols>" if cols else "") + "<sheetData>"
        )
        out.write(head.encode())
        return out

    def row(self, values: Iterable[Any], *, style: str = "") -> None:
        """Append a row; `style` is "", "bold" or "title" (as Sheet.row)."""
        self._next += 1
        r = str(self._next)
        s = _STYLE[style]
        attr = f' s="{s}"' if s else ""
        cells: list[str] = []
        add = cells.append
        texts = self._texts
        expected = 0  # a cell names its place only after a gap (the reference is optional in the format)
        # The common types first, tested by exact type (a ledger is mostly text, numbers and dates); the rest
        # (bool, Decimal, datetime, subclasses, lazy text) as _cell says.
        for col, value in enumerate(values):
            kind = type(value)
            if kind is str:
                if not value:
                    continue
                cell = texts.get(value) if attr == "" else None
                if cell is None:
                    text = f"<t>{value}</t>" if _TROUBLE.search(value) is None else _inline(value)
                    cell = f'{attr} t="inlineStr"><is>{text}</is></c>'
                    if attr == "" and len(texts) < 2048:
                        texts[value] = cell
            elif value is None:
                continue
            elif kind is int or kind is float:
                cell = f"{attr}><v>{float(value)!r}</v></c>"
            elif kind is dt.date:
                cell = f' s="3"><v>{(value - _EPOCH_DATE).days}</v></c>'
            else:
                other = _cell(value, attr)
                if other is None:
                    continue
                cell = other
            add("<c" + cell if col == expected else f'<c r="{_column(col)}{r}"{cell}')
            expected = col + 1
        self._pending.append(f'<row r="{r}">{"".join(cells)}</row>')
        if len(self._pending) >= 500:
            self._flush()

    def _flush(self) -> None:
        if self._out is None:
            self._out = self._open()
        self._out.write("".join(self._pending).encode())
        self._pending = []

    def close(self) -> None:
        self._flush()
        out = self._out or self._open()
        out.write(b"</sheetData></worksheet>")
        out.close()


class StreamBook:
    """A one-sheet workbook streamed to `out` (a file: the zip is written as it goes)."""

    def __init__(self, out: IO[bytes]) -> None:
        self._zip = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        self._sheet: StreamSheet | None = None

    def sheet(self, title: str, widths: Sequence[float] = ()) -> StreamSheet:
        if self._sheet is not None:
            raise ValueError("a streamed workbook has one sheet")
        self._sheet = StreamSheet(self, title, widths)
        return self._sheet

    def close(self) -> None:
        sheet = self._sheet or self.sheet("Sheet1")
        sheet.close()
        parts = {
            "[Content_Types].xml": (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
                "</Types>"
            ),
            "_rels/.rels": (
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_RELS}">'
                f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
                "</Relationships>"
            ),
            "xl/workbook.xml": (
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {_NS} xmlns:r="{_REL_NS}">'
                f'<sheets><sheet name="{escape(sheet.title, {chr(34): "&quot;"})}" sheetId="1" r:id="rId1"/></sheets>'
                "</workbook>"
            ),
            "xl/_rels/workbook.xml.rels": (
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_RELS}">'
                f'<Relationship Id="rId1" Type="{_REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
                f'<Relationship Id="rId2" Type="{_REL_NS}/styles" Target="styles.xml"/>'
                "</Relationships>"
            ),
            "xl/styles.xml": _STYLES_XML,
        }
        for name, text in parts.items():
            self._zip.writestr(name, text)
        self._zip.close()


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
