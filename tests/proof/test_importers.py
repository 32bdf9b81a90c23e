"""Property tests on the importers: any workbook gives clear per-row errors or a whole import, never a crash
and never half of one. (The problem-list importer of rectification joins here once it lands.)"""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taizhang.clues import imports
from taizhang.clues.exports import COLUMNS
from taizhang.clues.models import Clue, ImportJob
from taizhang.core import files
from taizhang.core.errors import ActionError
from taizhang.core.models import AuditEntry

PROPERTY = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Cells as people type them: good values, near misses, hostile text and the wrong types.
good_channel = st.sampled_from(["群众来信", "来访", "电话/热线", "letter", "12337平台交办"])
any_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=60
)
hostile = st.sampled_from(
    [
        '=HYPERLINK("http://x")',
        "<script>alert(1)</script>",
        "'; DROP TABLE clues_clue; --",
        "\u202e反转",
        "  ",
    ]
)
cell = st.one_of(
    st.none(),
    any_text,
    hostile,
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=False, width=32),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 1, 1)),
)
date_cell = st.one_of(
    st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2026, 1, 1)),
    st.sampled_from(["2024-03-05", "2024年3月5日", "2024/13/45", "昨天", ""]),
)


@st.composite
def ledger_row(draw):
    row = {name: draw(cell) for name in COLUMNS if draw(st.booleans())}
    if draw(st.booleans()):  # often a row that should pass
        row.update(
            {
                "来源": draw(good_channel),
                "受理时间": draw(date_cell),
                "被举报人": draw(st.sampled_from(["张某某", "李某、王某", "赵某;钱某", ""])),
                "主要问题": draw(st.one_of(st.sampled_from(["强揽工程", "<b>欺行霸市</b>"]), any_text)),
            }
        )
    return row


def _workbook(rows: list[dict]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    for row in rows:
        values = []
        for name in COLUMNS:
            value = row.get(name)
            if isinstance(value, str):
                value = "".join(ch for ch in value if ch.isprintable() or ch in "\n\t")
            values.append(value)
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _run(world, content: bytes) -> ImportJob:
    stored = files.store([content])
    job = ImportJob.objects.create(
        office=world.units["city"],
        created_by=world.people["office_staff"],
        original_name="台账.xlsx",
        sha256=stored.sha256,
        storage_path=stored.storage_path,
    )
    return imports.run_import(job.pk)


@PROPERTY
@given(rows=st.lists(ledger_row(), min_size=1, max_size=6))
def test_any_ledger_is_imported_whole_or_not_at_all(world, rows):
    clues_before, audit_before = Clue.objects.count(), AuditEntry.objects.count()
    job = _run(world, _workbook(rows))
    created = Clue.objects.count() - clues_before
    if job.status == ImportJob.Status.FAILED:
        assert job.errors, "a failed import says why"
        for error in job.errors:
            assert error["message"] and isinstance(error["row"], int)
        assert created == 0, "a failed import wrote clues"
        assert AuditEntry.objects.count() == audit_before
    else:
        assert job.status == ImportJob.Status.DONE
        assert created == job.created_count
        assert job.created_count + job.skipped_count == job.total


@PROPERTY
@given(data=st.binary(max_size=2048), prefix=st.sampled_from([b"", b"PK\x03\x04", b"%PDF-"]))
def test_garbage_files_are_refused_with_a_message(world, data, prefix):
    clues_before = Clue.objects.count()
    job = _run(world, prefix + data)
    assert job.status == ImportJob.Status.FAILED
    assert job.errors and job.errors[0]["message"]
    assert Clue.objects.count() == clues_before


def test_a_row_error_names_row_and_column(world):
    job = _run(
        world,
        _workbook(
            [
                {"来源": "群众来信", "受理时间": "2024-03-05", "被举报人": "张某", "主要问题": "强揽工程"},
                {"来源": "飞鸽传书", "受理时间": "2024-03-05", "被举报人": "李某", "主要问题": "欺行霸市"},
            ]
        ),
    )
    assert job.status == ImportJob.Status.FAILED
    assert any(e["row"] == 3 and e["column"] == "来源" for e in job.errors)
    assert not Clue.objects.filter(summary="强揽工程").exists()


def test_an_xlsx_zip_bomb_is_refused_by_the_importer(world):
    from tests.proof.test_uploads import _bomb

    job = _run(world, _bomb("xl/workbook.xml", unpacked_mb=20))
    assert job.status == ImportJob.Status.FAILED
    assert "压缩炸弹" in job.errors[0]["message"]


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "=1+1", "</textarea>"])
def test_hostile_text_is_stored_as_text(world, text):
    job = _run(
        world,
        _workbook(
            [{"来源": "群众来信", "受理时间": "2024-03-05", "被举报人": "张某", "主要问题": "强揽" + text}]
        ),
    )
    assert job.status == ImportJob.Status.DONE, job.errors
    assert Clue.objects.filter(summary="强揽" + text).exists()


def test_importer_errors_are_action_errors():
    assert issubclass(imports.ImportRefused, ActionError)


# ---- the rectification problem list (问题清单) ----

PROBLEM_COLUMNS = ["序号", "问题", "整改措施", "责任单位", "责任人", "完成时限", "进展情况", "是否销号"]


@st.composite
def problem_row(draw):
    if draw(st.booleans()):
        return [
            draw(st.integers(1, 99)),
            draw(st.sampled_from(["工程领域强揽", "<b>市场垄断</b>", ""])),
            draw(st.sampled_from(["开展专项整治", "=SUM(A1)", ""])),
            draw(st.sampled_from(["测试市交通运输局", "测试市住建局、测试市交通运输局", "不存在的局", ""])),
            draw(st.sampled_from(["人员1", ""])),
            draw(st.one_of(date_cell, st.just("2026-06-30"))),
            draw(any_text),
            draw(st.sampled_from(["是", "否", "", "也许"])),
        ]
    return [draw(cell) for _ in PROBLEM_COLUMNS]


@PROPERTY
@given(rows=st.lists(problem_row(), min_size=0, max_size=6))
def test_any_problem_list_parses_to_rows_or_row_errors(world, rows):
    from taizhang.rectification import imports as problem_imports

    book = openpyxl.Workbook()
    book.active.append(PROBLEM_COLUMNS)
    for row in rows:
        book.active.append(
            [("".join(ch for ch in v if ch.isprintable()) if isinstance(v, str) else v) for v in row]
        )
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    result = problem_imports.parse(out)
    assert result.rows or result.errors, "an import says what it found or why it found nothing"
    for error in result.errors:
        assert error.strip()


def test_a_damaged_problem_list_is_refused_with_a_message(db):
    from taizhang.rectification import imports as problem_imports

    result = problem_imports.parse(io.BytesIO(b"PK\x03\x04 not really a workbook"))
    assert result.errors and not result.rows
