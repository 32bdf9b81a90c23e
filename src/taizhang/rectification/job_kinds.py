"""Rectification jobs run by the worker: importing a problem list from .xlsx (all or nothing)."""

from __future__ import annotations

import io
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang.core import files
from taizhang.core.errors import ActionError
from taizhang.jobs.registry import JobKind, Progress
from taizhang.org.models import Sector, Unit
from taizhang.rectification import actions, imports

# Row errors listed on the job page; a file with more says how many it left out.
SHOWN_ERRORS = 50


def _import(job: Any, progress: Progress) -> dict[str, Any]:
    """Read and validate every row, then write the list through the action in one transaction."""
    params = job.params
    with files.open_file(params["storage_path"]) as handle:
        parsed = imports.parse(io.BytesIO(handle.read()))
    if parsed.errors:
        shown = parsed.errors[:SHOWN_ERRORS]
        more = len(parsed.errors) - len(shown)
        tail = _("（另有 %(n)s 处错误未列出）") % {"n": more} if more else ""
        raise ActionError("import_invalid", _("文件中有错误，没有导入任何一行：") + "；".join(shown) + tail)
    progress(0, len(parsed.rows))
    problem_list = actions.do_create_problem_list(
        actor=job.created_by,
        title=params["title"],
        source=params["source"],
        office=Unit.objects.get(pk=params["office"]),
        sector=Sector.objects.filter(pk=params.get("sector") or 0).first(),
        rows=parsed.rows,
    )
    progress(len(parsed.rows), len(parsed.rows))
    return {
        "message": _("已导入 %(n)s 项整改措施。") % {"n": len(parsed.rows)},
        "link": reverse("rectification:problem_list", args=[problem_list.pk]),
        "link_label": _("查看问题清单"),
    }


KINDS = [
    JobKind(
        name="rectification.import",
        label=gettext_lazy("导入问题清单"),
        run=_import,
        # The list is written in one transaction, but a worker lost after its commit would write it twice:
        # a lost job is marked failed with the reason, and the person looks at the lists before importing again.
        resumable=False,
    )
]
