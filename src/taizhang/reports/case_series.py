"""The dashboard's case charts (organisations by type, case stage funnel) in two grouped queries.

Each figure is the one the cases app's indicator computes (cases/indicators.py): cases the person may see
within the unit's subtree with a stage event (or a judgment) dated in the period, their persons, and the
case-list URL with those filters. Asking each indicator in turn costs two queries per figure (nine figures);
grouping the same events by stage and by organisation type answers all of them at once. A figure whose
provider is not the cases app's own function is still asked one by one (figures.call).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone

from taizhang.cases.indicators import INDICATORS
from taizhang.org.models import Unit
from taizhang.reports.periods import Period

# code -> (event parameter, stage, organisation type)
ORGS = {
    "orgs.mafia": "mafia",
    "orgs.criminal_group": "criminal_group",
    "orgs.gang": "gang",
    "orgs.village_bully": "village_bully",
}
FUNNEL = {
    "police.cases_solved": ("event", "investigation"),
    "procuratorate.arrests": ("event", "arrest"),
    "procuratorate.prosecutions": ("event", "prosecution"),
    "court.first_instance_judged": ("judged", "first_instance"),
    "court.effective_judgments": ("event", "effective"),
}


def batched_codes(found: dict[str, Any]) -> set[str]:
    """The codes whose provider is the cases app's own indicator (so the grouped queries answer the same)."""
    return {code for code in [*ORGS, *FUNNEL] if code in found and found[code] is INDICATORS.get(code)}


def figures(user: Any, unit: Unit, period: Period, codes: set[str]) -> dict[str, dict[str, Any]]:
    """{code: {"value", "persons", "url"}} for `codes` (from batched_codes)."""
    from taizhang.cases import filters
    from taizhang.cases.models import Case, CaseStageEvent

    if not codes:
        return {}
    start, end = period.bounds()
    date_from, date_to = timezone.localdate(start), timezone.localdate(end)
    base = filters.apply(Case.objects.visible_to(user), {"within": unit.pk}).values("pk")
    events = CaseStageEvent.objects.filter(case__in=base)
    dated = events.filter(occurred_on__gte=date_from, occurred_on__lt=date_to)
    # One pass over the period's events by (stage, organisation type): a case has one type, so the distinct
    # cases of a stage are the sum over its types.
    by_stage: dict[str, dict[str, int]] = {}
    orgs: dict[str, int] = {}
    for row in dated.values("stage", "case__org_type").annotate(
        cases=Count("case_id", distinct=True), persons=Sum("persons")
    ):
        slot = by_stage.setdefault(row["stage"], {"cases": 0, "persons": 0})
        slot["cases"] += row["cases"]
        slot["persons"] += row["persons"] or 0
        if row["stage"] == "investigation":
            orgs[row["case__org_type"]] = row["cases"]
    judged = {
        row["stage"]: row
        for row in events.filter(judged_on__isnull=False, judged_on__gte=date_from, judged_on__lt=date_to)
        .values("stage")
        .annotate(cases=Count("case_id", distinct=True), persons=Sum("persons"))
    }
    params = {"within": unit.pk, "from": date_from.isoformat(), "to": date_to.isoformat()}
    out: dict[str, dict[str, Any]] = {}
    for code in codes:
        if code in ORGS:
            url = filters.list_url(**params, event="investigation", org_type=ORGS[code])
            out[code] = {"value": orgs.get(ORGS[code], 0), "persons": None, "url": url}
        else:
            kind, stage = FUNNEL[code]
            row = (judged if kind == "judged" else by_stage).get(stage, {})
            url = filters.list_url(**params, **{kind: stage})
            out[code] = {"value": row.get("cases", 0), "persons": int(row.get("persons") or 0), "url": url}
    return out
