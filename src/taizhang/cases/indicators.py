"""Catalogue figures computed from cases, for the reports app's dashboard.

Each function answers for the cases `user` may see within `unit`'s subtree, counting stage events dated in
[start, end). The URL lists exactly the cases counted (the case list accepts these filters), and the persons
figure is the sum of the persons recorded on the matching events, shown in the list's "期间人数" column.
Figures the cases do not hold (discipline.*: the discipline commission's own case handling) answer None.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import F, Func, IntegerField, OuterRef, Subquery, Sum
from django.utils import timezone

from taizhang.cases import filters
from taizhang.cases.choices import COUNTED_ORG_TYPES, CaseStage, Measure, OrgType
from taizhang.cases.models import Accountability, Case, CaseQuerySet, CaseStageEvent
from taizhang.org.models import Unit

Figure = dict[str, Any]


def _period(start: dt.datetime, end: dt.datetime) -> tuple[str, str]:
    return timezone.localdate(start).isoformat(), timezone.localdate(end).isoformat()


def _cases(user: Any, unit: Any, params: dict[str, Any]) -> CaseQuerySet:
    return filters.apply(Case.objects.visible_to(user), params)


def _params(unit: Any, start: dt.datetime, end: dt.datetime, **extra: Any) -> dict[str, Any]:
    date_from, date_to = _period(start, end)
    return {"within": unit.pk, "from": date_from, "to": date_to, **extra}


def _persons(qs: CaseQuerySet, params: dict[str, Any]) -> int:
    kwargs = filters.event_filter(params) or {}
    total = CaseStageEvent.objects.filter(case__in=qs.values("pk"), **kwargs).aggregate(n=Sum("persons"))["n"]
    return int(total or 0)


def stage_figure(stage: str, *, judged: bool = False) -> Callable[..., Figure]:
    """件 + 人 at a stage: cases with the stage event (or its judgment) in the period, and their persons."""

    def figure(*, user: Any, unit: Any, start: dt.datetime, end: dt.datetime) -> Figure:
        params = _params(unit, start, end, **({"judged": stage} if judged else {"event": stage}))
        qs = _cases(user, unit, params)
        return {"value": qs.count(), "persons": _persons(qs, params), "url": filters.list_url(**params)}

    return figure


def orgs_figure(*org_types: str) -> Callable[..., Figure]:
    """Organisations dismantled: cases of these types placed under investigation (立案侦查) in the period."""

    def figure(*, user: Any, unit: Any, start: dt.datetime, end: dt.datetime) -> Figure:
        params = _params(
            unit, start, end, event=CaseStage.INVESTIGATION, org_type=",".join(sorted(org_types))
        )
        qs = _cases(user, unit, params)
        return {"value": qs.count(), "persons": None, "url": filters.list_url(**params)}

    return figure


def _investigated(user: Any, unit: Any, start: dt.datetime, end: dt.datetime) -> tuple[CaseQuerySet, dict]:
    params = _params(unit, start, end, event=CaseStage.INVESTIGATION)
    return _cases(user, unit, params), params


def suspects_caught(*, user: Any, unit: Any, start: dt.datetime, end: dt.datetime) -> Figure:
    """抓获犯罪嫌疑人: persons recorded on the 立案侦查 events of the period."""
    qs, params = _investigated(user, unit, start, end)
    persons = _persons(qs, params)
    return {"value": persons, "persons": persons, "url": filters.list_url(**params)}


def fugitives_caught(*, user: Any, unit: Any, start: dt.datetime, end: dt.datetime) -> Figure:
    """缉拿目标逃犯: the fugitives caught in the cases placed under investigation in the period."""
    qs, params = _investigated(user, unit, start, end)
    total = qs.aggregate(n=Sum("fugitives_caught"))["n"] or 0
    return {"value": int(total), "persons": int(total), "url": filters.list_url(**params)}


def assets_seized(*, user: Any, unit: Any, start: dt.datetime, end: dt.datetime) -> Figure:
    """查封、扣押、冻结涉案资产 (元) of the cases placed under investigation in the period."""
    qs, params = _investigated(user, unit, start, end)
    sums = qs.aggregate(seized=Sum("assets_seized"), frozen=Sum("assets_frozen"))
    total = (sums["seized"] or Decimal(0)) + (sums["frozen"] or Decimal(0))
    return {"value": float(total), "persons": None, "url": filters.list_url(**params)}


def listed_cases(*, user: Any, unit: Any, start: dt.datetime, end: dt.datetime) -> Figure:
    """挂牌督办 cases (supervision's listings whose target is a case)."""
    params = _params(unit, start, end, listed="1")
    qs = _cases(user, unit, params)
    return {"value": qs.count(), "persons": None, "url": filters.list_url(**params)}


def _listed_cases_for_units(
    *, user: Any, units: list[Unit], start: dt.datetime, end: dt.datetime
) -> dict[int, Figure]:
    """listed_cases for every unit in one statement: the same filters, `within` each unit's path."""
    date_from, date_to = _period(start, end)
    everywhere = {"from": date_from, "to": date_to, "listed": "1"}
    listed = filters.apply(Case.objects.visible_to(user), everywhere).within_path(OuterRef("path")).order_by()
    counted = listed.annotate(n=Func(F("pk"), function="COUNT")).values("n")
    found = dict(
        Unit.objects.filter(pk__in=[u.pk for u in units])
        .annotate(n=Subquery(counted, output_field=IntegerField()))
        .values_list("pk", "n")
    )
    return {
        u.pk: {
            "value": found.get(u.pk) or 0,
            "persons": None,
            "url": filters.list_url(**_params(u, start, end, listed="1")),
        }
        for u in units
    }


listed_cases.for_units = _listed_cases_for_units  # type: ignore[attr-defined]  # reports.figures.call_for_units


def accountability_figure(*measures: str) -> Callable[..., Figure]:
    """Persons held to account by the cases' responsibility checks (一案三查), decided in the period."""

    def figure(*, user: Any, unit: Any, start: dt.datetime, end: dt.datetime) -> Figure:
        date_from, date_to = _period(start, end)
        params = {"within": unit.pk, "from": date_from, "to": date_to, "measure": ",".join(sorted(measures))}
        qs = filters.accountabilities(Accountability.objects.visible_to(user), params)
        count = qs.count()
        return {"value": count, "persons": count, "url": filters.accountability_url(**params)}

    return figure


def _none(**_kwargs: Any) -> None:
    return None


INDICATORS: dict[str, Callable[..., Figure | None]] = {
    "orgs.mafia": orgs_figure(OrgType.MAFIA),
    "orgs.criminal_group": orgs_figure(OrgType.CRIMINAL_GROUP),
    "orgs.gang": orgs_figure(OrgType.GANG),
    "orgs.village_bully": orgs_figure(OrgType.VILLAGE_BULLY),
    "orgs.total": orgs_figure(*COUNTED_ORG_TYPES),
    "police.cases_solved": stage_figure(CaseStage.INVESTIGATION),
    "police.suspects_caught": suspects_caught,
    "police.fugitives_caught": fugitives_caught,
    "procuratorate.arrests": stage_figure(CaseStage.ARREST),
    "procuratorate.prosecutions": stage_figure(CaseStage.PROSECUTION),
    "court.first_instance_accepted": stage_figure(CaseStage.FIRST_INSTANCE),
    "court.first_instance_judged": stage_figure(CaseStage.FIRST_INSTANCE, judged=True),
    "court.second_instance_judged": stage_figure(CaseStage.SECOND_INSTANCE, judged=True),
    "court.effective_judgments": stage_figure(CaseStage.EFFECTIVE),
    "discipline.umbrella_cases": _none,
    "discipline.persons_handled": accountability_figure(*Measure.values),
    "discipline.sanctioned": accountability_figure(Measure.PARTY, Measure.GOVERNMENT),
    "discipline.transferred_to_judiciary": accountability_figure(Measure.JUDICIARY),
    "assets.seized": assets_seized,
    "supervision.listed_cases": listed_cases,
}
