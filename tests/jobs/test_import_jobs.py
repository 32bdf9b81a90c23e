"""The legacy import as a job: a worker killed mid-import leaves nothing; the job is resumed and imports once."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from taizhang.clues import imports
from taizhang.clues.models import Clue, ImportJob
from taizhang.jobs import runner
from taizhang.jobs.models import Job
from tests.clues.test_export_import import GOOD, _ledger, _upload


def _killed_mid_import(world) -> tuple[ImportJob, Job]:
    _upload(world, _ledger(GOOD))
    item = ImportJob.objects.get()
    job = Job.objects.get(ref=imports.job_ref(item.pk))
    # What a SIGKILL mid-import leaves: the import's transaction rolled back by the database, the rows
    # marked running, the heartbeat old.
    ImportJob.objects.filter(pk=item.pk).update(status=ImportJob.Status.RUNNING)
    Job.objects.filter(pk=job.pk).update(
        status="running",
        worker_id="node-b:1",
        attempts=1,
        done=1,
        total=3,
        heartbeat_at=timezone.now() - dt.timedelta(minutes=5),
    )
    return item, job


def test_an_import_whose_worker_died_is_resumed_and_imports_every_row_once(world):
    item, job = _killed_mid_import(world)
    page = world.client_for("office_staff").get(reverse("clues:import_status", args=[item.pk]))
    assert "1 / 3" in page.content.decode()  # progress from the job row, on any node
    assert runner.reap()["resumed"] == 1
    runner.run_ready()
    item.refresh_from_db()
    job.refresh_from_db()
    assert (item.status, item.created_count, job.status, job.attempts) == (
        ImportJob.Status.DONE,
        3,
        "done",
        2,
    )
    assert Clue.objects.count() == 3


def test_an_import_that_cannot_resume_is_failed_with_the_reason_on_its_page(world):
    item, job = _killed_mid_import(world)
    Job.objects.filter(pk=job.pk).update(attempts=runner.MAX_ATTEMPTS)
    assert runner.reap()["failed"] == 1
    item.refresh_from_db()
    assert item.status == ImportJob.Status.FAILED and "无心跳" in item.errors[0]["message"]
    page = world.client_for("office_staff").get(reverse("clues:import_job", args=[item.pk]))
    assert "无心跳" in page.content.decode() and "没有导入任何一行" in page.content.decode()
    assert not Clue.objects.exists()
