"""The case list's filters, shared by the page, the export, the API and the indicators' drill-down URLs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef, Q, Sum
from django.urls import reverse

from taizhang.cases.choices import CaseStage, CaseStatus, CheckKind, CheckStatus, Measure, OrgType, Screening
from taizhang.cases.models import AccountabilityQuerySet, CaseCheck, CaseQuerySet, CaseStageEvent
from taizhang.core.params import as_id
from taizhang.org.models import Unit

FILTER_KEYS = (
    "q",
    "org_type",
    "stage",
    "status",
    "screening",
    "sector",
    "within",
    "event",
    "judged",
    "from",
    "to",
    "listed",
    "check_open",
)


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _choices(value: str | None, allowed: list[str]) -> list[str]:
    return [v for v in (value or "").split(",") if v in allowed]


def event_filter(params: Mapping[str, Any]) -> dict[str, Any] | None:
    """Events matching the period filter: `event` on their date or `judged` on the judgment date, in [from, to)."""
    start, end = _date(params.get("from")), _date(params.get("to"))
    if params.get("event") in CaseStage.values:
        kwargs: dict[str, Any] = {"stage": params["event"]}
        field = "occurred_on"
    elif params.get("judged") in CaseStage.values:
        kwargs = {"stage": params["judged"], "judged_on__isnull": False}
        field = "judged_on"
    else:
        return None
    if start:
        kwargs[f"{field}__gte"] = start
    if end:
        kwargs[f"{field}__lt"] = end
    return kwargs


def apply(qs: CaseQuerySet, params: Mapping[str, Any]) -> CaseQuerySet:
    """Narrow a (visible) case queryset by the list's GET parameters; unknown values are ignored."""
    if q := (params.get("q") or "").strip():
        qs = qs.filter(Q(name__icontains=q) | Q(number__icontains=q))
    if org := _choices(params.get("org_type"), OrgType.values):
        qs = qs.filter(org_type__in=org)
    if stage := _choices(params.get("stage"), CaseStage.values):
        qs = qs.filter(stage__in=stage)
    if params.get("status") in CaseStatus.values:
        qs = qs.filter(status=params["status"])
    if screening := _choices(params.get("screening"), Screening.values):
        qs = qs.filter(screening__in=screening)
    if sector := as_id(params.get("sector")):
        qs = qs.filter(sector_id=sector)
    if within := as_id(params.get("within")):
        unit = Unit.objects.filter(pk=within).first()
        qs = qs.within(unit) if unit else qs.none()
    if params.get("listed"):
        from taizhang.cases.listing import listed_case_ids

        ids = listed_case_ids(_date(params.get("from")), _date(params.get("to")))
        qs = qs.filter(pk__in=ids)
    if (kwargs := event_filter(params)) is not None:
        qs = qs.filter(Exists(CaseStageEvent.objects.filter(case=OuterRef("pk"), **kwargs)))
    if (check := params.get("check_open")) in (*CheckKind.values, "any"):
        open_checks = CaseCheck.objects.filter(case=OuterRef("pk"), status=CheckStatus.OPEN)
        qs = qs.filter(Exists(open_checks if check == "any" else open_checks.filter(kind=check)))
    return qs


ACCOUNTABILITY_KEYS = ("within", "from", "to", "measure")


def accountabilities(qs: AccountabilityQuerySet, params: Mapping[str, Any]) -> AccountabilityQuerySet:
    """Accountability records by decision date in [from, to), measure(s) and the case's unit subtree."""
    if measures := _choices(params.get("measure"), Measure.values):
        qs = qs.filter(measure__in=measures)
    if start := _date(params.get("from")):
        qs = qs.filter(decided_on__gte=start)
    if end := _date(params.get("to")):
        qs = qs.filter(decided_on__lt=end)
    if within := as_id(params.get("within")):
        unit = Unit.objects.filter(pk=within).first()
        from taizhang.cases.models import Case

        cases = Case.objects.within(unit).values("pk") if unit else Case.objects.none().values("pk")
        qs = qs.filter(check_row__case_id__in=cases)
    return qs


def accountability_url(**params: Any) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "") and k in ACCOUNTABILITY_KEYS}
    return reverse("cases:accountability") + ("?" + urlencode(clean) if clean else "")


def with_period_persons(qs: CaseQuerySet, params: Mapping[str, Any]) -> CaseQuerySet:
    """Annotate `period_persons`: persons on the events the period filter matched (None without one)."""
    kwargs = event_filter(params)
    if kwargs is None:
        return qs
    matched = Q(**{f"events__{k}": v for k, v in kwargs.items()})
    return qs.annotate(period_persons=Sum("events__persons", filter=matched))


def list_url(**params: Any) -> str:
    """The case list URL with these filters (what an indicator links to)."""
    clean = {k: v for k, v in params.items() if v not in (None, "") and k in FILTER_KEYS}
    return reverse("cases:list") + ("?" + urlencode(clean) if clean else "")
