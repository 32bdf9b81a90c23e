"""Parsing the unit and period a page is about, and who may open the statistics pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from taizhang.core.access import page_rule
from taizhang.core.params import as_id
from taizhang.org.choices import RoleCode
from taizhang.org.models import Unit
from taizhang.org.visibility import scope_of
from taizhang.reports.choices import PeriodKind
from taizhang.reports.periods import Period

STATS_ROLES = (RoleCode.OFFICE_STAFF, RoleCode.OFFICE_LEADER, RoleCode.GROUP_MEMBER, RoleCode.UNIT_LEADER)
OFFICE_READERS = (RoleCode.OFFICE_STAFF, RoleCode.OFFICE_LEADER, RoleCode.GROUP_MEMBER)


def _holds(user: Any, roles: tuple[str, ...], *, office: bool = False) -> bool:
    scope = scope_of(user)
    return scope is not None and scope.has(*roles) and (not office or bool(scope.office_path))


def may_read_stats(user: Any, **_: Any) -> bool:
    """统计 (figures, dashboard): office people, leading-group members and unit leaders."""
    return _holds(user, STATS_ROLES)


def may_read_office_stats(user: Any, **_: Any) -> bool:
    """Bulletin, summary sheet and assessment: people of an office."""
    return _holds(user, OFFICE_READERS, office=True)


stats_page = page_rule(may_read_stats, deny=PermissionDenied)
office_stats_page = page_rule(may_read_office_stats, deny=PermissionDenied)


def chosen_unit(request: HttpRequest) -> Unit:
    """The unit named by ?unit= among those the person may see (404 otherwise); default their own unit."""
    user: Any = request.user
    raw = request.GET.get("unit") or request.POST.get("unit") or user.unit_id
    pk = as_id(raw) or 0
    return get_object_or_404(Unit.objects.visible_to(user), pk=pk)


def chosen_period(request: HttpRequest, default_kind: str = PeriodKind.QUARTER) -> Period:
    """?kind=month|quarter|half|year&period=2026-03|2026-Q1|2026-H1|2026; default the current period."""
    kind = request.GET.get("kind") or default_kind
    if kind not in (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.HALF, PeriodKind.YEAR):
        kind = default_kind
    key = request.GET.get("period", "")
    try:
        return Period.parse(kind, key) if key else Period.of(kind, timezone.localdate())
    except (ValueError, IndexError, OverflowError):
        return Period.of(kind, timezone.localdate())


PERIOD_KINDS = [
    (PeriodKind.MONTH, PeriodKind.MONTH.label),
    (PeriodKind.QUARTER, PeriodKind.QUARTER.label),
    (PeriodKind.HALF, PeriodKind.HALF.label),
    (PeriodKind.YEAR, PeriodKind.YEAR.label),
]
