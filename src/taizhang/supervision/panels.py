"""Home-page panel: the person's next todos and the overdue counts they oversee."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from taizhang.clues.panels import overdue_count
from taizhang.core import clock, deadlines
from taizhang.supervision import boards
from taizhang.supervision.worklist import todos_for


def _calendar_panel(request: Any) -> list[dict]:
    """For administrators: this year's or (from 1 November) next year's holidays are not known yet."""
    from taizhang.org.choices import RoleCode

    if not request.user.has_role(RoleCode.SYSADMIN):
        return []
    years = deadlines.years_to_announce(timezone.localtime(clock.now()).date())
    if not years:
        return []
    return [{"template": "supervision/_calendar_panel.html", "width": 12, "years": years}]


def home_panels(request: Any) -> list[dict]:
    """One panel with the five soonest todos and, for offices, the overdue totals."""
    items = todos_for(request.user)
    now = timezone.now()
    return [
        *_calendar_panel(request),
        {
            "template": "supervision/_panel.html",
            "width": 6,
            "items": items[:5],
            "count": len(items),
            "overdue_todos": sum(1 for t in items if t.overdue),
            # An office's figure is every overdue clue it sees, as on the ledger panel (counted once).
            "overdue_clues": overdue_count(request)
            if boards.sees_the_tree(request.user)
            else boards.overdue_clues(request.user, now).count(),
            "overdue_tasks": boards.overdue_tasks(request.user, now).count(),
        },
    ]
