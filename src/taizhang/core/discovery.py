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


def clue_sections(request: object, clue: object) -> list[dict]:
    """Extra sections for the clue detail page from every app's `clue_sections.sections(request, clue)`.

    Each section is a dict with at least "template" (and "title"); the rest is passed to the template.
    """
    found: list[dict] = []
    for module in app_modules("clue_sections"):
        found.extend(module.sections(request, clue))
    return found
