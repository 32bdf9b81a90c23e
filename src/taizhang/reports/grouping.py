"""Clue counts for the dashboard and bulletin in as few passes over the clue table as the database allows.

PostgreSQL: one query — the visible clues of the window, grouped by GROUPING SETS (totals, channel, category,
status, sector, responsible unit, month received, month concluded) with FILTERed counts. Other databases
(SQLite in development and tests): one GROUP BY query per grouping. Both answer the same `ClueCounts`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from taizhang.clues.choices import OPEN_STATUSES, FindingResult
from taizhang.reports.periods import LOCAL, Period

GROUPS = ("channel", "category", "status", "sector_id", "responsible_unit_id", "rmonth", "cmonth")


@dataclass
class ClueCounts:
    """Counts of one unit subtree and period (see dashboard.clue_series for what each means)."""

    totals: dict[str, int] = field(default_factory=dict)
    by: dict[str, dict[Any, int]] = field(default_factory=lambda: defaultdict(dict))
    units: dict[int, dict[str, int]] = field(default_factory=dict)
    months_received: dict[str, int] = field(default_factory=dict)
    months_concluded: dict[str, int] = field(default_factory=dict)


def twelve_months(period: Period) -> list[Period]:
    last = Period.of("month", period.end)
    months = [last]
    for _i in range(11):
        months.insert(0, months[0].previous())
    return months


def _month_key(value: Any) -> str:
    if isinstance(value, dt.datetime):
        value = value.astimezone(LOCAL) if timezone.is_aware(value) else value
    return f"{value:%Y-%m}"


def counts_for(user: Any, unit: Any, period: Period) -> ClueCounts:
    """Everything the dashboard counts about the clues `user` may see for `unit`: from the tally when the rule's
    module has it answer (clues.visibility.answers.period_keys), otherwise over the visible clues."""
    from taizhang.clues.models import Clue
    from taizhang.clues.visibility import tally
    from taizhang.clues.visibility.answers import period_keys
    from taizhang.reports import drill

    keys = period_keys(user, unit, [(period.start, period.end)])
    if keys is None:
        return count_clues(Clue.objects.visible_to(user).filter(drill.unit_q(unit)), period)
    months = twelve_months(period)
    first = min(months[0].start, period.start)
    sums = tally.read(keys, (first, period.end), (period.start, period.end), per_unit=True)
    counts = _from_sums(sums, period, months)
    midnight = tally.today_midnight()
    recused = tally.recused_clues(keys, sums)
    if recused is not None:
        _subtract(counts, _separate(recused, period, late_before=midnight))
    # Today's part of "overdue now": open clues whose deadline passed since local midnight.
    late_today = (
        Clue.objects.visible_to(user)
        .filter(drill.unit_q(unit))
        .filter(status__in=OPEN_STATUSES, deadline_at__gte=midnight, deadline_at__lt=timezone.now())
        .values("responsible_unit_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in late_today:
        counts.totals["overdue"] += row["n"]
        if row["responsible_unit_id"] is not None:
            slot = counts.units.setdefault(
                row["responsible_unit_id"], {"received": 0, "received_concluded": 0, "overdue": 0}
            )
            slot["overdue"] += row["n"]
    return counts


def _within(month: dt.date, period: Period) -> bool:
    return period.start <= month <= period.end


def _from_sums(sums: Any, period: Period, months: list[Period]) -> ClueCounts:
    counts = ClueCounts()
    totals = dict.fromkeys(("received", "concluded", "substantiated", "received_concluded", "overdue"), 0)
    units: dict[int, dict[str, int]] = {}

    def unit_slot(uid: int) -> dict[str, int]:
        return units.setdefault(uid, {"received": 0, "received_concluded": 0, "overdue": 0})

    for (uid, month, month2), n in sums.received_by_pair.items():
        if not _within(month, period):
            continue
        done = month2 is not None and month2 <= period.end
        totals["received"] += n
        totals["received_concluded"] += n if done else 0
        if uid:
            unit_slot(uid)["received"] += n
            unit_slot(uid)["received_concluded"] += n if done else 0
    for month, n in sums.concluded.items():
        totals["concluded"] += n if _within(month, period) else 0
    for month, n in sums.substantiated.items():
        totals["substantiated"] += n if _within(month, period) else 0
    for uid, n in sums.overdue_before_today.items():
        totals["overdue"] += n
        if uid:
            unit_slot(uid)["overdue"] += n
    counts.totals = totals
    counts.units = {uid: c for uid, c in units.items() if c["received"] or c["overdue"]}
    group_of = {"channel": "channel", "category": "category", "status": "status", "sector": "sector_id"}
    for (dim, value), n in sums.by_dim.items():
        if n:
            key: Any = (int(value) if value else None) if dim == "sector" else value
            counts.by[group_of[dim]][key] = n
    keys = {m.start: m.key for m in months}
    for source, target in (
        (sums.received, counts.months_received),
        (sums.concluded, counts.months_concluded),
    ):
        for month, n in source.items():
            if month in keys and n:
                target[keys[month]] = n
    return counts


def _subtract(counts: ClueCounts, less: ClueCounts) -> None:
    """Take the counts of `less` (a subset of the clues counted) out of `counts`."""
    for name, n in less.totals.items():
        counts.totals[name] -= n
    for group, values in less.by.items():
        for key, n in values.items():
            counts.by[group][key] = counts.by[group].get(key, 0) - n
            if not counts.by[group][key]:
                del counts.by[group][key]
    for uid, values in less.units.items():
        slot = counts.units.get(uid)
        if slot is not None:
            for name, n in values.items():
                slot[name] -= n
            if not slot["received"] and not slot["overdue"]:
                del counts.units[uid]
    for mine, theirs in (
        (counts.months_received, less.months_received),
        (counts.months_concluded, less.months_concluded),
    ):
        for key, n in theirs.items():
            mine[key] = mine.get(key, 0) - n
            if not mine[key]:
                del mine[key]


def count_clues(base: Any, period: Period) -> ClueCounts:
    """Everything the dashboard counts about `base` (already limited by visibility and unit)."""
    if connection.vendor == "postgresql":
        return _grouping_sets(base, period)
    return _separate(base, period)


def _bounds(period: Period) -> dict[str, dt.datetime]:
    lo, hi = period.bounds()
    months = twelve_months(period)
    return {
        "lo": lo,
        "hi": hi,
        "mlo": months[0].bounds()[0],
        "mhi": months[-1].bounds()[1],
        "now": timezone.now(),
    }


def _grouping_sets(base: Any, period: Period) -> ClueCounts:
    b = _bounds(period)
    start, stop = min(b["lo"], b["mlo"]), max(b["hi"], b["mhi"])
    window = (
        Q(received_at__gte=start, received_at__lt=stop)
        | Q(concluded_at__gte=start, concluded_at__lt=stop)
        | Q(status__in=OPEN_STATUSES, deadline_at__lt=b["now"])
    )
    inner = (
        base.filter(window)
        .annotate(
            rmonth=TruncMonth("received_at", tzinfo=LOCAL), cmonth=TruncMonth("concluded_at", tzinfo=LOCAL)
        )
        .values(
            *GROUPS[:5], "rmonth", "cmonth", "received_at", "concluded_at", "finding_result", "deadline_at"
        )
        .order_by()
    )
    inner_sql, inner_params = inner.query.sql_with_params()
    open_list = ", ".join(["%s"] * len(OPEN_STATUSES))
    grouping = ", ".join(f"GROUPING({g}) AS g_{g}" for g in GROUPS)
    sets = ", ".join(["()"] + [f"({g})" for g in GROUPS])
    # Only constants and the ORM-compiled inner query are interpolated; every value is a parameter.
    sql = f"""
        SELECT {", ".join(GROUPS)}, {grouping},
          COUNT(*) FILTER (WHERE received_at >= %s AND received_at < %s) AS received,
          COUNT(*) FILTER (WHERE concluded_at >= %s AND concluded_at < %s) AS concluded,
          COUNT(*) FILTER (WHERE concluded_at >= %s AND concluded_at < %s AND finding_result = %s) AS substantiated,
          COUNT(*) FILTER (WHERE received_at >= %s AND received_at < %s AND concluded_at < %s) AS received_concluded,
          COUNT(*) FILTER (WHERE status IN ({open_list}) AND deadline_at < %s) AS overdue,
          COUNT(*) FILTER (WHERE received_at >= %s AND received_at < %s) AS received12,
          COUNT(*) FILTER (WHERE concluded_at >= %s AND concluded_at < %s) AS concluded12
        FROM ({inner_sql}) AS v
        GROUP BY GROUPING SETS ({sets})
    """  # noqa: S608
    params: list[Any] = [
        b["lo"],
        b["hi"],
        b["lo"],
        b["hi"],
        b["lo"],
        b["hi"],
        FindingResult.SUBSTANTIATED,
        b["lo"],
        b["hi"],
        b["hi"],
        *sorted(OPEN_STATUSES),
        b["now"],
        b["mlo"],
        b["mhi"],
        b["mlo"],
        b["mhi"],
    ]
    counts = ClueCounts()
    names = [
        "received",
        "concluded",
        "substantiated",
        "received_concluded",
        "overdue",
        "received12",
        "concluded12",
    ]
    with connection.cursor() as cursor:
        # Placeholders in order: the FILTER bounds, then the inner query's own parameters.
        cursor.execute(sql, [*params, *inner_params])
        for row in cursor.fetchall():
            keys, flags, values = (
                row[: len(GROUPS)],
                row[len(GROUPS) : 2 * len(GROUPS)],
                row[2 * len(GROUPS) :],
            )
            data = dict(zip(names, values, strict=True))
            grouped = [g for g, flag in zip(GROUPS, flags, strict=True) if flag == 0]
            if not grouped:
                counts.totals = {k: data[k] for k in names[:5]}
                continue
            group = grouped[0]
            key = keys[GROUPS.index(group)]
            _store(counts, group, key, data)
    return counts


def _store(counts: ClueCounts, group: str, key: Any, data: dict[str, int]) -> None:
    if group == "rmonth":
        if key is not None and data["received12"]:
            counts.months_received[_month_key(key)] = data["received12"]
    elif group == "cmonth":
        if key is not None and data["concluded12"]:
            counts.months_concluded[_month_key(key)] = data["concluded12"]
    elif group == "responsible_unit_id":
        if key is not None and (data["received"] or data["overdue"]):
            counts.units[key] = {k: data[k] for k in ("received", "received_concluded", "overdue")}
    elif data["received"]:
        counts.by[group][key] = data["received"]


def _separate(base: Any, period: Period, late_before: dt.datetime | None = None) -> ClueCounts:
    b = _bounds(period)
    lo, hi, now = b["lo"], b["hi"], late_before or b["now"]
    got_q = Q(received_at__gte=lo, received_at__lt=hi)
    done = Q(concluded_at__gte=lo, concluded_at__lt=hi)
    counts = ClueCounts()
    counts.totals = base.aggregate(
        received=Count("id", filter=got_q),
        concluded=Count("id", filter=done),
        substantiated=Count("id", filter=done & Q(finding_result=FindingResult.SUBSTANTIATED)),
        received_concluded=Count("id", filter=got_q & Q(concluded_at__lt=hi)),
        overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, deadline_at__lt=now)),
    )
    got = base.filter(got_q)
    for group in GROUPS[:4]:
        for row in got.values(group).annotate(n=Count("id")).order_by():
            counts.by[group][row[group]] = row["n"]
    for field_name, target in (
        ("received_at", counts.months_received),
        ("concluded_at", counts.months_concluded),
    ):
        rows = (
            base.filter(**{f"{field_name}__gte": b["mlo"], f"{field_name}__lt": b["mhi"]})
            .annotate(month=TruncMonth(field_name, tzinfo=LOCAL))
            .values("month")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in rows:
            target[_month_key(row["month"])] = row["n"]
    per_unit = (
        base.exclude(responsible_unit=None)
        .values("responsible_unit_id")
        .annotate(
            received=Count("id", filter=got_q),
            received_concluded=Count("id", filter=got_q & Q(concluded_at__lt=hi)),
            overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, deadline_at__lt=now)),
        )
        .filter(Q(received__gt=0) | Q(overdue__gt=0))
        .order_by()
    )
    for row in per_unit:
        counts.units[row.pop("responsible_unit_id")] = row
    return counts
