"""Every .docx the system generates is an office document in the GB/T 9704 layout (core/gongwen.py).

Each generator is fetched through its real URL (the transfer letter, the urging notice, the quarterly bulletin, the typical cases)
and opened with python-docx: A4, margins 37/35/28/26 mm, 仿宋_GB2312 3号 body, 方正小标宋简体 title on lines that
fit, a 「— PAGE —」 page number on odd and even pages, dates as 2026年12月4日, lists numbered once, no broken
wording. A scan keeps the list of generators complete: a new .docx URL or a `Document()` made outside the
layout module fails here. The bulletin is also rendered to PDF where LibreOffice is installed.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.urls import get_resolver
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from PIL import Image

from taizhang.clues.models import Transfer
from taizhang.core import gongwen
from taizhang.publicity import actions as publicity
from taizhang.reports import bulletin, charts
from taizhang.supervision import worker
from taizhang.supervision.actions import do_issue_urging_notice
from taizhang.supervision.models import UrgingNotice
from tests.cases.conftest import cases  # noqa: F401 - the case maker fixture
from tests.clues.conftest import Walk

SRC = Path(gongwen.__file__).resolve().parents[1]
# The .docx URL patterns, each with the generator test below that opens it.
DOCX_URLS = {"transfers/<int:pk>/letter.docx", "urging/<int:pk>.docx", "typical/export.docx"}
FONTS = {gongwen.BODY_FONT, gongwen.TITLE_FONT, gongwen.HEADING_FONT, gongwen.SUB_FONT, gongwen.PAGE_FONT}


@pytest.fixture
def documents(world, cases):  # noqa: F811 - the imported fixture
    """Every generated .docx, fetched as a person downloads it."""
    walk = Walk(world)
    clue = walk.transferred()
    Transfer.objects.filter(clue=clue).update(
        evidence_list="1. 群众来信\n2、现场照片\n（3）询问笔录\n核查报告",
        note="该线索涉及多名被举报人，请一并核查。",
    )
    transfer = Transfer.objects.get(clue=clue)
    staff = world.client_for("office_staff")
    letter = staff.get(f"/clues/transfers/{transfer.pk}/letter.docx")
    assigned = walk.assigned()
    notice = do_issue_urging_notice(assigned, actor=world.people["office_staff"], note="请加快核查进度。")
    urging = staff.get(f"/supervision/urging/{notice.pk}.docx")
    # And one the worker issues by itself, with its own wording and dates, two weeks after the deadline.
    late = walk.assigned()
    worker.run_once(late.deadline_at + dt.timedelta(days=14))
    issued = UrgingNotice.objects.filter(target_id=late.pk, issued_by__isnull=True).latest("pk")
    automatic = staff.get(f"/supervision/urging/{issued.pk}.docx")
    report = staff.get(
        "/reports/bulletin/",
        {"unit": world.units["city"].pk, "period": "2026-Q1", "kind": "quarter", "format": "docx"},
    )
    typical = publicity.do_draft_typical(
        actor=world.people["office_staff"],
        case_id=cases.register(
            brief="王某某团伙在东湖区码头强迫交易。\n违法所得1200万元。", clues=[walk.assigned()]
        ).pk,
        title="王某某强迫交易案",
    )
    publicity.do_approve_typical(typical.pk, actor=world.people["office_leader"])
    cases_doc = staff.get("/publicity/typical/export.docx")
    out = {}
    for name, response in (
        ("移送函", letter),
        ("催办单", urging),
        ("自动催办单", automatic),
        ("季度通报", report),
        ("典型案例", cases_doc),
    ):
        assert response.status_code == 200, name
        out[name] = b"".join(response.streaming_content) if response.streaming else response.content
    return out


def _text(doc) -> str:
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _east_asian(run) -> str | None:
    r_pr = run._element.rPr
    fonts = r_pr.rFonts if r_pr is not None else None
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def check_layout(name: str, body: bytes) -> None:
    doc = Document(io.BytesIO(body))
    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.5) and abs(section.page_height - Mm(297)) < Mm(0.5), name
    for side, mm in gongwen.MARGINS_MM.items():
        assert abs(getattr(section, f"{side}_margin") - Mm(mm)) < Mm(1), (name, side)
    normal = doc.styles["Normal"]
    assert normal.font.size.pt == gongwen.BODY_PT, name
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == gongwen.BODY_FONT, name
    runs = [run for p in doc.paragraphs for run in p.runs if run.text.strip()]
    assert {_east_asian(r) for r in runs} <= FONTS, name
    body_runs = [r for r in runs if _east_asian(r) == gongwen.BODY_FONT]
    assert body_runs and all(r.font.size.pt in (gongwen.BODY_PT, 12) for r in body_runs), name
    titles = [p for p in doc.paragraphs if p.runs and _east_asian(p.runs[0]) == gongwen.TITLE_FONT]
    title_lines = [p.text for p in titles if p.runs[0].font.size.pt == gongwen.TITLE_PT]
    assert title_lines, name
    for line in title_lines:
        # Each title line fits the text block (Word never wraps it) and holds more than a lone character.
        assert gongwen.title_lines(line) == [line] and len(line) >= 3, (name, line)
    # Page numbers: a PAGE field between dashes, odd and even pages.
    assert doc.settings.odd_and_even_pages_header_footer, name
    for footer in (section.footer, section.even_page_footer):
        xml = footer._element.xml
        assert re.search(r'w:instr="\s*PAGE\s*"|<w:instrText[^>]*>\s*PAGE', xml), name
        shown = "".join(
            t.text or "" for t in footer.paragraphs[0]._p.iter(qn("w:t"))
        )  # runs in the field too
        assert re.fullmatch(r"— \d+ —", shown), (name, shown)
    text = _text(doc)
    # Dates as 公文 write them; no ISO dates, no leading zeros.
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text), name
    assert not re.search(r"年0\d月|月0\d日", text), name
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", text), name
    # Lists numbered once.
    for p in doc.paragraphs:
        assert not re.match(r"\s*[（(]?\d+[.、．)）]\s*[（(]?\d+[.、．)）]", p.text), (name, p.text)
    # No internal codes, no broken wording.
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), name
    for broken in ("移交公安机关你单位", "移送纪委监委你单位", "你单位依法处理"):
        assert broken not in text, (name, broken)


@pytest.mark.django_db
def test_every_generated_document_is_in_the_office_layout(documents):
    assert set(documents) == {"移送函", "催办单", "自动催办单", "季度通报", "典型案例"}
    for name, body in documents.items():
        check_layout(name, body)


@pytest.mark.django_db
def test_the_transfer_letter_reads_as_a_gongwen_writer_wrote_it(documents):
    text = _text(Document(io.BytesIO(documents["移送函"])))
    assert "现将该线索移送你单位，请依法审查，决定是否立案侦查" in text
    assert "1. 群众来信\n2. 现场照片\n3. 询问笔录\n4. 核查报告" in text


def test_every_docx_url_is_checked_and_documents_are_made_in_one_place():
    found = set()

    def walk(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif ".docx" in str(p.pattern):
                found.add(str(p.pattern))

    walk(get_resolver().url_patterns)
    assert found == DOCX_URLS, "a new .docx download: add it to the documents fixture above"
    makers = [
        path.relative_to(SRC).as_posix()
        for path in SRC.rglob("*.py")
        if re.search(r"\bDocument\(\)", path.read_text(encoding="utf-8"))
    ]
    assert makers == ["core/gongwen.py"], "make documents with core.gongwen.Gongwen (one layout)"


def test_title_lines_are_balanced():
    title = "关于2026年第四季度扫黑除恶工作情况的通报"
    lines = gongwen.title_lines(title)
    assert "".join(lines) == title and len(lines) == 2
    assert min(len(x) for x in lines) >= 8  # never "…的通" / "报"
    assert lines == ["关于2026年第四季度", "扫黑除恶工作情况的通报"]  # broken where a 公文 writer breaks it


def test_dates_and_numbering_helpers():
    assert gongwen.date_text(dt.date(2026, 12, 4)) == "2026年12月4日"
    assert gongwen.strip_numbering("1. 1.群众来信") == "群众来信"
    assert gongwen.strip_numbering("（2）现场照片") == "现场照片"
    assert gongwen.strip_numbering("2026年工作报告") == "2026年工作报告"


def test_chart_month_labels_are_whole():
    months = [f"2025-{m:02d}" for m in range(10, 13)] + [f"2026-{m:02d}" for m in range(1, 10)]
    chart = charts.bar_chart(months, [("受理", list(range(12))), ("查结", list(range(12)))])
    assert Image.open(io.BytesIO(chart.png)).size == (1200, 520)
    assert len(chart.axis_labels) == 12
    tops = [lines[0] for lines in chart.axis_labels]
    assert tops == ([f"{int(k[5:])}月" for k in months] if chart.has_cjk else [k[5:] for k in months])
    years = [lines[1] for lines in chart.axis_labels if len(lines) > 1]
    assert years == (["2025年", "2026年"] if chart.has_cjk else ["2025", "2026"])
    assert max(chart.label_widths) <= chart.slot_width


@pytest.mark.django_db
def test_bulletin_chart_in_the_document_is_whole(documents):
    doc = Document(io.BytesIO(documents["季度通报"]))
    images = [rel.target_part.blob for rel in doc.part.rels.values() if "image" in rel.reltype]
    assert len(images) == 1
    assert Image.open(io.BytesIO(images[0])).size == (1200, 520)


@pytest.mark.django_db
@pytest.mark.skipif(bulletin.soffice() is None, reason="LibreOffice is not installed")
def test_the_bulletin_renders_to_an_a4_pdf(documents):
    pdf = bulletin.to_pdf(documents["季度通报"])
    assert pdf is not None and pdf.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert boxes and all(abs(float(w) - 595.3) < 2 and abs(float(h) - 841.9) < 2 for w, h in boxes)
