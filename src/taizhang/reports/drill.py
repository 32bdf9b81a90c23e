"""Drill-down links to the clue ledger list, and which clues belong to a unit for the figures.

A unit's clues (defined once here, used by every figure, chart and document):
- for an office: the clues registered by that office or any office below it (`office` subtree);
- for any other unit: the clues whose current responsible unit is that unit.
The ledger list (`/clues/`) accepts exactly the GET parameters built here, so a figure's link lists the same
records the figure counts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, QuerySet

from taizhang.clues.choices import OPEN_STATUSES
from taizhang.org.choices import UnitKind
from taizhang.org.models import Unit
from taizhang.reports.periods import local_midnight

CLUE_LIST = "/clues/"


def unit_q(unit: Unit) -> Q:
    """The clues that count for `unit` (see the module docstring)."""
    if unit.kind == UnitKind.OFFICE:
        return Q(office__path__startswith=unit.path)
    return Q(responsible_unit_id=unit.pk)


def unit_params(unit: Unit) -> dict[str, Any]:
    if unit.kind == UnitKind.OFFICE:
        return {"office": unit.pk}
    return {"unit": unit.pk}


def day(value: dt.date) -> str:
    return value.strftime("%Y-%m-%d")


def clue_url(unit: Unit, /, **params: Any) -> str:
    """The ledger list URL for `unit`'s clues narrowed by `params` (lists become repeated parameters)."""
    query = {**unit_params(unit), **{k: v for k, v in params.items() if v not in (None, "")}}
    return f"{CLUE_LIST}?{urlencode(query, doseq=True)}"


def received(start: dt.date, end: dt.date) -> dict[str, str]:
    return {"received_from": day(start), "received_to": day(end)}


def concluded(start: dt.date, end: dt.date) -> dict[str, str]:
    return {"concluded_from": day(start), "concluded_to": day(end)}


def _date_range(field: str, start: str | None, end: str | None) -> Q:
    q = Q()
    if start:
        q &= Q(**{f"{field}__gte": local_midnight(dt.date.fromisoformat(start))})
    if end:
        q &= Q(**{f"{field}__lt": local_midnight(dt.date.fromisoformat(end) + dt.timedelta(days=1))})
    return q


def apply_clue_params(qs: QuerySet, params: Any, *, now: dt.datetime | None = None) -> QuerySet:
    """The ledger list's filter semantics for the parameters above (used by tests and the bench).

    `params` is a QueryDict or a dict of lists. Mirrors clues/filters.py so the counts can be compared before
    the ledger list lands; after it does, the tests fetch the list itself.
    """
    from django.utils import timezone

    def get(name: str) -> str | None:
        values = getlist(name)
        return values[0] if values else None

    def getlist(name: str) -> list[str]:
        if hasattr(params, "getlist"):
            return [str(v) for v in params.getlist(name)]
        value = params.get(name)
        if value is None:
            return []
        return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]

    if statuses := getlist("status"):
        qs = qs.filter(status__in=statuses)
    for name, field in (("category", "category"), ("channel", "channel"), ("finding", "finding_result")):
        if value := get(name):
            qs = qs.filter(**{field: value})
    if value := get("sector"):
        qs = qs.filter(sector_id=int(value))
    if value := get("unit"):
        qs = qs.filter(responsible_unit_id=int(value))
    if value := get("office"):
        office = Unit.objects.only("path").get(pk=int(value))
        qs = qs.filter(office__path__startswith=office.path)
    if get("overdue") == "1":
        qs = qs.filter(status__in=OPEN_STATUSES, deadline_at__lt=now or timezone.now())
    if get("umbrella") == "1":
        qs = qs.filter(is_umbrella=True)
    qs = qs.filter(_date_range("received_at", get("received_from"), get("received_to")))
    return qs.filter(_date_range("concluded_at", get("concluded_from"), get("concluded_to")))
