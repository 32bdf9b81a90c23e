"""Importing a problem list: a clean file creates everything, one bad row creates nothing."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from taizhang.jobs import runner
from taizhang.jobs.models import Job
from taizhang.rectification import imports
from taizhang.rectification.choices import MeasureStatus
from taizhang.rectification.models import Measure, ProblemList

pytestmark = pytest.mark.django_db


def workbook(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(imports.COLUMNS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "清单.xlsx"
    return buffer


GOOD = [
    [1, "线索排查不深入", "开展集中排查", "测试市住建局", "张三", "2026-12-31", "已部署", "否"],
    [2, "", "建立长效机制", "测试市住建局、测试市交通运输局", "", "2026年6月30日", "", "是"],
    [3, "宣传不到位", "开展宣传", "测试市交通运输局", "", "2026/03/01", "", ""],
]


def post(client, rows):
    return client.post(
        "/rectification/lists/import/",
        {
            "title": "督导反馈清单",
            "source": "inspection_team",
            "office": client.office_id,
            "file": workbook(rows),
        },
    )


@pytest.fixture
def staff(world):
    client = world.client_for("office_staff")
    client.office_id = world.units["city"].pk
    return client


def _run(response):
    """The upload queues a job and sends the person to its page; the worker runs it."""
    assert response.status_code == 302 and response.url.startswith("/jobs/")
    assert ProblemList.objects.count() == 0  # nothing is written in the request
    assert runner.run_ready() == 1
    return Job.objects.get(pk=int(response.url.strip("/").split("/")[-1]))


def test_clean_file_imports_all_rows(world, staff):
    response = post(staff, GOOD)
    job = _run(response)
    assert job.status == "done" and "已导入 3 项整改措施" in job.result["message"]
    pl = ProblemList.objects.get()
    page = staff.get(response.url).content.decode()
    assert f'href="/rectification/lists/{pl.pk}/"' in page and "查看问题清单" in page
    measures = Measure.objects.filter(problem__problem_list=pl).order_by("id")
    assert measures.count() == 3
    assert pl.problems.count() == 2  # row 2 continues the merged 问题 cell of row 1
    assert measures[1].units.count() == 2
    assert measures[1].status == MeasureStatus.SIGNED_OFF


def test_bad_row_imports_nothing_and_names_the_row(world, staff):
    bad = [*GOOD, [4, "问题", "", "不存在的局", "", "明年", "", "也许"]]
    response = post(staff, bad)
    job = _run(response)
    assert job.status == "failed"
    assert ProblemList.objects.count() == 0 and Measure.objects.count() == 0
    text = staff.get(response.url).content.decode()
    assert "第5行" in text and "整改措施" in text and "不存在的局" in text and "完成时限" in text


def test_wrong_header_is_refused(world, staff):
    book = Workbook()
    book.active.append(["问题", "措施"])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    result = imports.parse(buffer)
    assert result.errors and not result.rows


def test_export_uses_the_import_layout(world, staff, rect):
    pl = rect.problem_list()
    response = staff.get(f"/rectification/lists/{pl.pk}/export.xlsx")
    assert response.status_code == 200
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == imports.COLUMNS
    assert sheet.max_row == 3
    # the exported file imports again
    result = imports.parse(io.BytesIO(response.content))
    assert not result.errors and len(result.rows) == 2


def test_a_zip_bomb_behind_xlsx_is_refused_before_it_is_opened():
    import io
    import zipfile

    from taizhang.rectification.imports import parse

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * (300 * 1024 * 1024))
    buf.seek(0)
    result = parse(buf)
    assert result.errors and "压缩炸弹" in result.errors[0]


def test_a_file_that_is_not_a_workbook_is_refused_at_once_and_queues_nothing(world, staff):
    fake = io.BytesIO(b"not a spreadsheet")
    fake.name = "清单.xlsx"
    response = staff.post(
        "/rectification/lists/import/",
        {"title": "督导反馈清单", "source": "inspection_team", "office": staff.office_id, "file": fake},
    )
    assert response.status_code == 200 and not Job.objects.exists()
    assert "督导反馈清单" in response.content.decode()  # what was typed stays


def test_only_the_person_who_started_the_import_follows_it(world, staff):
    response = post(staff, GOOD)
    assert world.client_for("office_leader").get(response.url).status_code == 404
