"""Call-back satisfaction for the monthly report and dashboard (the shape of every app's indicators.py):
callbacks.satisfaction_rate = (满意 + 基本满意) ÷ reporters reached, over call-backs recorded in the period whose
clue's handling unit is in `unit`'s tree (or whose office is), as `user` may see them. The link lists the tasks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Q
from django.urls import reverse

from taizhang.org.models import Unit
from taizhang.reviews import results
from taizhang.reviews.models import CallbackTask


def satisfaction_rate(*, user: Any, unit: Unit, start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    qs = CallbackTask.objects.visible_to(user).filter(
        Q(office__path__startswith=unit.path) | Q(handling_unit__path__startswith=unit.path),
        called_at__gte=start,
        called_at__lt=end,
    )
    figures = results.satisfaction(user, qs)
    return {"value": figures["rate"] or 0.0, "persons": None, "url": reverse("reviews:callbacks")}


INDICATORS: dict[str, Callable[..., dict[str, Any] | None]] = {
    "callbacks.satisfaction_rate": satisfaction_rate
}
