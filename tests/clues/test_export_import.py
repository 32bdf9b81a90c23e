"""Export what I see (.xlsx) and the all-or-nothing import of a legacy ledger."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from taizhang.clues import imports
from taizhang.clues.actions import SubjectData
from taizhang.clues.exports import COLUMNS
from taizhang.clues.models import Clue, ImportJob
from taizhang.core.xlsx import neutralise


def _sheet(response):
    content = b"".join(response.streaming_content)
    wb = load_workbook(io.BytesIO(content))
    return list(wb.worksheets[0].iter_rows(values_only=True))


def test_export_has_the_ledger_layout_and_the_same_filters(world, walk):
    walk.transferred(summary="砂石码头强收费")
    walk.register(summary="客运站强揽客源")
    client = world.client_for("office_staff")
    rows = _sheet(client.get(reverse("clues:export")))
    assert list(rows[0]) == COLUMNS and len(rows) == 3
    rows = _sheet(client.get(reverse("clues:export"), {"status": "transferred"}))
    assert len(rows) == 2
    row = dict(zip(COLUMNS, rows[1], strict=True))
    assert row["主要问题"] == "砂石码头强收费" and row["被举报人"] == "张某某"
    assert row["办理状态"] == "已移送" and row["核查结论"] == "查实"
    assert "移交公安机关" in row["移交情况"] and "待答复" in row["移交情况"]


def test_export_neutralises_formulas(world, walk):
    walk.register(summary='=HYPERLINK("http://evil")', subjects=[SubjectData(name="@SUM(A1)")])
    rows = _sheet(world.client_for("office_staff").get(reverse("clues:export")))
    row = dict(zip(COLUMNS, rows[1], strict=True))
    assert row["主要问题"].startswith("'=") and row["被举报人"].startswith("'@")
    assert neutralise("-1+2") == "'-1+2" and neutralise("正常") == "正常" and neutralise(3) == 3


def test_export_of_other_unit_and_anonymous(world, walk, client):
    walk.assigned(unit="transport")
    assert len(_sheet(world.client_for("other_liaison").get(reverse("clues:export")))) == 1
    assert len(_sheet(world.client_for("liaison").get(reverse("clues:export")))) == 2
    assert client.get(reverse("clues:export")).status_code == 302


def test_export_query_count_is_constant(world, walk, django_assert_max_num_queries):
    client = world.client_for("office_staff")
    client.get(reverse("clues:list"))
    for _ in range(5):
        walk.transferred()
    with django_assert_max_num_queries(17):  # PostgreSQL adds the audit chain's advisory lock
        response = client.get(reverse("clues:export"))
        assert len(_sheet(response)) == 6


# --- import -------------------------------------------------------------------------------------------


def _ledger(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(COLUMNS)
    for row in rows:
        ws.append([row.get(c, "") for c in COLUMNS])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


GOOD = [
    {
        "线索编号": "2024-旧-001",
        "来源": "群众来信",
        "受理时间": "2024-03-05",
        "被举报人": "王某、李某",
        "主要问题": "强揽土方工程",
        "类别": "涉恶",
        "责任单位": "测试市交通运输局",
        "办理状态": "核查中",
    },
    {
        "线索编号": "2024-旧-002",
        "来源": "电话/热线",
        "受理时间": "2024年4月1日",
        "被举报人": "赵某",
        "主要问题": "非法采砂",
        "核查结论": "查实",
    },
    {
        "线索编号": "2024-旧-003",
        "来源": "来访",
        "受理时间": "2024/05/06 10:30",
        "被举报人": "钱某",
        "主要问题": "欺行霸市",
        "类别": "乱点",
    },
]


@pytest.fixture
def sync_import(settings):
    # The job runs at once, in the request (django-tasks' immediate backend) instead of in the worker.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _upload(world, content, who="office_staff", name="ledger.xlsx"):
    return world.client_for(who).post(
        reverse("clues:import"),
        {"office": world.units["city"].pk, "file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def test_import_creates_clues_through_the_actions_and_twice_creates_no_duplicates(world, sync_import):
    response = _upload(world, _ledger(GOOD))
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.DONE, job.errors
    assert (job.created_count, job.skipped_count) == (3, 0)
    assert "导入完成" in response.content.decode()
    first = Clue.objects.get(source_ref="2024-旧-001")
    assert first.status == "assigned" and first.responsible_unit == world.units["transport"]
    assert [s.name for s in first.subjects.order_by("id")] == ["王某", "李某"]
    assert first.number.startswith("2024-") and "原台账记载" in first.facts
    assert Clue.objects.get(source_ref="2024-旧-003").status == "triaged"
    _upload(world, _ledger(GOOD))
    second = ImportJob.objects.order_by("-id").first()
    assert (second.created_count, second.skipped_count) == (0, 3)
    assert Clue.objects.count() == 3


def test_import_bad_row_in_the_middle_writes_nothing(world, sync_import):
    bad = dict(GOOD[1], 受理时间="去年春天", 来源="飞鸽传书")
    response = _upload(world, _ledger([GOOD[0], bad, GOOD[2]]))
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert {(e["row"], e["column"]) for e in job.errors} == {(3, "受理时间"), (3, "来源")}
    assert "第3行" in response.content.decode() and "没有导入任何一行" in response.content.decode()
    assert not Clue.objects.exists()


def test_import_action_refusal_in_the_middle_rolls_everything_back(world, sync_import):
    # The row validates, but the action refuses it (a 保护伞 clue cannot go to the transport bureau).
    bad = dict(GOOD[1], 类别="保护伞", 责任单位="测试市交通运输局")
    _upload(world, _ledger([GOOD[0], bad, GOOD[2]]), who="office_leader")
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED and job.errors[0]["row"] == 3
    assert "纪委监委" in job.errors[0]["message"]
    assert not Clue.objects.exists()


def test_import_refuses_non_xlsx_and_zip_bombs(world, sync_import):
    response = _upload(world, b"%PDF-1.4 not a workbook", name="ledger.xlsx")
    assert "不是有效的 Excel 工作簿" in response.content.decode()
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<x/>")
        archive.writestr("xl/workbook.xml", "<x/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (imports.MAX_UNCOMPRESSED_BYTES + 1))
    response = _upload(world, bomb.getvalue())
    assert "压缩炸弹" in response.content.decode()
    assert not ImportJob.objects.exists() and not Clue.objects.exists()


def test_import_of_umbrella_rows_by_staff_says_who_may(world, sync_import):
    _upload(world, _ledger([dict(GOOD[1], 类别="保护伞", 责任单位="测试市纪委监委")]))
    job = ImportJob.objects.get()
    assert "须由办公室领导导入" in job.errors[0]["message"] and not Clue.objects.exists()


def test_import_progress_fragment(world, sync_import):
    _upload(world, _ledger(GOOD))
    job = ImportJob.objects.get()
    client = world.client_for("office_staff")
    response = client.get(reverse("clues:import_status", args=[job.pk]))
    assert response.status_code == 200 and "3 / 3" in response.content.decode()
    assert client.get(reverse("clues:import_status", args=[job.pk]), HTTP_HX_REQUEST="true")["HX-Refresh"]
    assert (
        world.client_for("office_leader").get(reverse("clues:import_job", args=[job.pk])).status_code == 404
    )


def test_import_refused_for_units_and_anonymous(world, client, sync_import):
    assert world.client_for("liaison").get(reverse("clues:import")).status_code == 404
    assert _upload(world, _ledger(GOOD), who="liaison").status_code == 404
    assert client.get(reverse("clues:import")).status_code == 302
    assert not Clue.objects.exists()


def test_import_is_a_job_for_the_worker_not_a_thread_of_the_web_process(world):
    from taizhang.jobs import runner
    from taizhang.jobs.models import Job

    _upload(world, _ledger(GOOD))
    item = ImportJob.objects.get()
    job = Job.objects.get(ref=imports.job_ref(item.pk))
    assert (item.status, job.status, job.kind) == (ImportJob.Status.PENDING, "queued", "clues.import")
    assert not Clue.objects.exists()
    assert runner.run_ready() == 1
    item.refresh_from_db()
    job.refresh_from_db()
    assert (item.status, job.status, item.created_count) == (ImportJob.Status.DONE, "done", 3)
    assert (job.done, job.total) == (3, 3) and "新增 3 条" in job.result["message"]
    assert Clue.objects.count() == 3


def test_legacy_labels_are_read_in_chinese_whatever_the_page_language():
    from django.utils import translation

    from taizhang.clues.choices import Category, FindingResult
    from taizhang.clues.imports import _lookup

    with translation.override("en"):
        categories, findings = _lookup(Category.choices), _lookup(FindingResult.choices)
    assert categories["涉黑"] == Category.MAFIA and findings["查实"] == FindingResult.SUBSTANTIATED
    assert categories["mafia"] == Category.MAFIA
