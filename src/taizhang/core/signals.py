"""Workflow events other apps react to (notifications, search index), sent after the transaction commits."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import Signal

# Sent with: model (e.g. "clues.clue"), object_id, action (e.g. "clue.assign"), actor_id, data (dict).
workflow_event = Signal()


def emit_on_commit(*, model: str, object_id: int, action: str, actor: object = None, **data: Any) -> None:
    """Queue a workflow_event for when the current transaction commits (never for a rolled-back change)."""
    actor_id = getattr(actor, "pk", None)

    def _send() -> None:
        workflow_event.send(
            sender=model, model=model, object_id=object_id, action=action, actor_id=actor_id, data=data
        )

    transaction.on_commit(_send)


# Sent with: model, object_ids (a list), action, actor_id, data: many records that took the same step in one
# transaction (the ferry's import registers thousands of clues). Receivers that care about the action handle
# the whole list at once (the search index re-indexes it in batches).
workflow_batch = Signal()


def emit_many_on_commit(
    *, model: str, object_ids: list[int], action: str, actor: Any = None, **data: Any
) -> None:
    """Queue one workflow_batch for many records, for when the current transaction commits."""
    actor_id = getattr(actor, "pk", None)
    ids = list(object_ids)

    def _send() -> None:
        workflow_batch.send(
            sender=model, model=model, object_ids=ids, action=action, actor_id=actor_id, data=data
        )

    if ids:
        transaction.on_commit(_send)
