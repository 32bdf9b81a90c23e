"""Home panel: letters waiting for a reply (and overdue), measures of the person's unit to work on or review."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from taizhang.rectification.choices import OPEN_MEASURE_STATUSES, LetterStatus, MeasureStatus
from taizhang.rectification.models import Letter, Measure


def home_panels(request: Any) -> list[dict[str, Any]]:
    user = request.user
    now = timezone.now()
    letters = Letter.objects.visible_to(user).aggregate(
        waiting=Count("pk", filter=Q(status=LetterStatus.ISSUED)),
        overdue=Count("pk", filter=Q(replied_at__isnull=True, reply_due_at__lt=now)),
        rectifying=Count("pk", filter=Q(status=LetterStatus.RECTIFYING)),
    )
    measures = Measure.objects.visible_to(user).aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_MEASURE_STATUSES)),
        requested=Count("pk", filter=Q(status=MeasureStatus.REQUESTED)),
        overdue=Count("pk", filter=Q(status__in=OPEN_MEASURE_STATUSES, deadline__lt=timezone.localdate())),
    )
    if not any(letters.values()) and not any(measures.values()):
        return []
    return [{"template": "rectification/panel.html", "width": 6, "letters": letters, "measures": measures}]
