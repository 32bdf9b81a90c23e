"""People jobs run by the worker: resolving the whole ledger (after an upgrade or an import)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang.jobs.registry import JobKind, Progress


def _resolve_all(job: Any, progress: Progress) -> dict[str, Any]:
    from taizhang.people.resolve import resolve_all

    counts: dict[str, Any] = dict(resolve_all(progress))
    counts["message"] = _(
        "人员识别已完成：%(c)s 条线索、%(s)s 名犯罪嫌疑人、%(a)s 条问责记录，共 %(e)s 个对象。"
    ) % {
        "c": counts["clues"],
        "s": counts["suspects"],
        "a": counts["accountability"],
        "e": counts["entities"],
    }
    return counts


def _resolve_clues(job: Any, progress: Progress) -> dict[str, Any]:
    """The clues a bulk registration (the ferry's import) named, resolved after its commit in id order, a batch
    at a time: those never resolved set-based (people/bulk.py), the others one by one."""
    from taizhang.people.resolve import BATCH, resolve_clues

    ids = sorted({int(i) for i in job.params.get("ids", [])})
    progress(0, len(ids))
    for start in range(0, len(ids), BATCH):
        resolve_clues(ids[start : start + BATCH])
        progress(min(start + BATCH, len(ids)), len(ids))
    return {"clues": len(ids), "message": _("人员识别已完成：%(c)s 条线索。") % {"c": len(ids)}}


# Each record is resolved in its own transaction from the record itself: running it again is harmless.
KINDS = [
    JobKind(name="people.resolve", label=gettext_lazy("识别人员与组织"), run=_resolve_all, resumable=True),
    JobKind(
        name="people.resolve_clues",
        label=gettext_lazy("识别新登记线索中的人员与组织"),
        run=_resolve_clues,
        resumable=True,
    ),
]
