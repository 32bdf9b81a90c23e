"""A job row for every piece of long work (imports, documents, key rotation, index rebuilds).

The queue itself is django-tasks' database backend (`django_tasks_db.DBTaskResult`); the Job row is what
the person who started the work sees: its state, progress, result and a Chinese error, plus the heartbeat
of the worker running it so a job whose worker died is found and resumed or failed, never left running.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taizhang.jobs.choices import FINISHED, JobStatus


class Job(models.Model):
    kind = models.CharField(_("类型"), max_length=60)
    # What the job works on, e.g. "clues.importjob:12" (the domain row that holds the details).
    ref = models.CharField(max_length=80, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    task_id = models.CharField(max_length=64, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    worker_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="jobs_status_beat_idx")]

    def __str__(self) -> str:
        return f"{self.kind}#{self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0


class WorkerBeat(models.Model):
    """One row per running `taizhang worker` process, touched every loop: /readyz and the metrics read it."""

    worker_id = models.CharField(max_length=100, primary_key=True)
    host = models.CharField(max_length=100)
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return self.worker_id
