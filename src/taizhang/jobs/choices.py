"""Job states and the moves between them (queued → running → done/failed; running → queued on resume)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


FINISHED = (JobStatus.DONE, JobStatus.FAILED)

# step → (allowed sources, target)
JOB_STEPS: dict[str, tuple[tuple[str, ...], str]] = {
    "claim": ((JobStatus.QUEUED,), JobStatus.RUNNING),
    "finish": ((JobStatus.RUNNING,), JobStatus.DONE),
    "fail": ((JobStatus.QUEUED, JobStatus.RUNNING), JobStatus.FAILED),
    "resume": ((JobStatus.RUNNING,), JobStatus.QUEUED),
}
