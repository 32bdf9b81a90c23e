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

from taizhang.org.choices import UnitKind
from taizhang.org.models import Unit

CLUE_LIST = "/clues/"


def unit_q(unit: Unit) -> Q:
    """The clues that count for `unit` (see the module docstring)."""
    if unit.kind == UnitKind.OFFICE:
        return Q(office__path__startswith=unit.path)
    return Q(**{MEMBER_FIELD: unit.pk})


MEMBER_FIELD = "responsible_unit_id"  # the clue field naming the (non-office) unit whose clues it is


def unit_params(unit: Unit) -> dict[str, Any]:
    if unit.kind == UnitKind.OFFICE:
        return {"office": unit.pk}
    return {"unit": unit.pk}


def day(value: dt.date) -> str:
    return value.strftime("%Y-%m-%d")


def encode(params: dict[str, Any]) -> str:
    """The query string of ledger parameters (empty values left out, lists as repeated parameters)."""
    return urlencode({k: v for k, v in params.items() if v not in (None, "")}, doseq=True)


def clue_url(unit: Unit, /, **params: Any) -> str:
    """The ledger list URL for `unit`'s clues narrowed by `params` (lists become repeated parameters)."""
    return f"{CLUE_LIST}?{encode({**unit_params(unit), **params})}"


def received(start: dt.date, end: dt.date) -> dict[str, str]:
    return {"received_from": day(start), "received_to": day(end)}


def concluded(start: dt.date, end: dt.date) -> dict[str, str]:
    return {"concluded_from": day(start), "concluded_to": day(end)}


def apply_clue_params(qs: QuerySet, params: Any) -> QuerySet:
    """The ledger list's own filter (clues/filters.py) over `qs`, for tests and the bench to count a link."""
    from taizhang.clues.filters import filter_clues

    return filter_clues(qs, params, counting=True)
