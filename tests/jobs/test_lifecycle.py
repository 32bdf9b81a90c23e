"""Jobs: queued → running → done/failed through django-tasks' database queue; a lost worker is found by its
heartbeat and the job resumed or failed with the reason; a worker whose job was taken stops and rolls back."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from taizhang.core.errors import ActionError
from taizhang.jobs import registry, runner
from taizhang.jobs.models import Job
from taizhang.org.models import Sector


def _count(job, progress):
    n = int(job.params.get("n", 3))
    for i in range(1, n + 1):
        progress(i, n)
    return {"message": f"counted {n}"}


def _refuse(job, progress):
    raise ActionError("bad_input", "第2行的日期不正确。")


def _crash(job, progress):
    raise RuntimeError("internal detail never shown")


def _write_then_lose(job, progress):
    # All-or-nothing work, like an import: one transaction.
    with transaction.atomic():
        Sector.objects.create(name="任务写入的行业")
        progress(1, 2)
        # Meanwhile another worker's reaper took the job (this worker was thought dead).
        Job.objects.filter(pk=job.pk).update(status="queued", worker_id="")
        progress(2, 2)
    return {}


TEST_KINDS = [
    registry.JobKind("test.count", "计数", _count),
    registry.JobKind("test.refuse", "拒绝", _refuse),
    registry.JobKind("test.crash", "崩溃", _crash),
    registry.JobKind("test.once", "不可续跑", _count, resumable=False),
    registry.JobKind("test.lose", "被接管", _write_then_lose),
]


@pytest.fixture(autouse=True)
def _kinds():
    registry.EXTRA.update({k.name: k for k in TEST_KINDS})
    yield
    for k in TEST_KINDS:
        registry.EXTRA.pop(k.name, None)


NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def _as_if_a_worker_died(job: Job, *, silent_for: int) -> None:
    """The state a SIGKILLed worker leaves: its task row and the job both running, the heartbeat old."""
    DBTaskResult.objects.filter(pk=job.task_id).update(status="RUNNING", started_at=NOW)
    Job.objects.filter(pk=job.pk).update(
        status="running",
        worker_id="node-b:4242",
        attempts=1,
        started_at=NOW - dt.timedelta(seconds=silent_for),
        heartbeat_at=NOW - dt.timedelta(seconds=silent_for),
    )


def test_queued_running_done(world):
    job = runner.enqueue("test.count", user=world.people["office_staff"], params={"n": 4})
    assert job.status == "queued" and DBTaskResult.objects.get(pk=job.task_id).status == "READY"
    assert runner.run_ready() == 1
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.attempts) == ("done", 4, 4, 1)
    assert job.result == {"message": "counted 4"} and job.finished_at and job.worker_id
    assert DBTaskResult.objects.get(pk=job.task_id).status == "SUCCESSFUL"
    assert runner.run_ready() == 0


def test_failed_with_the_chinese_reason_seen_only_by_the_person_who_started_it(world):
    job = runner.enqueue("test.refuse", user=world.people["office_staff"])
    runner.run_ready()
    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", "第2行的日期不正确。")
    page = world.client_for("office_staff").get(reverse("jobs:job", args=[job.pk]))
    assert "第2行的日期不正确。" in page.content.decode()
    status = world.client_for("office_staff").get(
        reverse("jobs:status", args=[job.pk]), HTTP_ACCEPT="application/json"
    )
    assert status.json()["status"] == "failed" and status.json()["error"] == "第2行的日期不正确。"
    assert world.client_for("office_leader").get(reverse("jobs:job", args=[job.pk])).status_code == 404


def test_a_crash_is_a_failure_with_a_plain_message_and_the_traceback_for_the_admin(world):
    job = runner.enqueue("test.crash", user=world.people["office_staff"])
    runner.run_ready()
    job.refresh_from_db()
    assert job.status == "failed" and "系统错误" in job.error and "internal" not in job.error
    assert "internal detail" in DBTaskResult.objects.get(pk=job.task_id).traceback


def test_the_page_polls_while_running_and_refreshes_when_finished(world):
    job = runner.enqueue("test.count", user=world.people["office_staff"])
    client = world.client_for("office_staff")
    fragment = client.get(reverse("jobs:status", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "排队中" in fragment
    runner.run_ready()
    assert client.get(reverse("jobs:status", args=[job.pk]), HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"


def test_heartbeat_loss_resumes_a_resumable_job_on_another_worker(world, settings):
    settings.JOB_STALE_SECONDS = 60
    job = runner.enqueue("test.count", user=world.people["office_staff"])
    old_task = job.task_id
    _as_if_a_worker_died(job, silent_for=30)
    assert runner.reap(NOW) == {"resumed": 0, "failed": 0, "requeued": 0}  # still within the bound
    _as_if_a_worker_died(job, silent_for=61)
    assert runner.reap(NOW)["resumed"] == 1
    job.refresh_from_db()
    assert job.status == "queued" and job.task_id != old_task
    assert DBTaskResult.objects.get(pk=old_task).status == "FAILED"
    runner.run_ready()
    job.refresh_from_db()
    assert (job.status, job.attempts, job.result) == ("done", 2, {"message": "counted 3"})


def test_heartbeat_loss_fails_a_job_that_cannot_resume_with_the_reason(world):
    job = runner.enqueue("test.once", user=world.people["office_staff"])
    _as_if_a_worker_died(job, silent_for=300)
    assert runner.reap(NOW)["failed"] == 1
    job.refresh_from_db()
    assert job.status == "failed" and "300 秒无心跳" in job.error and "未写入任何数据" in job.error
    assert runner.run_ready() == 0  # nothing left running or queued


def test_a_job_is_resumed_at_most_max_attempts_times(world):
    job = runner.enqueue("test.count", user=world.people["office_staff"])
    _as_if_a_worker_died(job, silent_for=300)
    Job.objects.filter(pk=job.pk).update(attempts=runner.MAX_ATTEMPTS)
    assert runner.reap(NOW)["failed"] == 1
    job.refresh_from_db()
    assert job.status == "failed"


def test_a_worker_whose_job_was_taken_stops_and_rolls_back(world):
    job = runner.enqueue("test.lose", user=world.people["office_staff"])
    runner.run_ready()
    assert not Sector.objects.filter(name="任务写入的行业").exists()
    job.refresh_from_db()
    assert job.status != "done"  # never recorded as done by the worker that lost it


def test_a_job_whose_task_was_taken_but_never_started_is_queued_again(world):
    job = runner.enqueue("test.count", user=world.people["office_staff"])
    DBTaskResult.objects.filter(pk=job.task_id).update(status="RUNNING")
    Job.objects.filter(pk=job.pk).update(created_at=NOW - dt.timedelta(minutes=5))
    assert runner.reap(NOW)["requeued"] == 1
    runner.run_ready()
    job.refresh_from_db()
    assert job.status == "done"


def test_unknown_kind_is_refused_at_once(world):
    with pytest.raises(LookupError):
        runner.enqueue("no.such.kind")
    assert not Job.objects.exists()


def test_worker_beats(world):
    runner.beat_worker("node-a:1", NOW)
    runner.beat_worker("node-a:1", NOW + dt.timedelta(seconds=5))
    from taizhang.jobs.models import WorkerBeat

    assert WorkerBeat.objects.get().seen_at == NOW + dt.timedelta(seconds=5)
    assert timezone.is_aware(WorkerBeat.objects.get().seen_at)


def test_search_rebuild_and_key_rotation_are_jobs(world):
    from django.core.management import call_command

    call_command("search", "rebuild", "--queue", stdout=io.StringIO())
    job = Job.objects.get(kind="search.rebuild")
    runner.run_ready()
    job.refresh_from_db()
    assert job.status == "done" and "检索索引已重建" in job.result["message"]
    assert set(registry.kinds()) >= {"clues.import", "search.rebuild", "reporters.reseal", "reports.bulletin"}


def test_the_bulletin_pdf_is_a_job_whose_file_only_its_owner_downloads(world):
    from taizhang.reports import bulletin

    job = runner.enqueue(
        "reports.bulletin",
        user=world.people["office_staff"],
        params={"office": world.units["city"].pk, "period": "2026-Q1"},
    )
    runner.run_ready()
    job.refresh_from_db()
    owner = world.client_for("office_staff")
    if bulletin.soffice() is None:
        assert job.status == "failed" and "LibreOffice" in job.error
        assert owner.get(reverse("jobs:download", args=[job.pk])).status_code == 404
        return
    assert job.status == "done", job.error
    response = owner.get(job.result["download"])
    assert response.status_code == 200 and b"".join(response.streaming_content)[:4] == b"%PDF"
    assert world.client_for("office_leader").get(job.result["download"]).status_code == 404
