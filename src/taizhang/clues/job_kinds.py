"""Clue jobs run by the worker: importing a legacy ledger (all or nothing; run again after a lost worker)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang.clues import imports
from taizhang.clues.models import ImportJob
from taizhang.core.errors import ActionError
from taizhang.jobs.registry import JobKind, Progress


def _import(job: Any, progress: Progress) -> dict[str, Any]:
    item = imports.run_import(int(job.params["import_job"]), progress=progress)
    if item.status == ImportJob.Status.FAILED:
        raise ActionError(
            "import_failed", _("文件中有错误，没有导入任何一行。请按导入页面的说明修改后重新上传。")
        )
    message = _("导入完成：新增 %(c)s 条，已存在跳过 %(s)s 条。") % {
        "c": item.created_count,
        "s": item.skipped_count,
    }
    return {"created": item.created_count, "skipped": item.skipped_count, "message": message}


def _import_failed(job: Any, reason: str) -> None:
    ImportJob.objects.filter(
        pk=int(job.params["import_job"]), status__in=[ImportJob.Status.PENDING, ImportJob.Status.RUNNING]
    ).update(
        status=ImportJob.Status.FAILED,
        errors=[{"row": 0, "column": "", "message": reason}],
        processed=0,
        created_count=0,
        skipped_count=0,
        finished_at=timezone.now(),
    )


KINDS = [
    JobKind(
        name="clues.import",
        label=gettext_lazy("导入历史台账"),
        run=_import,
        # One transaction: a worker that dies mid-import leaves nothing behind, so running it again is safe.
        resumable=True,
        on_failed=_import_failed,
        url=lambda job: reverse("clues:import_job", args=[job.params["import_job"]]),
    )
]
