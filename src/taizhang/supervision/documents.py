"""The urging notice (催办单) as a Word document, rendered from its stored record (so it can be reprinted)."""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from taizhang.supervision.models import UrgingNotice


def _font(doc: Any) -> None:
    style = doc.styles["Normal"]
    style.font.name = "FangSong"
    style.font.size = Pt(16)
    # East-Asian text uses the eastAsia font slot, which python-docx does not set by itself.
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋_GB2312")


def urging_docx(notice: UrgingNotice) -> bytes:
    """The 催办单 of a notice: heading, number, addressee, body, deadline and issuing office."""
    doc = Document()
    _font(doc)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("催 办 单")
    run.bold = True
    run.font.size = Pt(22)
    number = doc.add_paragraph(f"编号：{notice.number}")
    number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph(f"{notice.unit.name if notice.unit else ''}：")
    doc.add_paragraph(notice.body)
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    rows = [
        ("督办事项", notice.target_label),
        ("逾期环节", notice.step or "—"),
        (
            "原办理时限",
            f"{timezone.localtime(notice.deadline_at):%Y年%m月%d日}" if notice.deadline_at else "—",
        ),
        ("回复期限", f"{timezone.localtime(notice.reply_by):%Y年%m月%d日}" if notice.reply_by else "—"),
    ]
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    doc.add_paragraph("")
    sign = doc.add_paragraph(notice.office.name)
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    date = doc.add_paragraph(f"{timezone.localtime(notice.issued_at):%Y年%m月%d日}")
    date.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
