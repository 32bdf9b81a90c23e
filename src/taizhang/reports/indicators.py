"""Clue indicators computed from the ledger, in the shape every app's indicators.py uses.

Each function takes (*, user, unit, start, end) — aware datetimes, the half-open period [start, end) between
local midnights, as every app's indicators.py receives it (plain dates, both included, are accepted too) — and answers
{"value", "persons", "url"}: counted over `Clue.objects.visible_to(user)` and `drill.unit_q(unit)`.
- clues.received: received in the period;
- clues.concluded: concluded (办结) in the period;
- clues.substantiated: concluded in the period with the finding 查实 (部分查实 is not counted);
- clues.conclusion_rate: of the clues received in the period, the share concluded by its end (%); the link
  lists the concluded ones (the numerator);
- clues.overdue: open clues past their deadline now (not bound to the period).
Clues are counted in 条; they carry no person count, so persons is None.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db.models import Count, Q

from taizhang.clues.choices import OPEN_STATUSES, FindingResult
from taizhang.clues.models import Clue
from taizhang.org.choices import UnitKind
from taizhang.org.models import Unit
from taizhang.reports import drill, measures
from taizhang.reports.periods import LOCAL, local_midnight

Result = dict[str, Any]


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return local_midnight(start), local_midnight(end + dt.timedelta(days=1))


def local_days(start: dt.date | dt.datetime, end: dt.date | dt.datetime) -> tuple[dt.date, dt.date]:
    """The local days covered: [start, end) datetimes, or dates taken as both included."""
    if isinstance(start, dt.datetime):
        start = start.astimezone(LOCAL).date()
    if isinstance(end, dt.datetime):
        end = (end.astimezone(LOCAL) - dt.timedelta(microseconds=1)).date()
    return start, end


# Within `batch()`, the counts of one (user, unit, period) are computed once for all five indicators.
_batch: ContextVar[dict[tuple, dict[str, int]] | None] = ContextVar("reports_clue_counts", default=None)


@contextmanager
def batch() -> Iterator[None]:
    """Share clue counts between the indicators computed inside the block (one page, one document); inside an
    outer block, the outer one's."""
    if _batch.get() is not None:
        yield
        return
    token = _batch.set({})
    try:
        yield
    finally:
        _batch.reset(token)


def clue_counts(*, user: Any, unit: Unit, start: Any, end: Any) -> dict[str, int]:
    """Received, concluded, substantiated, received-and-concluded and overdue in one query."""
    start, end = local_days(start, end)
    memo = _batch.get()
    key = (getattr(user, "pk", None), unit.pk, start, end)
    if memo is not None and key in memo:
        return memo[key]
    counts = _clue_counts(user=user, unit=unit, start=start, end=end)
    if memo is not None:
        memo[key] = counts
    return counts


def prefetch(user: Any, unit: Unit, periods: list[tuple[dt.date, dt.date]]) -> None:
    """Inside `batch()`, count several periods in one query (a figure with its 同比 and 环比 is one scan)."""
    from django.utils import timezone

    memo = _batch.get()
    if memo is None:
        return
    periods = [local_days(start, end) for start, end in periods]
    tallied = _tally_counts(user, unit, periods)
    if tallied is not None:
        for (start, end), counts in zip(periods, tallied, strict=True):
            memo[(getattr(user, "pk", None), unit.pk, start, end)] = counts
        return
    now = timezone.now()
    late = Q(status__in=OPEN_STATUSES, deadline_at__lt=now)
    window = late
    aggregates: dict[str, Count] = {"overdue": Count("id", filter=late)}
    for index, (start, end) in enumerate(periods):
        lo, hi = _bounds(start, end)
        got = Q(received_at__gte=lo, received_at__lt=hi)
        done = Q(concluded_at__gte=lo, concluded_at__lt=hi)
        window |= got | done
        aggregates[f"received_{index}"] = Count("id", filter=got)
        aggregates[f"concluded_{index}"] = Count("id", filter=done)
        aggregates[f"substantiated_{index}"] = Count(
            "id", filter=done & Q(finding_result=FindingResult.SUBSTANTIATED)
        )
        aggregates[f"received_concluded_{index}"] = Count("id", filter=got & Q(concluded_at__lt=hi))
    row = Clue.objects.visible_to(user).filter(drill.unit_q(unit)).filter(window).aggregate(**aggregates)
    for index, (start, end) in enumerate(periods):
        memo[(getattr(user, "pk", None), unit.pk, start, end)] = {
            name: row[f"{name}_{index}"]
            for name in ("received", "concluded", "substantiated", "received_concluded")
        } | {"overdue": row["overdue"]}


