"""Home-page panel: the person's next todos and the overdue counts they oversee."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from taizhang.supervision import boards
from taizhang.supervision.todo import todos_for


def home_panels(request: Any) -> list[dict]:
    """One panel with the five soonest todos and, for offices, the overdue totals."""
    items = todos_for(request.user)
    now = timezone.now()
    return [
        {
            "template": "supervision/_panel.html",
            "width": 6,
            "items": items[:5],
            "count": len(items),
            "overdue_todos": sum(1 for t in items if t.overdue),
            "overdue_clues": boards.overdue_clues(request.user, now).count(),
            "overdue_tasks": boards.overdue_tasks(request.user, now).count(),
        }
    ]
