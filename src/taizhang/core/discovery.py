"""Hooks: a module of a known name in every Taizhang app (`<app>/panels.py`, `<app>/demo.py`, …) that a lower
or central piece calls without importing the app. Each hook has a Protocol, written beside the code that calls
it; `hooks(name, Protocol)` finds the modules in INSTALLED_APPS order and refuses one that does not fit, so a
misspelt function fails at once instead of being skipped. The hooks are listed in docs/architecture.md."""

from __future__ import annotations

import functools
import importlib
from types import ModuleType
from typing import Any, Protocol, TypeVar, cast, runtime_checkable

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Hook = TypeVar("Hook")


def hooks(name: str, protocol: type[Hook]) -> list[Hook]:
    """`taizhang.<app>.<name>` of every installed Taizhang app that has one, each checked against `protocol`
    (a runtime-checkable Protocol: every member it names must be there)."""
    found = []
    for module in _app_modules(name):
        if not isinstance(module, protocol):
            raise ImproperlyConfigured(f"{module.__name__} does not fit the {protocol.__name__} hook")
        found.append(cast(Hook, module))
    return found


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
                raise  # the module exists and an import inside it failed: a bug to see
    return tuple(found)


@runtime_checkable
class PanelsHook(Protocol):
    """`<app>/panels.py`: the app's panels on the staff home page (core.views.home)."""

    def home_panels(self, request: HttpRequest) -> list[dict[str, Any]]: ...


@runtime_checkable
class ClueSectionsHook(Protocol):
    """`<app>/clue_sections.py`: the app's sections on the clue detail page (`clue_sections` below)."""

    def sections(self, request: Any, clue: Any) -> list[dict[str, Any]]: ...


def clue_sections(request: object, clue: object) -> list[dict]:
    """Extra sections for the clue detail page from every app's `clue_sections.sections(request, clue)`.

    Each section is a dict with at least "template" (and "title"); the rest is passed to the template.
    """
    found: list[dict] = []
    for module in hooks("clue_sections", ClueSectionsHook):
        found.extend(module.sections(request, clue))
    return found
