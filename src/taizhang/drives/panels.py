"""Home panel: returns the person's unit still owes (and how many are late), over what the rule lets them see."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from taizhang.drives.choices import ReturnStatus, RoundStatus
from taizhang.drives.models import DriveReturn


def home_panels(request: Any) -> list[dict[str, Any]]:
    user = request.user
    owed = DriveReturn.objects.visible_to(user).filter(
        status=ReturnStatus.PENDING, round__status=RoundStatus.OPEN, unit_id=getattr(user, "unit_id", None)
    )
    counts = owed.aggregate(open=Count("pk"), late=Count("pk", filter=Q(round__due_at__lt=timezone.now())))
    if not counts["open"]:
        return []
    first = owed.select_related("drive", "round").order_by("round__due_at").first()
    return [{"template": "drives/panel.html", "width": 6, "counts": counts, "first": first}]
