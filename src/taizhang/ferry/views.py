"""The ferry's state for the office: the last package each way, when, what it carried, and what was refused."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from taizhang.ferry.choices import Direction, Outcome
from taizhang.ferry.models import PackageLog
from taizhang.ferry.package import LEDGER_TO_PORTAL, PORTAL_TO_LEDGER, kind_label
from taizhang.org.choices import RoleCode
from taizhang.org.visibility import scope_of


def can_see_ferry(user: object) -> bool:
    """Office staff and leaders (the page names packages and counts, never a report's content)."""
    scope = scope_of(user)
    return bool(scope and scope.office_path and scope.has(RoleCode.OFFICE_STAFF, RoleCode.OFFICE_LEADER))


@login_required
@require_GET
def state(request: HttpRequest) -> HttpResponse:
    """Last package each way, recent refusals and the twenty latest packages."""
    if not can_see_ferry(request.user):
        raise Http404
    # The ferry's own packages (the exchange between levels logs in the same journal: /exchange/ shows those).
    logs = PackageLog.objects.filter(kind__in=(PORTAL_TO_LEDGER, LEDGER_TO_PORTAL))
    latest = {
        direction: logs.filter(direction=direction).exclude(outcome=Outcome.REFUSED).first()
        for direction in (Direction.OUT, Direction.IN)
    }
    rows = list(logs[:20])
    for row in [*rows, *(r for r in latest.values() if r)]:
        row.kind_label = kind_label(row.kind)  # type: ignore[attr-defined]
    return render(
        request,
        "ferry/state.html",
        {
            "last_out": latest[Direction.OUT],
            "last_in": latest[Direction.IN],
            "refused": logs.filter(outcome=Outcome.REFUSED)[:10],
            "rows": rows,
        },
    )
