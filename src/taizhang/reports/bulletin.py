"""The quarterly bulletin (季度通报) as a .docx in the office layout (core/gongwen.py, after GB/T 9704), and as
PDF through LibreOffice.

Every figure comes from the indicator catalogue (reports/measures.py) and is printed as people write it
(reports/numbers.py); the ranking is the assessment scheme's score for the quarter (assessment.RANKING_RULE,
printed in the bulletin).
"""

from __future__ import annotations

import copy
import io
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.clues.models import Clue
from taizhang.core.gongwen import (
    BODY_FONT,
    HEADING_FONT,
    SUB_FONT,
    TITLE_FONT,
    Gongwen,
    alignment,
    date_text,
    set_fonts,
)
from taizhang.org.models import Unit
from taizhang.reports import assessment, board, dashboard, from_below, numbers
from taizhang.reports.figures import figures_with_changes
from taizhang.reports.indicators import batch
from taizhang.reports.models import BulletinNote, Indicator
from taizhang.reports.periods import Period

__all__ = ["BODY_FONT", "TITLE_FONT", "BulletinData", "gather", "render_docx", "to_pdf"]
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
    "publicity.security_rate",
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
    # This office beside every lower instance that sent its report for the period (from_below.levels).
    levels: dict[str, Any] = field(default_factory=dict)


def default_number(office: Unit, period: Period) -> str:
    """江扫黑办〔2026〕N号: the first character of the office's name, 扫黑办, the year, the quarter."""
    prefix = (office.name[:1] + "扫黑办") if "扫黑" in office.name else (office.short_name or office.name)
    seq = (period.start.month - 1) // 3 + 1
    return f"{prefix}〔{period.start.year}〕{seq}号"


def gather(user: Any, office: Unit, period: Period, number: str = "") -> BulletinData:
    """Collect the figures, the ranking, the overdue list and the notes of a period (in one batch: the
    ranking's figures and the units' own rows are counted once)."""
    with batch():
        return _gather(user, office, period, number)


def _gather(user: Any, office: Unit, period: Period, number: str) -> BulletinData:
    indicators = list(Indicator.objects.filter(code__in=BULLETIN_CODES, is_active=True))
    figures = figures_with_changes(user, office, period, indicators)
    series = dashboard.clue_series(user, office, period)
    units = board.expected_units(user, office)
    punctual = board.punctuality(user, office, period.start.year, units=units, period=period)
    figures_by_unit = dashboard.own_figures(user, units, period)
    scheme = assessment.default_scheme(office, period.start.year)
    ranking = []
    # The assessment scheme's score for the quarter ranks every unit expected to report (RANKING_RULE).
    for result in assessment.score(user, scheme, period):
        unit = result["unit"]
        row = figures_by_unit.get(unit.pk) or {
            "unit_id": unit.pk,
            "received": 0,
            "received_concluded": 0,
            "rate": None,
            "overdue": 0,
        }
        p = punctual.get(unit.pk, {})
        ranking.append(
            {
                **row,
                "name": unit.name,
                "score": result["total"],
                "ranked": result["ranked"],
                "rank": result["rank"],
                "on_time": p.get("on_time", 0),
                "late": p.get("late", 0),
                "expected": p.get("expected", 0),
            }
        )
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
        from_below.levels(user, office, period, lambda: series["cards"]),
    )


