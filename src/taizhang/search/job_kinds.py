"""Search jobs run by the worker: rebuilding the full-text index and the clue duplicate keys."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang.jobs.registry import JobKind, Progress


def _rebuild(job: Any, progress: Progress) -> dict[str, Any]:
    from taizhang.clues.models import Clue
    from taizhang.search import duplicates, index

    total = index.total_records() + Clue.objects.count()
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        progress(done, total)

    progress(0, total)
    counts = index.rebuild(progress=step)
    keyed = duplicates.rebuild_keys(progress=step)
    message = _("检索索引已重建：%(d)s 条记录，%(k)s 条线索查重特征。") % {
        "d": sum(counts.values()),
        "k": keyed,
    }
    return {"documents": counts, "clue_keys": keyed, "message": message}


# Each source is rebuilt in its own transaction from the records themselves: running it again is harmless.
KINDS = [JobKind(name="search.rebuild", label=gettext_lazy("重建检索索引"), run=_rebuild, resumable=True)]
