"""Approved typical cases as one Word document in the 公文 layout (A4, GB/T 9704 margins and fonts)."""

from __future__ import annotations

import io
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from taizhang.publicity.models import TypicalCase

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _fonts(run: object, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name  # type: ignore[attr-defined]
    run.font.size = Pt(size)  # type: ignore[attr-defined]
    run.font.bold = bold  # type: ignore[attr-defined]
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)  # type: ignore[attr-defined]


def _page_number(section: object) -> None:
    """「— 1 —」 centred in the footer, the page number as a PAGE field."""
    paragraph = section.footer.paragraphs[0]  # type: ignore[attr-defined]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fonts(paragraph.add_run("— "), "宋体", 14)
    run = paragraph.add_run()
    _fonts(run, "宋体", 14)
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._element.append(element)
    _fonts(paragraph.add_run(" —"), "宋体", 14)


def typical_docx(rows: list[TypicalCase]) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _page_number(section)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fonts(title.add_run(_("扫黑除恶典型案例")), "方正小标宋简体", 22)
    for index, typical in enumerate(rows, start=1):
        heading = doc.add_paragraph()
        heading.paragraph_format.first_line_indent = Pt(32)
        label = _("案例%(n)s：%(t)s") % {"n": _chinese_number(index), "t": typical.title}
        if typical.listed:
            label += _("（挂牌督办）")
        _fonts(heading.add_run(label), "黑体", 16)
        for text in typical.summary.splitlines():
            if text.strip():
                body = doc.add_paragraph()
                body.paragraph_format.first_line_indent = Pt(32)
                body.paragraph_format.line_spacing = Pt(28)
                _fonts(body.add_run(text.strip()), "仿宋_GB2312", 16)
    day = timezone.localdate()
    date = doc.add_paragraph()
    date.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _fonts(date.add_run(f"{day.year}年{day.month}月{day.day}日"), "仿宋_GB2312", 16)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _chinese_number(n: int) -> str:
    import cn2an

    return str(cn2an.an2cn(n))


def typical_response(rows: list[TypicalCase]) -> HttpResponse:
    response = HttpResponse(typical_docx(rows), content_type=DOCX)
    name = _("典型案例") + timezone.localdate().strftime("%Y%m%d") + ".docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
