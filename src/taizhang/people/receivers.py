"""Resolution on the events the ledger emits: a registered or edited clue, a recorded accountability."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

# Clue actions after which its subjects (or its 保护伞 flag, which sets their role) may have changed.
RESOLVED_ACTIONS = {"clue.register", "clue.edit", "clue.triage"}
# Case actions that add or change a suspect record.
SUSPECT_ACTIONS = {"case.suspect_add", "case.suspect_edit"}


def on_workflow_event(sender: Any, *, model: str, object_id: int, action: str, **kwargs: Any) -> None:
    """Resolve a clue's subjects, or a case's suspects, once the change has committed."""
    from taizhang.people.resolve import resolve_case_suspects, resolve_clue

    resolve: Callable[[int], int]
    if model == "clues.clue" and action in RESOLVED_ACTIONS:
        resolve = resolve_clue
    elif model == "cases.case" and action in SUSPECT_ACTIONS:
        resolve = resolve_case_suspects
    else:
        return
    try:
        resolve(object_id)
    except Exception:
        # The record is committed; `taizhang people resolve` (or the worker job) repairs a missed resolution.
        log.exception("people resolution failed for %s #%s (%s)", model, object_id, action)


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
