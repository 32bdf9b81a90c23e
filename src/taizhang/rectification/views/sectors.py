"""行业领域整治: each sector with its lead unit and the cases, letters and measures the person may see."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from taizhang.cases.filters import list_url as cases_url
from taizhang.cases.models import Case
from taizhang.org.models import Sector
from taizhang.rectification.choices import OPEN_MEASURE_STATUSES, MeasureStatus
from taizhang.rectification.filters import letters_url
from taizhang.rectification.models import Letter, Measure


def _by_sector(qs: object, **counts: object) -> dict[int, dict[str, int]]:
    rows = qs.values("sector_id").annotate(**counts).order_by()  # type: ignore[attr-defined]
    return {row["sector_id"]: row for row in rows}


@login_required
def sector_board(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    cases = _by_sector(Case.objects.visible_to(user), n=Count("pk"))
    letters = _by_sector(Letter.objects.visible_to(user), n=Count("pk"))
    measures = {
        row["problem__problem_list__sector_id"]: row
        for row in Measure.objects.visible_to(user)
        .values("problem__problem_list__sector_id")
        .annotate(
            n=Count("pk"),
            done=Count("pk", filter=Q(status=MeasureStatus.SIGNED_OFF)),
            overdue=Count("pk", filter=Q(status__in=OPEN_MEASURE_STATUSES, deadline__lt=today)),
        )
        .order_by()
    }
    rows = []
    for sector in Sector.objects.filter(is_active=True).select_related("lead_unit"):
        m = measures.get(sector.pk, {})
        rows.append(
            {
                "sector": sector,
                "cases": cases.get(sector.pk, {}).get("n", 0),
                "cases_url": cases_url(sector=sector.pk),
                "letters": letters.get(sector.pk, {}).get("n", 0),
                "letters_url": letters_url(sector=sector.pk),
                "measures": m.get("n", 0),
                "done": m.get("done", 0),
                "overdue": m.get("overdue", 0),
                "lists_url": reverse("rectification:list") + f"?sector={sector.pk}",
            }
        )
    return render(request, "rectification/sector_board.html", {"rows": rows})
