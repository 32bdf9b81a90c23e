"""Catalogue figures computed from publicity records: 开展宣传活动 counts what units recorded;
群众安全感满意度 is the satisfied share of the likert answers of the surveys in the period, from the districts of
`unit`'s tree, as `user` may see the surveys (the same count the survey's results page shows per district)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from taizhang.core.params import as_id
from taizhang.publicity.choices import SATISFIED_FROM, QuestionKind
from taizhang.publicity.models import Answer, PublicityActivity, Survey
from taizhang.pure.dates import parse_date_text


def activities(qs: Any, params: dict[str, Any]) -> Any:
    """Activities in [from, to) of the `within` unit's subtree (the list's filters)."""
    from taizhang.org.models import Unit

    if start := parse_date_text(params.get("from")):
        qs = qs.filter(held_on__gte=start)
    if end := parse_date_text(params.get("to")):
        qs = qs.filter(held_on__lt=end)
    if within := as_id(params.get("within")):
        unit = Unit.objects.filter(pk=within).first()
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


def surveys_in(user: Any, start: dt.datetime, end: dt.datetime) -> Any:
    """The surveys `user` may see whose period meets [start, end)."""
    return Survey.objects.visible_to(user).filter(
        period_start__lt=timezone.localdate(end), period_end__gte=timezone.localdate(start)
    )


def security_counts(user: Any, unit: Any, start: dt.datetime, end: dt.datetime) -> dict[int, tuple[int, int]]:
    """District id → (likert answers, satisfied answers) of the surveys in the period, in `unit`'s tree."""
    from taizhang.org.models import Unit

    rows = (
        Answer.objects.filter(
            question__survey__in=surveys_in(user, start, end),
            question__kind=QuestionKind.LIKERT,
            district_id_copy__in=Unit.objects.filter(path__startswith=unit.path).values("pk"),
        )
        .values("district_id_copy")
        .annotate(n=Count("pk"), ok=Count("pk", filter=Q(value__gte=SATISFIED_FROM)))
        .order_by()
    )
    return {r["district_id_copy"]: (r["n"], r["ok"]) for r in rows}


def share(answers: int, satisfied: int) -> float | None:
    return round(satisfied * 100 / answers, 1) if answers else None


def security_rate(*, user: Any, unit: Any, start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    counts = security_counts(user, unit, start, end).values()
    latest = surveys_in(user, start, end).order_by("-period_end", "-id").first()
    rate = share(sum(n for n, _ok in counts), sum(ok for _n, ok in counts))
    return {
        "value": rate or 0.0,
        "persons": None,
        "url": reverse("publicity:survey", args=[latest.pk]) if latest else reverse("publicity:surveys"),
    }


INDICATORS: dict[str, Callable[..., dict[str, Any] | None]] = {
    "work.publicity_events": publicity_events,
    "publicity.security_rate": security_rate,
}
