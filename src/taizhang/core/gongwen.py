"""The one layout of every .docx the office sends out (移送函, 催办单, 季度通报…), after GB/T 9704-2012.

A4 (210 × 297 mm), margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (a 156 × 225 mm text block);
版头: the issuing office in red 方正小标宋简体, the document number (发文字号) centred under it, a red rule; title
in 方正小标宋简体 2号 (22 pt), centred, split into balanced lines so no line holds a lone character; body in
仿宋_GB2312 3号 (16 pt), 28-pt lines, first lines indented two characters; first-level headings 黑体, second-level
楷体_GB2312; page numbers 4号 宋体 「— 1 —」 from a PAGE field, odd pages right, even pages left; dates as
2026年12月4日. Latin text is Times New Roman; Word substitutes installed fonts for missing GB fonts.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import TYPE_CHECKING, Any

from django.utils import timezone

if TYPE_CHECKING:
    from docx.shared import RGBColor

# python-docx (and lxml under it) is loaded by the first document written, not by every server process that
# imports this module for date_text: RED, CENTER, RIGHT and LEFT are python-docx objects made on first use.
RED_RGB = (0xC0, 0x00, 0x00)
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUB_FONT = "楷体_GB2312"
PAGE_FONT = "宋体"
LATIN = "Times New Roman"
BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
PAGE_PT = 14  # 4号
LINE_PT = 28
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
TEXT_WIDTH_MM = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]


def __getattr__(name: str) -> Any:
    """RED, CENTER, RIGHT, LEFT for the modules that import them (PEP 562), python-docx loaded on first use."""
    if name == "RED":
        from docx.shared import RGBColor

        return RGBColor(*RED_RGB)
    if name in ("CENTER", "RIGHT", "LEFT"):
        return alignment(name)
    raise AttributeError(name)


def alignment(name: str) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    return getattr(WD_ALIGN_PARAGRAPH, name)


# "1." "1、" "（1）" "一、" at the start of a line someone typed: the document numbers the lines itself.
_LEADING_NUMBER = re.compile(r"^\s*(?:[（(]?[0-9０-９一二三四五六七八九十]+[)）.、．]\s*)+")


def date_text(value: dt.date | dt.datetime) -> str:
    """2026年12月4日 (local date, no leading zeros), as 公文 write 成文日期."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


def strip_numbering(line: str) -> str:
    """A typed list line without its own leading number, so numbering it again never gives "1. 1.群众来信"."""
    return _LEADING_NUMBER.sub("", line).strip()