def _tally_counts(
    user: Any, unit: Unit, periods: list[tuple[dt.date, dt.date]]
) -> list[dict[str, int]] | None:
    """The five counts of each period from the tally (clues/visibility/tally.py), or None when the rule's module
    has them counted live (clues.visibility.answers.period_keys)."""
    from django.utils import timezone

    from taizhang.clues.visibility import tally
    from taizhang.clues.visibility.answers import period_keys

    keys = period_keys(user, unit, periods)
    if keys is None:
        return None
    sums = tally.read(keys, (min(s for s, _e in periods), max(e for _s, e in periods)), None, per_unit=False)
    midnight = tally.today_midnight()
    late_today = (
        Clue.objects.visible_to(user)
        .filter(drill.unit_q(unit))
        .filter(status__in=OPEN_STATUSES, deadline_at__gte=midnight, deadline_at__lt=timezone.now())
        .count()
    )
    overdue = sum(sums.overdue_before_today.values()) + late_today
    recused = tally.recused_clues(keys, sums)
    out = []
    for start, end in periods:

        def within(month: dt.date, start: dt.date = start, end: dt.date = end) -> bool:
            return start <= month <= end

        counts = {
            "received": sum(n for m, n in sums.received.items() if within(m)),
            "concluded": sum(n for m, n in sums.concluded.items() if within(m)),
            "substantiated": sum(n for m, n in sums.substantiated.items() if within(m)),
            "received_concluded": sum(
                n
                for (_u, m, m2), n in sums.received_by_pair.items()
                if within(m) and m2 is not None and m2 <= end
            ),
            "overdue": overdue,
        }
        if recused is not None:
            less = _aggregate(recused, start, end, midnight)
            counts = {name: n - less[name] for name, n in counts.items()}
        out.append(counts)
    return out


def _clue_counts(*, user: Any, unit: Unit, start: dt.date, end: dt.date) -> dict[str, int]:
    from django.utils import timezone

    tallied = _tally_counts(user, unit, [(start, end)])
    if tallied is not None:
        return tallied[0]
    return _aggregate(Clue.objects.visible_to(user).filter(drill.unit_q(unit)), start, end, timezone.now())


def _counting(start: dt.date, end: dt.date, now: dt.datetime) -> tuple[Q, dict[str, Count]]:
    """The rows that can count (received or concluded in the period, or overdue now) and the five counts."""
    lo, hi = _bounds(start, end)
    got = Q(received_at__gte=lo, received_at__lt=hi)
    done = Q(concluded_at__gte=lo, concluded_at__lt=hi)
    late = Q(status__in=OPEN_STATUSES, deadline_at__lt=now)
    return got | done | late, {
        "received": Count("id", filter=got),
        "concluded": Count("id", filter=done),
        "substantiated": Count("id", filter=done & Q(finding_result=FindingResult.SUBSTANTIATED)),
        "received_concluded": Count("id", filter=got & Q(concluded_at__lt=hi)),
        "overdue": Count("id", filter=late),
    }


def _aggregate(qs: Any, start: dt.date, end: dt.date, now: dt.datetime) -> dict[str, int]:
    window, counts = _counting(start, end, now)
    return qs.filter(window).aggregate(**counts)


def prefetch_units(user: Any, units: list[Unit], start: Any, end: Any) -> None:
    """Inside `batch()`, count one period for many member units in one grouped query over the same rule
    (`visible_to(user)` and `drill.unit_q`: the clues each unit is responsible for), so a ranking of every
    unit is one scan instead of a query per unit. Offices (their subtree) are left to `clue_counts`."""
    from django.utils import timezone

    memo = _batch.get()
    members = [u.pk for u in units if u.kind != UnitKind.OFFICE]
    if memo is None or not members:
        return
    start, end = local_days(start, end)
    window, counts = _counting(start, end, timezone.now())
    rows = (
        Clue.objects.visible_to(user)
        .filter(**{f"{drill.MEMBER_FIELD}__in": members})
        .filter(window)
        .values(drill.MEMBER_FIELD)
        .annotate(**counts)
        .order_by()
    )
    found = {row.pop(drill.MEMBER_FIELD): row for row in rows}
    for pk in members:
        memo[(getattr(user, "pk", None), pk, start, end)] = found.get(pk) or dict.fromkeys(counts, 0)


def rate(part: int, whole: int) -> float:
    return measures.percent(part, whole)


def _provider(code: str) -> Callable[..., Result]:
    """The indicator function of one catalogue measure (reports/measures.py)."""

    def compute(*, user: Any, unit: Unit, start: Any, end: Any) -> Result:
        start, end = local_days(start, end)
        counts = clue_counts(user=user, unit=unit, start=start, end=end)
        return measures.figure(code, counts, start, end, drill.unit_params(unit))

    def for_units(*, user: Any, units: list[Unit], start: Any, end: Any) -> dict[int, Result]:
        with batch():
            prefetch_units(user, units, start, end)
            return {unit.pk: compute(user=user, unit=unit, start=start, end=end) for unit in units}

    compute.__name__ = code.replace(".", "_")
    compute.for_units = for_units  # type: ignore[attr-defined]  # see reports.figures.call_for_units
    return compute


INDICATORS: dict[str, Callable[..., Result | None]] = {code: _provider(code) for code in measures.MEASURES}
