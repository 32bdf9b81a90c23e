"""The streaming writer (core/xlsx.StreamBook) makes a workbook that spreadsheet readers open with the values,
types and styles XlsxWriter's Book gives, and every text arrives as text (no live formula)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from taizhang.core.xlsx import Book, StreamBook

ROW = [
    1,
    '=HYPERLINK("http://x","点此")',
    "+1",
    "普通文字 <b>&amp;",
    Decimal("12.3456"),
    2.5,
    True,
    dt.date(2026, 6, 10),
    dt.datetime(2026, 6, 10, 9, 30),
    None,
    "",
    "控制\x01字符",
    " 前后空格 ",
]


def _read(book_cls: type) -> tuple[list[list[object]], object]:
    out = io.BytesIO()
    book = book_cls(out)
    sheet = book.sheet("台账<测试>", widths=[6, 20])
    sheet.freeze_header()
    sheet.row(["序号", "名称"], style="bold")
    sheet.row(ROW)
    book.close()
    ws = load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    return [[c.value for c in row] for row in ws.iter_rows()], ws


def test_streamed_workbook_reads_like_the_xlsxwriter_one():
    streamed, ws = _read(StreamBook)
    written, _ws = _read(Book)
    assert streamed == written
    assert ws.title == "台账<测试>" and ws.freeze_panes == "A2"
    assert ws["A1"].font.b and not ws["A2"].font.b
    assert ws["H2"].number_format == "yyyy-mm-dd" and ws["I2"].value == dt.datetime(2026, 6, 10, 9, 30)
    values = streamed[1]
    assert values[1] == '\'=HYPERLINK("http://x","点此")' and values[2] == "'+1"
    assert values[3] == "普通文字 <b>&amp;" and values[4] == 12.3456 and values[6] is True
    assert all(ws.cell(row=2, column=c).data_type != "f" for c in range(1, 14))


def test_an_empty_streamed_workbook_still_opens():
    out = io.BytesIO()
    book = StreamBook(out)
    book.sheet("空")
    book.close()
    assert load_workbook(io.BytesIO(out.getvalue())).worksheets[0].max_row == 1
