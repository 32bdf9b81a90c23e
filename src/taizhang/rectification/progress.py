"""A problem list's progress at a glance ("43项措施：已销号40，逾期3"), over the measures a person may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.rectification.choices import OPEN_MEASURE_STATUSES, MeasureStatus
from taizhang.rectification.models import Measure


def progress_by_list(user: Any, list_ids: list[int] | None = None) -> dict[int, dict[str, Any]]:
    """{list id: {total, signed_off, requested, overdue, label}} in one query."""
    qs = Measure.objects.visible_to(user)
    if list_ids is not None:
        qs = qs.filter(problem__problem_list_id__in=list_ids)
    today = timezone.localdate()
    rows = (
        qs.values("problem__problem_list_id")
        .annotate(
            total=Count("pk", distinct=True),
            signed_off=Count("pk", filter=Q(status=MeasureStatus.SIGNED_OFF), distinct=True),
            requested=Count("pk", filter=Q(status=MeasureStatus.REQUESTED), distinct=True),
            overdue=Count(
                "pk", filter=Q(status__in=OPEN_MEASURE_STATUSES, deadline__lt=today), distinct=True
            ),
        )
        .order_by()
    )
    found = {}
    for row in rows:
        row["label"] = _("%(total)s项措施：已销号%(done)s，逾期%(overdue)s") % {
            "total": row["total"],
            "done": row["signed_off"],
            "overdue": row["overdue"],
        }
        row["percent"] = round(100 * row["signed_off"] / row["total"]) if row["total"] else 0
        found[row["problem__problem_list_id"]] = row
    return found
