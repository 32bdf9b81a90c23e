"""Reacting to the clue ledger: a concluded real-name clue owes its reporter feedback (反馈)."""

from __future__ import annotations

from typing import Any


def on_workflow_event(sender: Any, *, action: str, object_id: int, **kwargs: Any) -> None:
    if action == "clue.conclude":
        from taizhang.reporters.actions import do_open_feedback

        do_open_feedback(object_id)
