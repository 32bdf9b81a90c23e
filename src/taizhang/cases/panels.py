"""Home panel: cases by stage and the cases still waiting for 逐案过筛."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from taizhang.cases.choices import CaseStage, CaseStatus, Screening
from taizhang.cases.models import Case


def home_panels(request: Any) -> list[dict[str, Any]]:
    qs = Case.objects.visible_to(request.user)
    counts = qs.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status=CaseStatus.OPEN)),
        unscreened=Count("pk", filter=Q(screening__in=[Screening.UNSCREENED, Screening.CHECKING])),
    )
    if not counts["total"]:
        return []
    by_stage = dict(qs.filter(status=CaseStatus.OPEN).values_list("stage").annotate(n=Count("pk")).order_by())
    stages = [{"value": s, "label": label, "count": by_stage.get(s, 0)} for s, label in CaseStage.choices]
    return [{"template": "cases/panel.html", "width": 6, "counts": counts, "stages": stages}]
