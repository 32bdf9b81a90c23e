"""A report from a lower instance as it was sent: its figures, each clue figure with the clue numbers it was
computed from (the lower ledger's numbers, read-only: those clues live in the other instance)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from taizhang.core.access import page_rule
from taizhang.reports.models import ReportFromBelow
from taizhang.reports.views.common import may_read_office_stats


def may_read(user: Any, pk: int) -> bool:
    """Office people (the office statistics pages' rule) above the child instance's unit it came through."""
    return may_read_office_stats(user) and ReportFromBelow.objects.visible_to(user).filter(pk=pk).exists()


@login_required
@page_rule(may_read)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    source = get_object_or_404(
        ReportFromBelow.objects.visible_to(user).select_related("unit", "report_type", "report"), pk=pk
    )
    return render(
        request, "reports/from_below.html", {"source": source, "figures": list(source.figures.all())}
    )