def set_fonts(
    run: Any, east: str, size: float, *, bold: bool = False, colour: RGBColor | None = None
) -> None:
    """Name the GB font for East Asian text and Times New Roman for Latin text, at `size` points."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = LATIN
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east)
    fonts.set(qn("w:hint"), "eastAsia")
    if colour is not None:
        run.font.color.rgb = colour


def _char_width(ch: str) -> float:
    """Width in em, erring wide: CJK and full-width characters 1, Latin letters and digits 0.6 (½ in Times New
    Roman, wider in the fallback fonts LibreOffice and WPS substitute)."""
    return 0.6 if ord(ch) < 0x2E80 else 1.0


def title_lines(text: str, size: float = TITLE_PT, width_mm: float = TEXT_WIDTH_MM) -> list[str]:
    """Balanced lines of a title that does not fit on one line (never a lone character on the last line)."""
    # em that fit on a line, less one for the renderers' spacing and punctuation rules
    per_line = int(width_mm / (size * 25.4 / 72)) - 1
    total = sum(_char_width(c) for c in text)
    if total <= per_line:
        return [text]
    count = int(-(-total // per_line))
    if count == 2:
        return _two_lines(text, per_line)
    target = total / count
    lines: list[str] = []
    current, used = "", 0.0
    for ch in text:
        if used + _char_width(ch) > target + 0.5 and len(lines) < count - 1:
            lines.append(current)
            current, used = "", 0.0
        current += ch
        used += _char_width(ch)
    lines.append(current)
    return lines


# Where a 公文 title breaks well: before these words, or after these (never inside 扫黑除恶).
BREAK_BEFORE = ("扫黑除恶", "工作情况", "有关情况", "的通报", "的函", "的通知", "线索")
BREAK_AFTER = ("季度", "年度", "上半年", "下半年", "月份", "关于")


def _two_lines(text: str, per_line: float) -> list[str]:
    """Two lines that both fit, breaking at a word boundary of the title when one lies near the middle."""
    widths = [_char_width(c) for c in text]
    total = sum(widths)
    best: tuple[float, int] | None = None
    for cut in range(1, len(text)):
        left = sum(widths[:cut])
        if left > per_line or total - left > per_line:
            continue
        good = text[cut:].startswith(BREAK_BEFORE) or text[:cut].endswith(BREAK_AFTER)
        score = abs(total - 2 * left) - (100 if good else 0)
        if best is None or score < best[0]:
            best = (score, cut)
    cut = best[1] if best else len(text) // 2
    return [text[:cut], text[cut:]]


class Gongwen:
    """A document being written in the office layout; `bytes()` returns the .docx."""

    def __init__(self) -> None:
        from docx import Document
        from docx.oxml.ns import qn
        from docx.shared import Mm, Pt

        self.doc = Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
        section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
        section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
        section.footer_distance = Mm(28)  # the page number sits 7 mm below the text block
        normal = self.doc.styles["Normal"]
        normal.font.name = LATIN
        normal.font.size = Pt(BODY_PT)
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
        self._page_numbers()

    def _page_numbers(self) -> None:
        """「— 1 —」 from a PAGE field: odd pages right, even pages left (one character in from the edge)."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Pt

        self.doc.settings.odd_and_even_pages_header_footer = True
        section = self.doc.sections[0]
        for footer, align in (
            (section.footer, alignment("RIGHT")),
            (section.even_page_footer, alignment("LEFT")),
        ):
            p = footer.paragraphs[0]
            p.alignment = align
            fmt = p.paragraph_format
            fmt.left_indent = fmt.right_indent = Pt(PAGE_PT)
            set_fonts(p.add_run("— "), PAGE_FONT, PAGE_PT)
            field = OxmlElement("w:fldSimple")
            field.set(qn("w:instr"), "PAGE")
            run = p.add_run("1")
            set_fonts(run, PAGE_FONT, PAGE_PT)
            field.append(run._r)
            p._p.append(field)
            set_fonts(p.add_run(" —"), PAGE_FONT, PAGE_PT)

    def para(
        self,
        text: str = "",
        *,
        font: str = BODY_FONT,
        size: float = BODY_PT,
        align: Any = None,
        bold: bool = False,
        colour: RGBColor | None = None,
        indent: bool = False,
        right_chars: int = 0,
    ) -> Any:
        """One paragraph of one run in the given font; `indent` indents the first line two characters."""
        from docx.shared import Pt

        p = self.doc.add_paragraph()
        if align is not None:
            p.alignment = align
        fmt = p.paragraph_format
        fmt.line_spacing = Pt(LINE_PT)
        fmt.space_after = Pt(0)
        fmt.space_before = Pt(0)
        if indent:
            fmt.first_line_indent = Pt(size * 2)
        if right_chars:
            fmt.right_indent = Pt(size * right_chars)
        set_fonts(p.add_run(text), font, size, bold=bold, colour=colour)
        return p

    def header(self, office: str, number: str = "") -> None:
        """版头: the office in red 小标宋, the document number centred, a red rule under it."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import RGBColor

        self.para(office, font=TITLE_FONT, size=26, align=alignment("CENTER"), colour=RGBColor(*RED_RGB))
        self.para()
        last = self.para(number, align=alignment("CENTER"))
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "6"), ("w:color", "C00000")):
            bottom.set(qn(key), value)
        borders.append(bottom)
        last._p.get_or_add_pPr().append(borders)
        self.para()

    def title(self, text: str) -> None:
        """The title in 2号 小标宋, centred, in balanced lines, then an empty line."""
        for line in title_lines(text):
            self.para(line, font=TITLE_FONT, size=TITLE_PT, align=alignment("CENTER"))
        self.para()

    def heading(self, text: str) -> None:
        self.para(text, font=HEADING_FONT, indent=True)

    def numbered(self, lines: list[str]) -> None:
        """A numbered list (1. 2. …), dropping the numbers people typed themselves."""
        kept = [strip_numbering(line) for line in lines]
        for i, line in enumerate([x for x in kept if x], start=1):
            self.para(f"{i}. {line}", indent=True)

    def signature(self, office: str, when: dt.date | dt.datetime) -> None:
        """署名 and 成文日期 at the right, four characters in from the edge, after an empty line."""
        self.para()
        self.para(office, align=alignment("RIGHT"), right_chars=4)
        self.para(date_text(when), align=alignment("RIGHT"), right_chars=4)

    def table(self, rows: list[tuple[str, str]]) -> Any:
        """A two-column grid of label and value (仿宋 4号 is too small for forms: 3号 as the body)."""
        table = self.doc.add_table(rows=len(rows), cols=2)
        table.style = "Table Grid"
        for (label, value), row in zip(rows, table.rows, strict=True):
            set_fonts(row.cells[0].paragraphs[0].add_run(label), HEADING_FONT, BODY_PT - 2)
            set_fonts(row.cells[1].paragraphs[0].add_run(value), BODY_FONT, BODY_PT - 2)
        return table

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()
