"""Find an optional module (demo, panels) in every Taizhang app, in INSTALLED_APPS order."""

from __future__ import annotations

import functools
import importlib
from types import ModuleType

from django.apps import apps


def app_modules(name: str) -> list[ModuleType]:
    """`taizhang.<app>.<name>` for every installed Taizhang app that has it."""
    return list(_app_modules(name))


# The installed apps do not change while the process runs; looking for a module an app lacks searches the
# file system each time, which the home page and every to-do list would otherwise pay on every request.
@functools.cache
def _app_modules(name: str) -> tuple[ModuleType, ...]:
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("taizhang."):
            continue
        try:
            found.append(importlib.import_module(f"{config.name}.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.{name}":
                raise
    return tuple(found)


def clue_sections(request: object, clue: object) -> list[dict]:
    """Extra sections for the clue detail page from every app's `clue_sections.sections(request, clue)`.

    Each section is a dict with at least "template" (and "title"); the rest is passed to the template.
    """
    found: list[dict] = []
    for module in app_modules("clue_sections"):
        found.extend(module.sections(request, clue))
    return found
