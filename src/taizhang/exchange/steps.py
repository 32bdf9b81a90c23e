"""What the exchange sends is read from the audit log: the steps taken on the clues a partner shares with us,
past that partner's cursor (feedback up, supervision down)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, NamedTuple

from taizhang.core.models import AuditEntry

_BATCH = 2000

# The partner's references of the clues among the given ids (clue id → its number there, or ours); read per
# batch of steps, so a package of 100,000 steps never holds every shared clue's reference at once.
RefLookup = Callable[[list[int]], Mapping[int, str]]


class Step(NamedTuple):
    id: int  # the audit entry's, what the cursor remembers
    ref: str  # the partner's name for the clue (its number there, or ours)
    action: str
    at: dt.datetime
    after: dict[str, Any]
    object_repr: str
    reason: str


def steps_since(refs: RefLookup, after_id: int, actions: Iterable[str]) -> Iterator[Step]:
    """Every audited step among `actions` after entry `after_id` on a clue `refs` knows (the others skipped)."""
    entries = (
        AuditEntry.objects.filter(id__gt=after_id, object_type="clues.clue", action__in=list(actions))
        .order_by("id")
        .values_list("id", "object_id", "action", "at", "after", "object_repr", "reason")
    )
    batch: list[tuple[Any, ...]] = []
    for row in entries.iterator(chunk_size=_BATCH):
        batch.append(row)
        if len(batch) >= _BATCH:
            yield from _known(refs, batch)
            batch = []
    yield from _known(refs, batch)


def _known(refs: RefLookup, batch: list[tuple[Any, ...]]) -> Iterator[Step]:
    if not batch:
        return
    known = refs(sorted({int(row[1]) for row in batch}))
    for eid, object_id, action, at, after, repr_, reason in batch:
        ref = known.get(int(object_id))
        if ref is not None:
            yield Step(eid, ref, action, at, after if isinstance(after, dict) else {}, repr_, reason)
