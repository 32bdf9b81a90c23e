"""我的待办 (the worklist): the Todo item every app's `todos.todos_for(user)` returns, and the merged, soonest-first
list. Supervision's own contribution is `supervision/todos.py`, found like every other app's."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from django.utils import timezone

from taizhang.core.discovery import hooks

log = logging.getLogger("taizhang.supervision")


@dataclass
class Todo:
    """One thing a person must do next: what, where, by when, of which kind, and whether it is late."""

    title: str
    url: str
    due_at: dt.datetime | None
    kind: str
    overdue: bool = False
    detail: str = ""


@runtime_checkable
class TodosHook(Protocol):
    """`<app>/todos.py`: what the person must do in the app (我的待办)."""

    __name__: str

    def todos_for(self, user: Any) -> list[Todo]: ...


def _order(todo: Todo) -> tuple[int, dt.datetime]:
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return (0 if todo.due_at else 1, todo.due_at or far)


def todos_for(user: Any) -> list[Todo]:
    """Everything the person must do, from every app, soonest deadline first (undated last)."""
    found: list[Todo] = []
    for module in hooks("todos", TodosHook):
        try:
            found.extend(module.todos_for(user))
        except Exception:  # one app's failure must not hide everyone else's work
            log.exception("todos_for failed in %s", module.__name__)
    now = timezone.now()
    for todo in found:
        todo.overdue = bool(todo.due_at and todo.due_at < now) or todo.overdue
    return sorted(found, key=_order)
