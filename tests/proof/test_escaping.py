"""Clue text and names holding HTML or JavaScript come out as text everywhere: pages, exports, letters."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl

from taizhang.clues.actions import ReporterData, SubjectData
from taizhang.clues.models import Transfer
from tests.clues.conftest import Walk
from tests.proof import matrix
from tests.proof.conftest import fill
from tests.proof.discovery import page_routes

SCRIPT = '<script>alert("summary")</script>'
IMG = "<img src=x onerror=alert(1)>"
BREAKOUT = '"></textarea><svg onload=alert(2)>'
FORMULA = '=HYPERLINK("http://evil.example","点我")'
PAYLOADS = (SCRIPT, IMG, BREAKOUT)


def _hostile_clue(world):
    walk = Walk(world)
    clue = walk.transferred(
        summary="强揽工程" + SCRIPT,
        subjects=[SubjectData(name="张" + IMG, position=BREAKOUT, unit_name="某公司")],
        reporter=ReporterData(kind="real_name", identity={"name": IMG}, wants_feedback=True),
    )
    clue.refresh_from_db()
    return clue


def _raw_payloads(html: str) -> list[str]:
    return [p for p in PAYLOADS if p in html]


def test_every_page_shows_hostile_text_as_text(world):
    clue = _hostile_clue(world)
    transfer = Transfer.objects.get(clue=clue)
    client = world.client_for("office_leader")
    routes = page_routes()
    checked = 0
    problems = []
    for key, rule in sorted(matrix.PAGES.items()):
        if (
            rule.method != "GET"
            or rule.obj in ("missing", "attachment")
            or "office_leader" not in (rule.allow if not isinstance(rule.allow, dict) else frozenset())
        ):
            continue
        route = routes[key]
        value = transfer.pk if rule.obj == "transfer" else clue.pk
        url = fill(route.pattern, dict.fromkeys(route.params, value))
        response = client.get(url)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        checked += 1
        found = _raw_payloads(html)
        if found:
            problems.append(f"{key} {url}: raw {found}")
    assert checked >= 3
    assert not problems, "\n".join(problems)
    detail = client.get(f"/clues/{clue.pk}/").content.decode()
    assert "&lt;script&gt;" in detail and "&lt;img" in detail  # shown, as text


def test_api_returns_the_text_verbatim_as_json(world):
    clue = _hostile_clue(world)
    body = world.client_for("office_leader").get(f"/api/clues/{clue.pk}").json()
    assert SCRIPT in body["summary"]


def test_export_keeps_text_and_neutralises_formulas(world):
    walk = Walk(world)
    _hostile_clue(world)
    walk.register(summary=FORMULA)
    response = world.client_for("office_leader").get("/clues/export.xlsx")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    values = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(SCRIPT in v for v in values), "the text itself is kept"
    assert not any(isinstance(v, str) and v.startswith("=") for v in values), (
        "a cell starting with = is a formula"
    )
    assert any(FORMULA in v for v in values)


def test_transfer_letter_docx_holds_text_not_markup(world):
    clue = _hostile_clue(world)
    transfer = Transfer.objects.get(clue=clue)
    response = world.client_for("office_leader").get(f"/clues/transfers/{transfer.pk}/letter.docx")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as docx:
        xml = docx.read("word/document.xml").decode()
    # Escaped inside the XML (the document opens), and never as a raw tag.
    assert "<script>" not in xml and "<img" not in xml
    assert "&lt;script&gt;" in xml or "script" not in re.sub(r"<[^>]+>", "", xml)
