"""Who owes a clue's current step (the unit blamed when it is late), decided once for the board, the overdue
list, the worker's reminders, urging notices and escalation mails.

| the late step | owed by |
|---|---|
| 接收登记 (register_transfer) with a transfer awaiting its answer | the receiving unit (e.g. 市公安局) |
| the office's own steps: clue states registered/triaged/under_review/accepted, 移交移送 (transfer), 办结 (conclude), or no responsible unit yet | the clue's office |
| every other step (首次回告, 核查, 签字背书, 退查重办…) | the responsible unit |

`owner_of` answers for one row in Python (the worker streams rows), `owner_expression` for a queryset (the
board groups by it); tests/supervision/test_owners.py holds the two equal for every state and step.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, F, IntegerField, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce

from taizhang.clues.models import Transfer
from taizhang.supervision.choices import DeadlineStep

OFFICE_STATES = frozenset({"registered", "triaged", "under_review", "accepted"})
OFFICE_STEPS = frozenset({DeadlineStep.TRANSFER.value, DeadlineStep.CONCLUDE.value})


def owner_of(
    *, status: str, step: str, responsible_unit_id: int | None, office_id: int, receiver_id: int | None
) -> tuple[int, bool]:
    """(the unit that owes the step, whether that unit is the office itself)."""
    if step == DeadlineStep.REGISTER_TRANSFER and receiver_id:
        return receiver_id, False
    if status in OFFICE_STATES or step in OFFICE_STEPS or not responsible_unit_id:
        return office_id, True
    return responsible_unit_id, False


def pending_receiver() -> Subquery:
    """The receiving unit of the clue's transfer still awaiting an answer (the latest, if several)."""
    return Subquery(
        Transfer.objects.awaiting_answer()
        .filter(clue_id=OuterRef("pk"))
        .order_by("-sent_at", "-pk")
        .values("receiver_unit_id")[:1],
        output_field=IntegerField(),
    )


def receiver_of(clue_id: int) -> int | None:
    """The receiving unit of the clue's transfer awaiting an answer (the latest), for one clue."""
    return (
        Transfer.objects.awaiting_answer()
        .filter(clue_id=clue_id)
        .order_by("-sent_at", "-pk")
        .values_list("receiver_unit_id", flat=True)
        .first()
    )


def awaiting_answer_from(unit_id: int) -> list[int]:
    """The clues with a transfer to `unit_id` still awaiting its answer: besides the clues it is responsible
    for, the only ones whose step it can owe. A list, so that PostgreSQL finds them by the primary key
    beside the responsible unit's index (an `IN (subquery)` under the OR would be tested on every row)."""
    return list(Transfer.objects.awaiting_answer_from(unit_id).values_list("clue_id", flat=True).distinct())


def owner_expression() -> Any:
    """`owner_of` as an expression over Clue rows (annotate(owner_id=owner_expression()))."""
    office_side = (
        Q(status__in=OFFICE_STATES) | Q(deadline_step__in=OFFICE_STEPS) | Q(responsible_unit__isnull=True)
    )
    fallback = Case(When(office_side, then=F("office_id")), default=F("responsible_unit_id"))
    return Case(
        When(
            deadline_step=DeadlineStep.REGISTER_TRANSFER,
            then=Coalesce(pending_receiver(), fallback, output_field=IntegerField()),
        ),
        default=fallback,
        output_field=IntegerField(),
    )
