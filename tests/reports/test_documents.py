"""Bulletin .docx, the summary sheet, and the assessment (drill-down sums to the score)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from docx import Document
from openpyxl import load_workbook

from taizhang.core import gongwen
from taizhang.org.models import Unit
from taizhang.reports import actions, assessment, bulletin, exports
from taizhang.reports.periods import Period

Q1 = Period.parse("quarter", "2026-Q1")


@pytest.mark.django_db
def test_bulletin_docx_opens_and_has_the_expected_tables(world, ledger):
    staff, city = world.people["office_staff"], world.units["city"]
    actions.do_add_bulletin_note(
        actor=staff,
        office=city,
        unit=world.units["transport"],
        period=Q1,
        kind="commendation",
        text="线索办理及时规范。",
    )
    data = bulletin.gather(staff, city, Q1)
    assert data.number == "测扫黑办〔2026〕1号"
    doc = Document(io.BytesIO(bulletin.render_docx(data)))
    text = "\n".join(p.text for p in doc.paragraphs)
    joined = "".join(p.text for p in doc.paragraphs)  # the title may be set in two balanced lines
    assert "测试市扫黑办" in doc.paragraphs[0].text
    assert doc.paragraphs[0].runs[0].font.color.rgb == gongwen.RED
    assert "关于2026年第一季度扫黑除恶工作情况的通报" in joined
    assert "表扬：测试市交通运输局。线索办理及时规范。" in text
    assert len(doc.tables) == 3
    figures, ranking, overdue = doc.tables
    assert [c.text for c in figures.rows[0].cells] == ["指标", "本期", "同比", "环比"]
    received = next(r for r in figures.rows if r.cells[0].text == "受理线索")
    assert received.cells[1].text == "4条"  # A, B, D, E for office staff
    names = [r.cells[1].text for r in ranking.rows[1:]]
    # Every unit expected to report is listed, with or without clues; transport, construction and the district
    # office (the units with clue work: for an office, its subtree's clues, as on the dashboard) rank, the others
    # are listed as not ranked.
    assert set(names[:3]) == {"测试市交通运输局", "测试市住建局", "测试区扫黑办"}
    assert [r.cells[0].text for r in ranking.rows[4:]] == ["不参与排名"] * (len(ranking.rows) - 4)
    expected = Unit.objects.filter(path__startswith=city.path, is_active=True).exclude(pk=city.pk)
    assert sorted(names) == sorted(expected.values_list("name", flat=True))
    construction = next(r for r in data.ranking if r["name"] == "测试市住建局")
    assert (construction["received"], construction["received_concluded"], construction["rate"]) == (1, 0, 0.0)
    assert [r.cells[0].text for r in overdue.rows[1:]] == [ledger.b.number]
    assert doc.inline_shapes and len(doc.inline_shapes) == 1  # the chart image
    body_font = (
        next(p for p in doc.paragraphs if p.text.startswith("2026年第一季度，"))
        .runs[0]
        ._element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
    )
    assert body_font == bulletin.BODY_FONT


@pytest.mark.django_db
def test_bulletin_for_a_member_of_another_office_does_not_leak(world, ledger):
    data = bulletin.gather(world.people["district_staff"], world.units["district"], Q1)
    district = world.units["district"]
    assert data.overdue == []
    assert {r["unit_id"] for r in data.ranking} <= set(
        Unit.objects.filter(path__startswith=district.path).values_list("pk", flat=True)
    )
    assert all(r["received"] == r["overdue"] == 0 for r in data.ranking)


@pytest.mark.django_db
def test_summary_sheet_has_one_row_per_unit(world, ledger):
    body = exports.summary_xlsx(
        world.people["office_staff"], world.units["city"], Period.parse("month", "2026-03")
    )
    ws = load_workbook(io.BytesIO(body)).active
    rows = {r[0]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    assert rows["测试市交通运输局"][1:5] == (2, 1, 50.0, 1)
    assert rows["测试市住建局"][1:3] == (1, 0)
    assert "测试区扫黑办" in rows


@pytest.mark.django_db
def test_assessment_lines_sum_to_the_score_and_deductions_show_their_reason(world, ledger):
    staff, city = world.people["office_staff"], world.units["city"]
    scheme = assessment.default_scheme(city, 2026)
    actions.do_add_assessment_deduction(
        scheme.pk, actor=staff, unit=world.units["construction"], points="3", reason="3月信息月报未报送"
    )
    with pytest.raises(Exception, match="理由"):
        actions.do_add_assessment_deduction(
            scheme.pk, actor=staff, unit=world.units["construction"], points="1", reason=""
        )
    results = assessment.score(staff, scheme)
    ranked = [r for r in results if r["ranked"]]
    assert [r["rank"] for r in ranked] == list(range(1, len(ranked) + 1))
    assert all(r["rank"] is None for r in results if not r["ranked"])
    for row in results:
        scored = [line for line in row["lines"] if line["weight"] is not None and line["applicable"]]
        assert sum((line["points"] for line in scored), Decimal(0)) == row["earned"]
        deducted = sum((line["points"] for line in row["lines"] if line["weight"] is None), Decimal(0))
        scaled = row["earned"] * 100 / row["applicable_weight"] if row["applicable_weight"] else 0
        assert abs(row["total"] - (scaled + deducted)) <= Decimal("0.01")
    construction = next(r for r in results if r["unit"].code == "ZJ")
    assert any(
        line["basis"] == "3月信息月报未报送" and line["points"] == Decimal("-3.00")
        for line in construction["lines"]
    )
    transport = next(r for r in results if r["unit"].code == "JT")
    rate_line = next(line for line in transport["lines"] if line["item"] == "线索查结率")
    assert rate_line["points"] == Decimal("15.00")  # 50% of 30 points: A of A, B in 2026
    body = exports.assessment_xlsx(scheme.name, results)
    wb = load_workbook(io.BytesIO(body))
    assert wb.sheetnames == ["排名", "得分明细"]


@pytest.mark.django_db
def test_pdf_needs_libreoffice(monkeypatch):
    monkeypatch.setattr(bulletin.shutil, "which", lambda name: None)
    assert bulletin.to_pdf(b"x") is None
