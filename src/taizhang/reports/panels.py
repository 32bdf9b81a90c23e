"""Home panel: my unit's reports due (drafters and leaders of a unit)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from taizhang.reports import permissions as perm
from taizhang.reports.due import open_for


def home_panels(request: HttpRequest) -> list[dict[str, Any]]:
    user: Any = request.user
    # A root office reports to no one; everyone else files reports to the office above.
    if (
        not getattr(user, "unit_id", None)
        or user.unit.parent_id is None
        or not (perm.can_draft(user, user.unit) or perm.can_submit(user, user.unit))
    ):
        return []
    items = open_for(user, user.unit, timezone.now())
    return [{"template": "reports/panel.html", "width": 6, "items": items}]
