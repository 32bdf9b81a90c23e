"""Catalogue figures computed from publicity records: 开展宣传活动 counts what units recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from taizhang.publicity.models import PublicityActivity


def activities(qs: Any, params: dict[str, Any]) -> Any:
    """Activities in [from, to) of the `within` unit's subtree (the list's filters)."""
    from taizhang.org.models import Unit

    def day(value: Any) -> dt.date | None:
        try:
            return dt.date.fromisoformat(str(value)) if value else None
        except ValueError:
            return None

    if start := day(params.get("from")):
        qs = qs.filter(held_on__gte=start)
    if end := day(params.get("to")):
        qs = qs.filter(held_on__lt=end)
    within = str(params.get("within") or "")
    if within.isdigit() and len(within) < 12:
        unit = Unit.objects.filter(pk=int(within)).first()
        qs = qs.filter(unit__path__startswith=unit.path) if unit else qs.none()
    return qs


def publicity_events(*, user: Any, unit: Any, start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    params = {
        "within": unit.pk,
        "from": timezone.localdate(start).isoformat(),
        "to": timezone.localdate(end).isoformat(),
    }
    qs = activities(PublicityActivity.objects.visible_to(user), params)
    total = qs.aggregate(n=Sum("count"))["n"] or 0
    return {
        "value": int(total),
        "persons": None,
        "url": reverse("publicity:activities") + "?" + urlencode(params),
    }


INDICATORS: dict[str, Callable[..., dict[str, Any] | None]] = {"work.publicity_events": publicity_events}
