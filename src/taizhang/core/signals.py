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
