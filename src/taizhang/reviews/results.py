"""Read side: a campaign's results per handling unit, and call-back satisfaction by unit and by month.
Each count and its drill-down read the same visible querysets."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth

from taizhang.org.models import Unit
from taizhang.reviews.choices import CONTENT, REACHED, CallbackOutcome, Verdict
from taizhang.reviews.models import CallbackTask, ReviewCampaign, ReviewItem

ITEM_BUCKETS = {
    "sampled": Q(),
    "reviewed": ~Q(verdict=Verdict.PENDING),
    "corrected": Q(verdict=Verdict.CORRECTED),
}


def items(
    user: Any, campaign: ReviewCampaign, *, unit: int | None = None, bucket: str = "sampled"
) -> QuerySet:
    qs = ReviewItem.objects.visible_to(user).filter(campaign=campaign).filter(ITEM_BUCKETS.get(bucket, Q()))
    if unit is not None:
        qs = qs.filter(handling_unit_id=unit or None) if unit else qs.filter(handling_unit__isnull=True)
    return qs.select_related("clue", "handling_unit", "reviewer_unit").order_by("pk")


def campaign_board(user: Any, campaign: ReviewCampaign) -> list[dict[str, Any]]:
    rows = (
        ReviewItem.objects.visible_to(user)
        .filter(campaign=campaign)
        .order_by()
        .values("handling_unit_id")
        .annotate(**{name: Count("pk", filter=q) for name, q in ITEM_BUCKETS.items()})
    )
    labels = dict(Unit.objects.filter(pk__in=[r["handling_unit_id"] for r in rows]).values_list("pk", "name"))
    return sorted(
        (
            {"unit_id": r["handling_unit_id"] or 0, "unit": labels.get(r["handling_unit_id"], "—"), **r}
            for r in rows
        ),
        key=lambda r: r["unit"],
    )


def rate(content: int, reached: int) -> float | None:
    return round(content * 100 / reached, 1) if reached else None


def _aggregate(qs: QuerySet, key: str) -> list[dict[str, Any]]:
    rows = (
        qs.order_by()
        .values(key)
        .annotate(
            total=Count("pk"),
            reached=Count("pk", filter=Q(outcome__in=REACHED)),
            content=Count("pk", filter=Q(outcome__in=CONTENT)),
            dissatisfied=Count("pk", filter=Q(outcome=CallbackOutcome.DISSATISFIED)),
            unreachable=Count("pk", filter=Q(outcome=CallbackOutcome.UNREACHABLE)),
        )
    )
    return [r | {"rate": rate(r["content"], r["reached"])} for r in rows]


def satisfaction(user: Any, qs: QuerySet | None = None) -> dict[str, Any]:
    """满意率 = (满意 + 基本满意) ÷ reporters reached, overall, by handling unit and by month."""
    qs = CallbackTask.objects.visible_to(user) if qs is None else qs
    by_unit = _aggregate(qs, "handling_unit_id")
    labels = dict(
        Unit.objects.filter(pk__in=[r["handling_unit_id"] for r in by_unit]).values_list("pk", "name")
    )
    for r in by_unit:
        r["unit"] = labels.get(r["handling_unit_id"], "—")
    by_month = sorted(_aggregate(qs.annotate(m=TruncMonth("month")), "month"), key=lambda r: r["month"])
    totals = qs.aggregate(
        reached=Count("pk", filter=Q(outcome__in=REACHED)), content=Count("pk", filter=Q(outcome__in=CONTENT))
    )
    return {
        "by_unit": by_unit,
        "by_month": by_month,
        "rate": rate(totals["content"], totals["reached"]),
        **totals,
    }
