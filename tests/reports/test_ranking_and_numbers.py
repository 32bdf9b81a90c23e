"""The bulletin's ranking follows the assessment scheme's stated rule (units with nothing to do are not ranked,
equal scores share a rank), and figures print as people write them (万元/亿元, integers, 同比 — with a reason)."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from docx import Document

from taizhang.reports import assessment, bulletin, numbers
from taizhang.reports.periods import Period

Q1 = Period.parse("quarter", "2026-Q1")


@pytest.mark.django_db
def test_units_with_nothing_to_do_never_rank_above_units_with_work(world, ledger):
    data = bulletin.gather(world.people["office_staff"], world.units["city"], Q1)
    worked = [r for r in data.ranking if r["received"] or r["overdue"] or r["received_concluded"]]
    idle = [r for r in data.ranking if r not in worked]
    assert worked and idle
    assert all(r["ranked"] and isinstance(r["rank"], int) for r in worked)
    assert all(not r["ranked"] and r["rank"] is None for r in idle)
    assert data.ranking[: len(worked)] == worked  # ranked units first, best score first
    scores = [r["score"] for r in worked]
    assert scores == sorted(scores, reverse=True)
    doc = Document(io.BytesIO(bulletin.render_docx(data)))
    text = "".join(p.text for p in doc.paragraphs)
    assert str(assessment.RANKING_RULE) in text  # the formula is stated in the bulletin
    ranking = next(t for t in doc.tables if t.rows[0].cells[0].text == "名次")
    for row in ranking.rows[1 + len(worked) :]:
        assert row.cells[0].text == "不参与排名" and row.cells[2].text == "—"


@pytest.mark.django_db
def test_the_assessment_page_states_the_same_rule(world, ledger):
    html = world.client_for("office_leader").get(
        "/reports/assessment/", {"unit": world.units["city"].pk, "year": 2026}
    )
    assert html.status_code == 200
    assert str(assessment.RANKING_RULE) in html.content.decode()


def test_equal_scores_share_a_rank_and_the_next_rank_skips():
    rows = [
        {"ranked": True, "total": Decimal("80.00"), "path": "1/3/"},
        {"ranked": True, "total": Decimal("90.00"), "path": "1/2/"},
        {"ranked": True, "total": Decimal("80.00"), "path": "1/4/"},
        {"ranked": False, "total": Decimal("100.00"), "path": "1/5/"},
        {"ranked": True, "total": Decimal("70.00"), "path": "1/6/"},
    ]
    assessment._rank(rows)
    assert [(r["path"], r["rank"]) for r in rows] == [
        ("1/2/", 1),
        ("1/3/", 2),
        ("1/4/", 2),
        ("1/6/", 4),
        ("1/5/", None),
    ]


@pytest.mark.parametrize(
    ("value", "label", "persons", "shown"),
    [
        (Decimal("72220000.0"), "元", None, "7222万元"),
        (118560000.0, "元", None, "1.19亿元"),
        (Decimal("3500"), "元", None, "3500元"),
        (Decimal("0.00"), "个", None, "0个"),
        (Decimal("1.00"), "次", None, "1次"),
        (3, "件", Decimal("13.00"), "3件13人"),
        (2.0, "%", None, "2.0%"),
        (151, "条", None, "151条"),
    ],
)
def test_figures_print_as_people_write_them(value, label, persons, shown):
    assert numbers.show(value, label, persons) == shown


def test_a_change_without_a_base_says_why():
    assert numbers.change(12.5, 8, what="上年同期") == "+12.5%"
    assert numbers.change(-3.0, 8, what="上期") == "-3%"
    assert numbers.change(None, 0, what="上年同期") == "—（上年同期为0）"
    assert numbers.change(None, None, what="上年同期") == "—（上年同期无数据）"


@pytest.mark.django_db
def test_the_bulletin_tables_print_money_counts_and_changes_as_people_write_them(world, ledger):
    staff, city = world.people["office_staff"], world.units["city"]
    data = bulletin.gather(staff, city, Q1)
    seized = next(r for r in data.figures if r["indicator"].code == "assets.seized")
    seized["value"] = 72220000.0  # what the demo's cases held (the cases app computes it as a float of 元)
    doc = Document(io.BytesIO(bulletin.render_docx(data)))
    table = {row.cells[0].text: [c.text for c in row.cells] for row in doc.tables[0].rows}
    assert table[data.figures[0]["indicator"].name]  # the main figures table is there
    assert table[seized["indicator"].name][1] == "7222万元"
    for row in table.values():
        if row[0] == "指标":
            continue
        value, yoy, pop = row[1], row[2], row[3]
        assert not re.search(r"\d\.0+(?!\d)(?!%)", value), row  # no "0.00 个", "72220000.0 元"
        assert not re.search(r"\d{5,}元", value), row  # big money in 万元/亿元
        for change in (yoy, pop):
            assert re.fullmatch(
                r"[+-]\d+(\.\d)?(%|个百分点)|—（(上年同期|上期)(为0|无数据|无受理线索，无查结率)）", change
            ), row
    # A rate changes in 百分点; with no clues received in the earlier period there is no rate to compare.
    assert table["查结率"][2:] == ["—（上年同期无受理线索，无查结率）", "—（上期无受理线索，无查结率）"]
    html = world.client_for("office_staff").get(
        "/reports/bulletin/", {"unit": city.pk, "period": "2026-Q1", "kind": "quarter"}
    )
    assert "—%" not in html.content.decode()


def test_a_rate_changes_in_percentage_points():
    from types import SimpleNamespace

    rate = SimpleNamespace(unit_label="%")
    row = {"indicator": rate, "value": 62.5, "previous": 50.0, "pop": 25.0, "last_year": None, "yoy": None}
    assert numbers.row_change(row, "pop") == "+12.5个百分点"
    assert numbers.row_change(row, "yoy") == "—（上年同期无受理线索，无查结率）"
    count = {"indicator": SimpleNamespace(unit_label="条"), "value": 12, "previous": 0, "pop": None}
    assert numbers.row_change(count, "pop") == "—（上期为0）"
