"""Telling people about a change, written in the action that makes it (as Zulip's `send_event` on commit).

An action that others must follow up says so in its body: `notify_on_commit(ClueNotice.ASSIGNED, clue,
actor=actor)`. When the transaction commits (never for a rolled-back change) the `Notice` goes to every app's
`notices.deliver` hook. Core sits below the apps that own the people and the notifications, so it hands the
notice up through a hook rather than importing them: supervision's `notices.py` holds the one table of who is
told what, and keeps only the people the visibility rule lets see the record at send time (and again at
display time, supervision/audience.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from django.db import models, transaction

from taizhang.core.actors import SystemActor
from taizhang.core.discovery import hooks


@dataclass(frozen=True)
class Notice:
    """What happened to which record, and who did it (never told about their own step)."""

    kind: str  # the action's name, e.g. "clue.assign"
    model: str  # the record's label, e.g. "clues.clue"
    object_id: int
    actor_id: int | None
    data: Mapping[str, Any] = field(default_factory=dict)


@runtime_checkable
class NoticesHook(Protocol):
    """`<app>/notices.py`: delivers the notices actions send (supervision writes the notifications)."""

    def deliver(self, notice: Notice) -> None: ...


def notify_on_commit(kind: str, obj: models.Model, *, actor: object = None, **data: Any) -> None:
    """Queue `kind` about `obj` for delivery when the current transaction commits. `data` is what the action
    knew that the record will not say after the commit (e.g. the unit a clue was withdrawn from)."""
    actor_id = None if isinstance(actor, SystemActor) else getattr(actor, "pk", None)
    notice = Notice(
        kind=str(kind), model=obj._meta.label_lower, object_id=obj.pk, actor_id=actor_id, data=data
    )

    def _deliver() -> None:
        for module in hooks("notices", NoticesHook):
            module.deliver(notice)

    transaction.on_commit(_deliver)