def _table(doc: Any, header: list[str], rows: list[list[Any]]) -> Any:
    """A grid table created at its full size at once (adding rows one by one is quadratic in python-docx).

    Each cell's run is a copy of one formatted template run: formatting 1,000+ runs through python-docx's
    property setters costs seconds for a 200-unit ranking, copying an element costs microseconds."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    table = doc.add_table(rows=len(rows) + 1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    cells = table._cells  # every cell in one pass, row by row
    width = len(header)
    for index, text in enumerate(header):
        set_fonts(cells[index].paragraphs[0].add_run(text), HEADING_FONT, 12)
    if not rows:
        return table
    first = cells[width].paragraphs[0].add_run("")
    set_fonts(first, BODY_FONT, 12)
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


def summary_text(data: BulletinData) -> str:
    """The opening paragraph: each figure beside its own definition (查结率 beside its numerator, 查结 with
    "含以前受理的"), so no reader divides two figures that do not belong together."""
    fig = {row["indicator"].code: row for row in data.figures}

    def count(code: str) -> str:
        return numbers.count(fig[code]["value"]) if code in fig else "0"

    rate = fig.get("clues.conclusion_rate")
    rate_text = numbers.show(rate["value"], "%") if rate else "—"
    numerator = numbers.count(rate["numerator"]["value"]) if rate and "numerator" in rate else "0"
    return _(
        "%(p)s，共受理线索%(r)s条，其中已查结%(rc)s条，查结率%(rate)s；本期共查结线索%(c)s条（含以前受理的），"
        "其中查实%(s)s条。现将有关情况通报如下。"
    ) % {
        "p": data.period.label,
        "r": count("clues.received"),
        "rc": numerator,
        "rate": rate_text,
        "c": count("clues.concluded"),
        "s": count("clues.substantiated"),
    }


def figure_rows(data: BulletinData) -> list[list[str]]:
    """The main figures table: value with its unit as people write it, 同比 and 环比 with the reason when none."""
    rows = []
    for r in data.figures:
        label = r["indicator"].unit_label
        rows.append(
            [
                r["indicator"].name,
                numbers.show(r["value"], label, r["persons"]),
                numbers.row_change(r, "yoy"),
                numbers.row_change(r, "pop"),
            ]
        )
    return rows


def level_rows(data: BulletinData) -> list[list[str]]:
    """Each level's row (this office, then every lower office as sent) and the totals, as people write them."""
    codes = [c["code"] for c in data.levels.get("codes", [])]
    out = []
    for row in [*data.levels.get("rows", []), data.levels.get("total")]:
        if row is None:
            continue
        name = row["name"] + (_("（经%(via)s转报）") % {"via": row["via"]} if row["via"] else "")
        cells = [
            "—"
            if f is None
            else numbers.show(f["value"], "%")
            if code == "clues.conclusion_rate"
            else numbers.count(f["value"])
            for code, f in zip(codes, row["figures"], strict=True)
        ]
        out.append([name, *cells])
    return out


def ranking_rows(data: BulletinData) -> list[list[Any]]:
    out = []
    for r in data.ranking:
        out.append(
            [
                r["rank"] if r["ranked"] else _("不参与排名"),
                r["name"],
                numbers.number(r["score"]) if r["ranked"] else "—",
                r["received"],
                r["received_concluded"],
                numbers.show(r["rate"], "%") if r["rate"] is not None else "—",
                r["overdue"],
                f"{r['on_time']}/{r['expected']}",
            ]
        )
    return out


def render_docx(data: BulletinData) -> bytes:
    """The bulletin as .docx bytes (python-docx and Pillow are loaded here, not by every server process)."""
    from docx.shared import Mm

    from taizhang.reports import charts

    doc = Gongwen()
    doc.header(data.office.name, data.number)
    doc.title(_("关于%(p)s扫黑除恶工作情况的通报") % {"p": data.period.label})
    doc.para(_("各区县扫黑办，市扫黑除恶斗争领导小组各成员单位："))
    doc.para(summary_text(data), indent=True)
    doc.heading(_("一、主要数据"))
    _table(doc.doc, [_("指标"), _("本期"), _("同比"), _("环比")], figure_rows(data))
    if data.levels.get("rows"):
        doc.para(
            _("本级与下级台账报送的数据如下（下级数据为其报告报送时的数值，合计为各行之和）："), indent=True
        )
        _table(doc.doc, [_("单位"), *(c["name"] for c in data.levels["codes"])], level_rows(data))
    chart = charts.bar_chart(
        data.monthly["months"],
        [
            (_("受理"), [m["value"] for m in data.monthly["received"]]),
            (_("查结"), [m["value"] for m in data.monthly["concluded"]]),
        ],
    )
    doc.doc.add_picture(io.BytesIO(chart.png), width=Mm(150))
    legend = _("图1 近12个月线索受理与查结情况")
    if not chart.has_cjk:
        legend += _("（S1为受理，S2为查结）")
    doc.para(legend, size=12, align=alignment("CENTER"))
    doc.heading(_("二、各单位工作排名"))
    doc.para(str(assessment.RANKING_RULE), indent=True)
    _table(
        doc.doc,
        [_("名次"), _("单位"), _("得分"), _("受理"), _("其中已查结"), _("查结率"), _("超期"), _("按时报送")],
        ranking_rows(data),
    )
    doc.heading(_("三、超期未办结线索"))
    now = timezone.now()
    _table(
        doc.doc,
        [_("线索编号"), _("责任单位"), _("办理时限"), _("超期天数")],
        [
            [
                c.number,
                c.responsible_unit.name if c.responsible_unit else "—",
                date_text(c.deadline_at) if c.deadline_at else "—",
                (now - c.deadline_at).days if c.deadline_at else "—",
            ]
            for c in data.overdue
        ],
    )
    doc.heading(_("四、表扬与批评"))
    if not data.notes:
        doc.para(_("本期无。"), indent=True)
    for note in data.notes:
        doc.para(f"{note.get_kind_display()}：{note.unit.name}。{note.text}", font=SUB_FONT, indent=True)
    doc.signature(data.office.name, timezone.localdate())
    return doc.bytes()


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
