"""Keeps the index and the duplicate keys current: every workflow_event re-indexes the record it names."""

from __future__ import annotations

import logging
from typing import Any

from taizhang.search import duplicates, index

log = logging.getLogger("taizhang.search")

# Clue events after which the facts or subjects may differ, so the duplicate keys are recomputed.
KEYED_ACTIONS = frozenset({"clue.register", "clue.edit"})


def on_workflow_event(sender: Any, *, model: str, object_id: int, action: str, **kwargs: Any) -> None:
    """Re-index the record; on registration or edit of a clue also store its duplicate keys."""
    try:
        also = None
        if model == "clues.clue" and action in KEYED_ACTIONS:
            # A registered clue has no keys yet, so nothing to delete first.
            also = duplicates.insert_keys if action == "clue.register" else duplicates.replace_keys
        # The keys are computed from the record the index just loaded (with its subjects), in one transaction.
        index.reindex(model, object_id, also=also)
    except Exception:
        # The change itself is committed; a stale index entry is repaired by `taizhang search rebuild`.
        log.exception("search index update failed for %s#%s (%s)", model, object_id, action)


def on_workflow_batch(sender: Any, *, model: str, object_ids: list[int], action: str, **kwargs: Any) -> None:
    """Many records took one step in one transaction: re-index them in batches (and key registered clues)."""
    try:
        also = None
        if model == "clues.clue" and action in KEYED_ACTIONS:
            also = duplicates.insert_keys_many if action == "clue.register" else duplicates.replace_keys_many
        index.reindex_many(model, object_ids, also=also)
    except Exception:
        log.exception("search index update failed for %s records of %s (%s)", len(object_ids), model, action)


def on_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    """post_save of a source that asked for it: re-index once the transaction commits."""
    from django.db import transaction

    model = sender._meta.label_lower
    transaction.on_commit(
        lambda: on_workflow_event(sender, model=model, object_id=instance.pk, action="save")
    )


def connect_save_signals() -> None:
    """Listen to post_save of the sources whose records appear without a workflow_event."""
    from django.apps import apps
    from django.db.models.signals import post_save

    from taizhang.search.sources import iter_sources

    for source in iter_sources():
        if source.index_on_save:
            post_save.connect(
                on_saved, sender=apps.get_model(source.model), dispatch_uid=f"search:{source.model}"
            )
