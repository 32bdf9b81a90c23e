"""Drive figures for the monthly report and dashboard, in the shape every app's indicators.py uses:
fn(*, user, unit, start, end) -> {"value", "persons", "url"}, counted over what `user` may see in `unit`'s tree.
- drives.run: drives of the unit's office tree under way in the period (started before its end, not ended before
  its start);
- drives.units_covered: distinct units that filed a return in the period;
- drives.clues_found: clues found by drives and registered, received in the period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from taizhang.drives.models import Drive, DriveFinding, DriveReturn
from taizhang.org.models import Unit

Result = dict[str, Any]


def _days(start: dt.datetime, end: dt.datetime) -> tuple[dt.date, dt.date]:
    return timezone.localdate(start), timezone.localdate(end - dt.timedelta(microseconds=1))


def _in_tree(unit: Unit, prefix: str = "") -> Q:
    return Q(**{f"{prefix}office__path__startswith": unit.path}) | Q(
        **{f"{prefix}units__path__startswith": unit.path}
    )


def run(*, user: Any, unit: Unit, start: dt.datetime, end: dt.datetime) -> Result:
    first, last = _days(start, end)
    qs = Drive.objects.visible_to(user).filter(_in_tree(unit), starts_on__lte=last, ends_on__gte=first)
    return {"value": qs.values("pk").distinct().count(), "persons": None, "url": reverse("drives:list")}


def units_covered(*, user: Any, unit: Unit, start: dt.datetime, end: dt.datetime) -> Result:
    qs = DriveReturn.objects.visible_to(user).filter(
        unit__path__startswith=unit.path, filed_at__gte=start, filed_at__lt=end
    )
    return {"value": qs.values("unit_id").distinct().count(), "persons": None, "url": reverse("drives:list")}


def clues_found(*, user: Any, unit: Unit, start: dt.datetime, end: dt.datetime) -> Result:
    qs = DriveFinding.objects.visible_to(user).filter(
        Q(drive__office__path__startswith=unit.path) | Q(ret__unit__path__startswith=unit.path),
        clue__received_at__gte=start,
        clue__received_at__lt=end,
    )
    return {"value": qs.values("pk").distinct().count(), "persons": None, "url": reverse("drives:list")}


INDICATORS: dict[str, Callable[..., Result | None]] = {
    "drives.run": run,
    "drives.units_covered": units_covered,
    "drives.clues_found": clues_found,
}
