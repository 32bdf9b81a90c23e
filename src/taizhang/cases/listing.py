"""挂牌督办 of cases, read from the supervision app's generic listings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from taizhang.cases.models import Case
from taizhang.supervision.models import ListedSupervision


def listed_case_ids(date_from: dt.date | None, date_to: dt.date | None) -> Any:
    """Ids of cases listed for supervision in [date_from, date_to) (a subquery)."""
    qs = ListedSupervision.objects.filter(target_type=ContentType.objects.get_for_model(Case))
    if date_from:
        qs = qs.filter(listed_at__gte=timezone.make_aware(dt.datetime.combine(date_from, dt.time())))
    if date_to:
        qs = qs.filter(listed_at__lt=timezone.make_aware(dt.datetime.combine(date_to, dt.time())))
    return qs.values("target_id")
