"""Home panel: call-backs waiting for the person, and review items waiting for the person's unit."""

from __future__ import annotations

from typing import Any

from taizhang.reviews.choices import CallbackOutcome, CampaignStatus, Verdict
from taizhang.reviews.models import CallbackTask, ReviewItem


def home_panels(request: Any) -> list[dict[str, Any]]:
    user = request.user
    callbacks = (
        CallbackTask.objects.visible_to(user)
        .filter(assignee_id=user.pk, outcome__in=(CallbackOutcome.PENDING, CallbackOutcome.UNREACHABLE))
        .count()
    )
    reviews = (
        ReviewItem.objects.visible_to(user)
        .filter(
            reviewer_unit_id=getattr(user, "unit_id", None),
            verdict=Verdict.PENDING,
            campaign__status=CampaignStatus.REVIEWING,
        )
        .count()
    )
    if not callbacks and not reviews:
        return []
    return [{"template": "reviews/panel.html", "width": 6, "callbacks": callbacks, "reviews": reviews}]
