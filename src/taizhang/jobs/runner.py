"""Queue, run, watch and recover jobs. The queue is django-tasks (database backend); the Job row is the record.

enqueue() writes the Job and its task row in one transaction. The worker (`taizhang worker`) takes ready
tasks (SELECT … FOR UPDATE SKIP LOCKED, in django-tasks-db), and run_job claims the Job (queued → running),
starts a heartbeat thread that writes the progress and `heartbeat_at` every HEARTBEAT_SECONDS on its own
connection (the work itself may hold one long transaction), runs the kind, and records done or failed.
reap() — run by every worker — finds running jobs whose heartbeat is older than STALE_SECONDS (their worker
was killed or its machine lost): a resumable kind is queued again (at most MAX_ATTEMPTS runs), any other is
marked failed with the reason. A worker that finds its job taken from it stops (JobLost) and rolls back.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from taizhang.core.errors import ActionError
from taizhang.jobs import registry
from taizhang.jobs.choices import JobStatus
from taizhang.jobs.models import Job, WorkerBeat

log = logging.getLogger("taizhang.jobs")


def heartbeat_seconds() -> float:
    return float(getattr(settings, "JOB_HEARTBEAT_SECONDS", 5))


def stale_seconds() -> float:
    return float(getattr(settings, "JOB_STALE_SECONDS", 60))


MAX_ATTEMPTS = 3


class JobLost(RuntimeError):
    """This worker's job was taken from it (marked failed or resumed elsewhere): stop and roll back."""


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def enqueue(kind: str, *, user: Any = None, params: dict[str, Any] | None = None, ref: str = "") -> Job:
    """Queue a job of `kind` for `user`; the Job row and its task row are written in one transaction."""
    registry.get(kind)  # unknown kinds fail here, in the request, not later in the worker
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind, ref=ref, created_by=user if user is not None and user.pk else None, params=params or {}
        )
        _enqueue_task(job)
    job.refresh_from_db()
    return job


def _enqueue_task(job: Job) -> None:
    result = run_job.enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id))


