"""To-dos for 我的待办: reports my unit must file, and submitted reports waiting for my office's review."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.reports import permissions as perm
from taizhang.reports.choices import ReportStatus
from taizhang.reports.due import open_for
from taizhang.reports.models import PeriodicReport


def todos_for(user: Any) -> list[Any]:
    from taizhang.supervision.worklist import Todo  # the supervision app owns the to-do shape

    found: list[Any] = []
    unit = getattr(user, "unit", None)
    if (
        unit is not None
        and unit.parent_id is not None
        and (perm.can_draft(user, unit) or perm.can_submit(user, unit))
    ):
        for item in open_for(user, unit, timezone.now()):
            url = f"/reports/{item['report'].pk}/" if item["report"] else "/reports/"
            found.append(
                Todo(
                    title=_("报送：%(l)s") % {"l": item["label"]},
                    url=url,
                    due_at=item["due_at"],
                    kind="report",
                    detail=item["next"],
                )
            )
    waiting = (
        PeriodicReport.objects.visible_to(user)
        .filter(status=ReportStatus.SUBMITTED)
        .select_related("unit")[:50]
    )
    for report in waiting:
        if perm.can_review(user, report.unit):
            found.append(
                Todo(
                    title=_("审核报送：%(t)s") % {"t": report.title},
                    url=f"/reports/{report.pk}/",
                    due_at=None,
                    kind="report_review",
                )
            )
    return found
