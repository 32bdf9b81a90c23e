"""What the exchange sends is read from the audit log: the steps taken on the clues a partner shares with us,
past that partner's cursor (feedback up, supervision down)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NamedTuple

from taizhang.core.models import AuditEntry

_BATCH = 2000


class Step(NamedTuple):
    id: int  # the audit entry's, what the cursor remembers
    ref: str  # the partner's name for the clue (its number there, or ours)
    action: str
    at: dt.datetime
    after: dict[str, Any]
    object_repr: str
    reason: str


def steps_since(refs: Mapping[int, str], after_id: int, actions: Iterable[str]) -> Iterator[Step]:
    """Every audited step among `actions` after entry `after_id` on a clue in `refs` (clue id → reference)."""
    if not refs:
        return
    entries = (
        AuditEntry.objects.filter(id__gt=after_id, object_type="clues.clue", action__in=list(actions))
        .order_by("id")
        .values_list("id", "object_id", "action", "at", "after", "object_repr", "reason")
    )
    for eid, object_id, action, at, after, repr_, reason in entries.iterator(chunk_size=_BATCH):
        ref = refs.get(int(object_id))
        if ref is not None:
            yield Step(eid, ref, action, at, after if isinstance(after, dict) else {}, repr_, reason)
