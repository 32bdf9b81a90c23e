"""Find an optional module (demo, panels) in every Taizhang app, in INSTALLED_APPS order."""

from __future__ import annotations

import importlib
from types import ModuleType

from django.apps import apps


def app_modules(name: str) -> list[ModuleType]:
    """`taizhang.<app>.<name>` for every installed Taizhang app that has it."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("taizhang."):
            continue
        try:
            found.append(importlib.import_module(f"{config.name}.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.{name}":
                raise
    return found
