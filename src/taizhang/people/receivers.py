"""Resolution on the events the ledger emits: a registered or edited clue, a recorded accountability."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)

# Clue actions after which its subjects (or its 保护伞 flag, which sets their role) may have changed.
RESOLVED_ACTIONS = {"clue.register", "clue.edit", "clue.triage"}


def on_workflow_event(sender: Any, *, model: str, object_id: int, action: str, **kwargs: Any) -> None:
    """Resolve a clue's subjects once its registration or edit has committed."""
    if model != "clues.clue" or action not in RESOLVED_ACTIONS:
        return
    from taizhang.people.resolve import resolve_clue

    try:
        resolve_clue(object_id)
    except Exception:
        # The clue is committed; `taizhang people_resolve` (or the worker job) repairs a missed resolution.
        log.exception("people resolution failed for clue #%s (%s)", object_id, action)


def on_workflow_batch(sender: Any, *, model: str, object_ids: list[int], action: str, **kwargs: Any) -> None:
    """Many clues registered at once (the ferry's import): their resolution is queued as one worker job, so the
    import ends without waiting for it (each clue is resolved from the committed record, as after one)."""
    if model != "clues.clue" or action not in RESOLVED_ACTIONS:
        return
    from taizhang.jobs.runner import enqueue

    try:
        enqueue("people.resolve_clues", params={"ids": list(object_ids)}, ref=action)
    except Exception:
        # The clues are committed; `taizhang people resolve` (or the worker job) repairs a missed resolution.
        log.exception("people resolution of %s clues could not be queued (%s)", len(object_ids), action)


def _on_accountability(sender: Any, instance: Any, **kwargs: Any) -> None:
    from django.db import transaction

    from taizhang.people.resolve import resolve_accountability

    def run() -> None:
        try:
            resolve_accountability(instance.pk)
        except Exception:
            log.exception("people resolution failed for accountability #%s", instance.pk)

    transaction.on_commit(run)


def connect_accountability() -> None:
    """Accountability records are written without a workflow event of their own: listen to their save."""
    from django.db.models.signals import post_save

    from taizhang.cases.models import Accountability

    post_save.connect(
        _on_accountability, sender=Accountability, dispatch_uid="taizhang.people.accountability"
    )
