"""The quarterly bulletin (季度通报) as a .docx laid out after GB/T 9704 (and as PDF through LibreOffice).

Layout: A4, margins 37/35/28/26 mm; red issuing-office header in a 小标宋-style font, the document number
(江扫黑办〔2026〕N号) centred above a red rule; a centred title in 2号 (22 pt); body in 仿宋_GB2312 3号
(16 pt) with 黑体 and 楷体 headings; tables in 仿宋 4号. Word substitutes FangSong/SimSun where a named font
is missing, so each run names the GB font for East Asian text and a Latin fallback.
"""

from __future__ import annotations

import copy
import io
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from taizhang.clues.models import Clue
from taizhang.org.models import Unit
from taizhang.reports import board, charts, dashboard
from taizhang.reports.figures import figures_with_changes
from taizhang.reports.indicators import batch
from taizhang.reports.models import BulletinNote, Indicator
from taizhang.reports.periods import Period

RED = RGBColor(0xC0, 0x00, 0x00)
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUB_FONT = "楷体_GB2312"
LATIN = "Times New Roman"
BULLETIN_CODES = [
    "clues.received",
    "clues.concluded",
    "clues.substantiated",
    "clues.conclusion_rate",
    "orgs.total",
    "procuratorate.prosecutions",
    "discipline.umbrella_cases",
    "assets.seized",
    "drives.run",
    "drives.clues_found",
    "callbacks.satisfaction_rate",
]


@dataclass
class BulletinData:
    """Everything the bulletin prints, gathered with a fixed number of queries."""

    office: Unit
    period: Period
    number: str
    figures: list[dict[str, Any]]
    ranking: list[dict[str, Any]]
    overdue: list[Clue]
    notes: list[BulletinNote]
    monthly: dict[str, Any]


def default_number(office: Unit, period: Period) -> str:
    """江扫黑办〔2026〕N号: the first character of the office's name, 扫黑办, the year, the quarter."""
    prefix = (office.name[:1] + "扫黑办") if "扫黑" in office.name else (office.short_name or office.name)
    seq = (period.start.month - 1) // 3 + 1
    return f"{prefix}〔{period.start.year}〕{seq}号"


def gather(user: Any, office: Unit, period: Period, number: str = "") -> BulletinData:
    """Collect the figures, the ranking, the overdue list and the notes of a period."""
    indicators = list(Indicator.objects.filter(code__in=BULLETIN_CODES, is_active=True))
    with batch():
        figures = figures_with_changes(user, office, period, indicators)
    series = dashboard.clue_series(user, office, period)
    units = board.expected_units(user, office)
    punctual = board.punctuality(user, office, period.start.year, units=units)
    figures_by_unit = {row["unit_id"]: row for row in series["units"]}
    names = {unit.pk: unit.name for unit in units}
    ranking = []
    # Every unit expected to report ranks, with or without clues in the period; then units outside the
    # expected list (inactive ones) that still hold clues.
    for uid in [*names, *(uid for uid in figures_by_unit if uid not in names)]:
        row = figures_by_unit.get(uid) or {
            "unit_id": uid,
            "name": names.get(uid, ""),
            "received": 0,
            "concluded": 0,
            "rate": 0.0,
            "overdue": 0,
        }
        p = punctual.get(uid, {})
        ranking.append(
            {
                **row,
                "on_time": p.get("on_time", 0),
                "late": p.get("late", 0),
                "expected": p.get("expected", 0),
            }
        )
    ranking.sort(key=lambda r: (-r["rate"], r["overdue"], -r["on_time"], r["name"]))
    for rank, row in enumerate(ranking, start=1):
        row["rank"] = rank
    overdue = list(
        Clue.objects.visible_to(user)
        .filter(office__path__startswith=office.path)
        .overdue()
        .select_related("responsible_unit")
        .order_by("deadline_at")[:50]
    )
    notes = list(
        BulletinNote.objects.visible_to(user)
        .filter(office=office, period_start=period.start, period_end=period.end)
        .select_related("unit")
    )
    return BulletinData(
        office,
        period,
        number or default_number(office, period),
        figures,
        ranking,
        overdue,
        notes,
        series["monthly"],
    )


def _fonts(run: Any, east: str, size: float, *, bold: bool = False, colour: RGBColor | None = None) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = LATIN
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east)
    fonts.set(qn("w:hint"), "eastAsia")
    if colour is not None:
        run.font.color.rgb = colour


def _para(
    doc: Any,
    text: str,
    *,
    font: str = BODY_FONT,
    size: float = 16,
    align: Any = None,
    bold: bool = False,
    colour: RGBColor | None = None,
    indent: bool = False,
) -> Any:
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    fmt = p.paragraph_format
    fmt.line_spacing = Pt(28)
    fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    _fonts(p.add_run(text), font, size, bold=bold, colour=colour)
    return p


