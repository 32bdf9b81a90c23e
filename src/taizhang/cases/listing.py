"""挂牌督办 of cases, read from the supervision app's generic listings (when that app provides them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone


def listed_case_ids(date_from: dt.date | None, date_to: dt.date | None) -> Any:
    """Ids of cases listed for supervision in [date_from, date_to), or None without the listings model."""
    try:
        from django.contrib.contenttypes.models import ContentType

        from taizhang.supervision.models import ListedSupervision  # type: ignore[attr-defined]
    except ImportError:
        return None
    from taizhang.cases.models import Case

    qs = ListedSupervision.objects.filter(target_type=ContentType.objects.get_for_model(Case))
    if date_from:
        qs = qs.filter(listed_at__gte=timezone.make_aware(dt.datetime.combine(date_from, dt.time())))
    if date_to:
        qs = qs.filter(listed_at__lt=timezone.make_aware(dt.datetime.combine(date_to, dt.time())))
    return qs.values("target_id")
