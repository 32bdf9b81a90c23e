"""The overdue board: overdue clues and tasks by the unit that owes the late step (supervision/owners.py, the
rule the worker's urging and escalation mails follow) and by age band, with counts that equal the records
behind them (both read `overdue_clues` / `overdue_tasks`, the same querysets the drill-down lists)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taizhang.clues.models import Clue
from taizhang.org.models import Unit
from taizhang.org.visibility import scope_of
from taizhang.supervision import owners
from taizhang.supervision.models import Task

# (lower, upper) calendar days overdue; upper None = no bound.
BANDS: list[tuple[int, int | None, Any]] = [
    (0, 3, _("3天以内")),
    (3, 7, _("3–7天")),
    (7, 15, _("7–15天")),
    (15, 30, _("15–30天")),
    (30, None, _("30天以上")),
]
KINDS = {"clue": _("线索"), "task": _("督办任务")}


def band_q(field_name: str, band: int, now: dt.datetime) -> Q:
    """Rows whose deadline lies within the band's range of days before now."""
    low, high, _label = BANDS[band]
    q = Q(**{f"{field_name}__lte": now - dt.timedelta(days=low)}) if low else Q(**{f"{field_name}__lt": now})
    if high is not None:
        q &= Q(**{f"{field_name}__gt": now - dt.timedelta(days=high)})
    return q


def sees_the_tree(user: Any) -> bool:
    """Whether the boards show the person every overdue record they may see (an office: its whole tree), rather
    than only the steps their own unit owes."""
    scope = scope_of(user)
    return scope is None or bool(scope.office_path)


def overdue_clues(user: Any, now: dt.datetime) -> QuerySet[Clue]:
    """Overdue open clues the person may see, each annotated with `owner_id`, the unit that owes the late step
    (supervision/owners.py): the whole tree for an office, the steps their own unit owes for a unit."""
    qs = Clue.objects.visible_to(user).overdue(now)
    if sees_the_tree(user):
        return qs.annotate(owner_id=owners.owner_expression())
    scope = scope_of(user)
    unit = scope.unit_id if scope is not None else None
    if unit is None:
        return qs.annotate(owner_id=owners.owner_expression()).none()
    # A unit owes a step only as the clue's responsible unit or as the receiver of a transfer awaiting its
    # answer (owners.owner_of): the expression is asked of those clues, found by index, not of every overdue
    # clue the unit may see (a unit's home page at 1,000,000 clues: 315 -> 35 ms for this count).
    qs = qs.filter(Q(responsible_unit_id=unit) | Q(pk__in=owners.awaiting_answer_from(unit)))
    return qs.annotate(owner_id=owners.owner_expression()).filter(owner_id=unit)


def overdue_tasks(user: Any, now: dt.datetime) -> QuerySet[Task]:
    """Overdue open tasks, with the same rule."""
    qs = Task.objects.visible_to(user).overdue(now)
    scope = scope_of(user)
    if scope is not None and not scope.office_path:
        qs = qs.filter(owner_unit_id=scope.unit_id)
    return qs


def drill_down(user: Any, now: dt.datetime, *, kind: str, unit: int | None, band: int | None) -> QuerySet:
    """The records behind one cell of the board (unit 0 = not yet assigned to a unit)."""
    if kind == "task":
        qs: QuerySet = overdue_tasks(user, now)
        unit_field, date_field = "owner_unit_id", "due_at"
    else:
        qs = overdue_clues(user, now)
        unit_field, date_field = "owner_id", "deadline_at"
    if unit is not None:
        qs = qs.filter(**{unit_field: unit or None}) if unit else qs.filter(**{f"{unit_field}__isnull": True})
    if band is not None and 0 <= band < len(BANDS):
        qs = qs.filter(band_q(date_field, band, now))
    return qs.order_by(date_field, "pk")


@dataclass
class Row:
    """One unit's overdue counts per band."""

    kind: str
    unit_id: int
    unit_label: str
    bands: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.bands)


def board(user: Any, now: dt.datetime | None = None) -> dict[str, Any]:
    """The board's rows (one aggregate query per kind) and totals."""
    now = now or timezone.now()
    rows: list[Row] = []
    for kind, qs, unit_field, date_field in (
        ("clue", overdue_clues(user, now), "owner_id", "deadline_at"),
        ("task", overdue_tasks(user, now), "owner_unit_id", "due_at"),
    ):
        aggregates = {f"b{i}": Count("pk", filter=band_q(date_field, i, now)) for i in range(len(BANDS))}
        for values in qs.order_by().values(unit_field).annotate(**aggregates):
            rows.append(Row(kind, values[unit_field] or 0, "", [values[f"b{i}"] for i in range(len(BANDS))]))
    labels = dict(
        Unit.objects.filter(pk__in={r.unit_id for r in rows if r.unit_id}).values_list("pk", "name")
    )
    for row in rows:
        row.unit_label = labels.get(row.unit_id, "") if row.unit_id else str(_("扫黑办（未交办环节）"))
    rows.sort(key=lambda r: (r.kind, -r.total, r.unit_label))
    totals = {
        kind: [sum(r.bands[i] for r in rows if r.kind == kind) for i in range(len(BANDS))] for kind in KINDS
    }
    return {"rows": rows, "bands": [b[2] for b in BANDS], "totals": totals, "now": now}