class Beat:
    """Progress and heartbeat of one running job. In the worker a thread writes them on its own connection
    every HEARTBEAT_SECONDS; run inline (the immediate backend, tests) each progress call writes them."""

    def __init__(self, job: Job, me: str, *, threaded: bool) -> None:
        self.job_id = job.pk
        self.me = me
        self.threaded = threaded
        self.done = 0
        self.total = job.total
        self.lost = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def progress(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        if not self.threaded:
            self.flush()
        if self.lost:
            raise JobLost(self.job_id)

    def flush(self) -> None:
        now = timezone.now()
        touched = Job.objects.filter(pk=self.job_id, status=JobStatus.RUNNING, worker_id=self.me).update(
            heartbeat_at=now, done=self.done, total=self.total
        )
        if not touched:
            self.lost = True
        WorkerBeat.objects.filter(worker_id=self.me).update(seen_at=now)

    def _loop(self) -> None:
        try:
            while not self._stop.wait(heartbeat_seconds()):
                try:
                    self.flush()
                except Exception:  # a busy database (SQLite's write lock): try again next beat
                    log.warning("heartbeat of job %s could not be written", self.job_id, exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    def start(self) -> None:
        if self.threaded:
            self._thread = threading.Thread(target=self._loop, name=f"job-beat-{self.job_id}", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


# Set by `taizhang worker`: a job run there gets a heartbeat thread.
IN_WORKER = False


@task()
def run_job(job_id: int) -> dict[str, Any]:
    """The one task django-tasks runs: claim the Job, run its kind with a heartbeat, record the outcome."""
    me = worker_id()
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING,
        worker_id=me,
        started_at=now,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        error="",
    )
    if not claimed:
        return {"skipped": True}  # already run, failed or taken by another worker
    job = Job.objects.select_related("created_by").get(pk=job_id)
    kind = registry.get(job.kind)
    beat = Beat(job, me, threaded=IN_WORKER)
    beat.start()
    try:
        result = kind.run(job, beat.progress) or {}
    except JobLost:
        beat.stop()
        log.warning("job %s was taken from worker %s; its work was rolled back", job_id, me)
        return {"lost": True}
    except ActionError as exc:
        beat.stop()
        fail(job, exc.message, me=me)
        return {"failed": exc.code}
    except Exception:
        beat.stop()
        log.exception("job %s (%s) failed", job_id, job.kind)
        fail(job, _("任务执行时出现系统错误，未写入任何数据。已记录错误，请联系系统管理员。"), me=me)
        raise
    beat.stop()
    Job.objects.filter(pk=job_id, status=JobStatus.RUNNING, worker_id=me).update(
        status=JobStatus.DONE,
        result=result,
        done=beat.total or beat.done,
        total=beat.total,
        finished_at=timezone.now(),
    )
    return {"done": True}


def fail(job: Job, reason: str, *, me: str | None = None) -> bool:
    """Mark a queued or running job failed with a reason the person reads; tell its kind."""
    rows = Job.objects.filter(pk=job.pk, status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
    if me is not None:
        rows = rows.filter(worker_id=me)
    if not rows.update(status=JobStatus.FAILED, error=reason, finished_at=timezone.now()):
        return False
    kind = registry.kinds().get(job.kind)
    if kind is not None and kind.on_failed is not None:
        kind.on_failed(job, reason)
    return True


def _drop_task(task_id: str, reason: str) -> None:
    """The task row of a job whose worker died stays 'running' in django-tasks-db: close it as failed."""
    from django_tasks_db.models import DBTaskResult

    if task_id:
        DBTaskResult.objects.filter(pk=task_id, status="RUNNING").update(
            status="FAILED",
            finished_at=timezone.now(),
            exception_class_path="taizhang.jobs.runner.WorkerLost",
            traceback=reason,
        )


def reap(now: dt.datetime | None = None) -> dict[str, int]:
    """Resume or fail the running jobs whose worker stopped beating; requeue queued jobs whose task is gone."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    bound = now - dt.timedelta(seconds=stale_seconds())
    counts = {"resumed": 0, "failed": 0, "requeued": 0}
    for pk in list(
        Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=bound).values_list("pk", flat=True)
    ):
        with transaction.atomic():
            job = (
                Job.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=JobStatus.RUNNING, heartbeat_at__lt=bound)
                .first()
            )
            if job is None:
                continue
            silent = int((now - (job.heartbeat_at or now)).total_seconds())
            kind = registry.kinds().get(job.kind)
            note = f"worker {job.worker_id} silent for {silent}s"
            _drop_task(job.task_id, note)
            if kind is not None and kind.resumable and job.attempts < MAX_ATTEMPTS:
                Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED, worker_id="", heartbeat_at=None)
                _enqueue_task(job)
                log.warning("job %s resumed: %s", job.pk, note)
                counts["resumed"] += 1
            else:
                reason = _(
                    "执行该任务的后台进程已中断（%(s)s 秒无心跳），任务未完成，未写入任何数据。请重新提交。"
                ) % {"s": silent}
                fail(job, reason)
                log.warning("job %s failed: %s", job.pk, note)
                counts["failed"] += 1
    # A worker that died between taking the task and claiming the job leaves the job queued, its task gone.
    for job in Job.objects.filter(status=JobStatus.QUEUED, created_at__lt=bound).exclude(task_id=""):
        state = DBTaskResult.objects.filter(pk=job.task_id).values_list("status", flat=True).first()
        if state == "READY":
            continue
        with transaction.atomic():
            if Job.objects.select_for_update().filter(
                pk=job.pk, status=JobStatus.QUEUED, task_id=job.task_id
            ):
                _drop_task(job.task_id, "claimed but never started")
                _enqueue_task(job)
                counts["requeued"] += 1
    return counts


def beat_worker(me: str, now: dt.datetime | None = None) -> None:
    """Record that this worker process is alive (read by /readyz and the metrics)."""
    now = now or timezone.now()
    updated = WorkerBeat.objects.filter(worker_id=me).update(seen_at=now)
    if not updated:
        WorkerBeat.objects.update_or_create(
            worker_id=me, defaults={"host": socket.gethostname()[:100], "seen_at": now}
        )


def run_ready(*, max_tasks: int | None = None) -> int:
    """Run the ready tasks of the queue one by one until none is left; return how many ran.

    The claim is django-tasks-db's own (SELECT … FOR UPDATE SKIP LOCKED, then marked running) and so is the
    run (its Worker.run_task records the outcome on the task row); the loop is ours so that the caller
    (`taizhang worker`) decides when connections are recycled and when to beat and reap in between."""
    from django.db import OperationalError
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id=worker_id()[:64],
        excluded_queue_names=[],
    )
    ran = 0
    while max_tasks is None or ran < max_tasks:
        tasks = DBTaskResult.objects.ready().filter(backend_name="default")
        try:
            with exclusive_transaction(tasks.db):
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(worker.worker_id)
        except OperationalError as exc:
            if is_locked_database_exception(exc):
                return ran
            raise
        if task_result is None:
            return ran
        worker.run_task(task_result)
        ran += 1
    return ran
