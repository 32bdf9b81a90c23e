"""Which concluded clues a review campaign may take: 查否 / 无法核实 concluded in the period, and clues whose
subjects were reported again after they were concluded (the duplicate keys the search app keeps)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef
from django.utils import timezone

from taizhang.clues.choices import ClueStatus, FindingResult
from taizhang.clues.models import Clue
from taizhang.org.actors import Actor
from taizhang.org.models import Unit
from taizhang.reviews.choices import SelectionReason
from taizhang.search.models import ClueKey

# Keys that say "the same subject" (a name with its unit, a phone, an ID fragment); a similar text is not enough.
SUBJECT_KINDS = (ClueKey.Kind.NAME_UNIT, ClueKey.Kind.PHONE, ClueKey.Kind.ID)
DOUBTFUL = (FindingResult.UNFOUNDED, FindingResult.UNVERIFIABLE)


def bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end] as local days: the half-open [midnight of start, midnight after end)."""

    def midnight(day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))

    return midnight(start), midnight(end + dt.timedelta(days=1))


def population(
    actor: Actor, office: Unit, start: dt.date, end: dt.date, *, include_repeats: bool
) -> dict[int, tuple[int, str]]:
    """clue id → (handling unit id or 0, why chosen), over the concluded clues of the office tree `actor` sees."""
    lo, hi = bounds(start, end)
    base = (
        Clue.objects.visible_to(actor)
        .filter(office__path__startswith=office.path, status=ClueStatus.CONCLUDED)
        .order_by()
    )
    found: dict[int, tuple[int, str]] = {}
    if include_repeats:
        again = ClueKey.objects.filter(
            key=OuterRef("key"),
            kind=OuterRef("kind"),
            clue__received_at__gte=lo,
            clue__received_at__lt=hi,
            clue__received_at__gt=OuterRef(OuterRef("concluded_at")),
        ).exclude(clue_id=OuterRef("clue_id"))
        keys = ClueKey.objects.filter(clue_id=OuterRef("pk"), kind__in=SUBJECT_KINDS).filter(Exists(again))
        repeated = base.filter(concluded_at__lt=hi).filter(Exists(keys))
        for pk, unit_id in repeated.values_list("pk", "responsible_unit_id"):
            found[pk] = (unit_id or 0, SelectionReason.REPEAT)
    doubtful = base.filter(concluded_at__gte=lo, concluded_at__lt=hi, finding_result__in=DOUBTFUL)
    for pk, unit_id in doubtful.values_list("pk", "responsible_unit_id"):
        found.setdefault(pk, (unit_id or 0, SelectionReason.FINDING))
    return found
