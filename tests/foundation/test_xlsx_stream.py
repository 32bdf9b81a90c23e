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
    "末尾换行\n",
    "\u3000全角空格开头",
    "@SUM(A1)",
    "-1",
    "<&>",
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
    assert all(ws.cell(row=2, column=c).data_type != "f" for c in range(1, len(ROW) + 1))
    assert values[13:] == ["末尾换行\n", "\u3000全角空格开头", "'@SUM(A1)", "'-1", "<&>"]


def test_repeated_and_styled_texts_read_the_same():
    # The streaming writer keeps the cells of texts it has seen; a bold row of the same texts stays bold.
    out = io.BytesIO()
    book = StreamBook(out)
    sheet = book.sheet("重复")
    for style in ("", "bold", ""):
        sheet.row(["市公安局", " 前后空格 ", "=1+1", 3], style=style)
    book.close()
    ws = load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows == [["市公安局", " 前后空格 ", "'=1+1", 3]] * 3
    assert [ws.cell(row=r, column=1).font.b for r in (1, 2, 3)] == [False, True, False]


def test_an_empty_streamed_workbook_still_opens():
    out = io.BytesIO()
    book = StreamBook(out)
    book.sheet("空")
    book.close()
    assert load_workbook(io.BytesIO(out.getvalue())).worksheets[0].max_row == 1