def _red_rule(paragraph: Any) -> None:
    """The red line under the header (a bottom border of the document-number paragraph)."""
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "6"), ("w:color", "C00000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.append(borders)


def _table(doc: Any, header: list[str], rows: list[list[Any]]) -> Any:
    """A grid table created at its full size at once (adding rows one by one is quadratic in python-docx).

    Each cell's run is a copy of one formatted template run: formatting 1,000+ runs through python-docx's
    property setters costs seconds for a 200-unit ranking, copying an element costs microseconds."""
    table = doc.add_table(rows=len(rows) + 1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    cells = table._cells  # every cell in one pass, row by row
    width = len(header)
    for index, text in enumerate(header):
        _fonts(cells[index].paragraphs[0].add_run(text), HEADING_FONT, 12)
    if not rows:
        return table
    first = cells[width].paragraphs[0].add_run("")
    _fonts(first, BODY_FONT, 12)
    template = copy.deepcopy(first._r)
    first._r.getparent().remove(first._r)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            run = copy.deepcopy(template)
            text = OxmlElement("w:t")
            text.text = "" if value is None else str(value)
            text.set(qn("xml:space"), "preserve")
            run.append(text)
            cells[r * width + c]._tc.p_lst[0].append(run)
    return table


def _fmt_change(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{'+' if value >= 0 else ''}{value}%"


def render_docx(data: BulletinData) -> bytes:
    """The bulletin as .docx bytes."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _para(doc, data.office.name, font=TITLE_FONT, size=26, align=WD_ALIGN_PARAGRAPH.CENTER, colour=RED)
    number = _para(doc, data.number, size=16, align=WD_ALIGN_PARAGRAPH.CENTER)
    _red_rule(number)
    _para(doc, "", size=16)
    title = _("关于%(p)s扫黑除恶工作情况的通报") % {"p": data.period.label}
    _para(doc, title, font=TITLE_FONT, size=22, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "", size=16)
    _para(doc, _("各区县扫黑办，市扫黑除恶斗争领导小组各成员单位："), size=16)
    fig = {row["indicator"].code: row for row in data.figures}

    def value(code: str) -> str:
        row = fig.get(code)
        return (
            f"{row['value']:g}"
            if row and isinstance(row["value"], int | float)
            else str(row["value"])
            if row
            else "0"
        )

    _para(
        doc,
        _("%(p)s，全市共受理线索%(r)s条，查结%(c)s条，查实%(s)s条，查结率%(rate)s%%。现将有关情况通报如下。")
        % {
            "p": data.period.label,
            "r": value("clues.received"),
            "c": value("clues.concluded"),
            "s": value("clues.substantiated"),
            "rate": value("clues.conclusion_rate"),
        },
        indent=True,
    )
    _para(doc, _("一、主要数据"), font=HEADING_FONT, indent=True)
    _table(
        doc,
        [_("指标"), _("本期"), _("计量单位"), _("同比"), _("环比")],
        [
            [
                r["indicator"].name,
                r["value"] if r["persons"] is None else f"{r['value']}件{r['persons']}人",
                r["indicator"].unit_label,
                _fmt_change(r.get("yoy")),
                _fmt_change(r.get("pop")),
            ]
            for r in data.figures
        ],
    )
    png, words = charts.bar_chart(
        data.monthly["months"],
        [
            (_("受理"), [m["value"] for m in data.monthly["received"]]),
            (_("查结"), [m["value"] for m in data.monthly["concluded"]]),
        ],
    )
    doc.add_picture(io.BytesIO(png), width=Mm(150))
    legend = _("图1 近12个月线索受理与查结情况")
    if not words:
        legend += _("（横轴1—12依次为%(a)s至%(b)s，S1为受理，S2为查结）") % {
            "a": data.monthly["months"][0],
            "b": data.monthly["months"][-1],
        }
    _para(doc, legend, size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, _("二、各单位工作排名"), font=HEADING_FONT, indent=True)
    _para(doc, _("按线索查结率、超期未办结线索数和信息报送按时情况排序。"), indent=True)
    _table(
        doc,
        [_("名次"), _("单位"), _("受理"), _("查结"), _("查结率"), _("超期"), _("按时报送")],
        [
            [
                r["rank"],
                r["name"],
                r["received"],
                r["concluded"],
                f"{r['rate']}%",
                r["overdue"],
                f"{r['on_time']}/{r['expected']}",
            ]
            for r in data.ranking
        ],
    )
    _para(doc, _("三、超期未办结线索"), font=HEADING_FONT, indent=True)
    now = timezone.now()
    _table(
        doc,
        [_("线索编号"), _("责任单位"), _("办理时限"), _("超期天数")],
        [
            [
                c.number,
                c.responsible_unit.name if c.responsible_unit else "—",
                f"{timezone.localtime(c.deadline_at):%Y-%m-%d}" if c.deadline_at else "—",
                (now - c.deadline_at).days if c.deadline_at else "—",
            ]
            for c in data.overdue
        ],
    )
    _para(doc, _("四、表扬与批评"), font=HEADING_FONT, indent=True)
    if not data.notes:
        _para(doc, _("本期无。"), indent=True)
    for note in data.notes:
        _para(doc, f"{note.get_kind_display()}：{note.unit.name}。{note.text}", font=SUB_FONT, indent=True)
    _para(doc, "", size=16)
    _para(doc, data.office.name, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, f"{timezone.localdate():%Y年%-m月%-d日}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx: bytes) -> bytes | None:
    """Convert with LibreOffice (`soffice --headless --convert-to pdf`); None when it is not installed."""
    binary = soffice()
    if binary is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "bulletin.docx"
        source.write_bytes(docx)
        subprocess.run(
            [binary, "--headless", "--convert-to", "pdf", "--outdir", tmp, str(source)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        return (Path(tmp) / "bulletin.pdf").read_bytes()
