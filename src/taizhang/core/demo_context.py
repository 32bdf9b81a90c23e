"""Shared state handed to every app's `demo.populate(ctx)` while the demo city is built."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from django.utils import timezone

DEMO_PASSWORD = "taizhang-demo-2026"


@runtime_checkable
class DemoHook(Protocol):
    """`<app>/demo.py`: adds the app's records to the demo city (`taizhang demo`, in INSTALLED_APPS order)."""

    __name__: str

    def populate(self, ctx: DemoContext) -> None: ...


@dataclass
class DemoContext:
    """Units and people by key, a seeded random source and 'now', so the apps build on each other."""

    seed: int
    out: Any = None
    units: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.now = timezone.now()
        self.today = timezone.localdate()

    def say(self, message: str) -> None:
        if self.out is not None:
            self.out.write(message + "\n")

    def days_ago(self, days: float) -> dt.datetime:
        return self.now - dt.timedelta(days=days)
