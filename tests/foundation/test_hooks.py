"""Hooks (core.discovery): every app's module of a hook's name is found, and one that does not fit the hook's
Protocol is refused at once rather than skipped."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from taizhang.core.discovery import ClueSectionsHook, PanelsHook, hooks
from taizhang.jobs.registry import JobKindsHook


def test_every_app_with_the_module_is_found_in_installed_apps_order():
    names = [module.__name__ for module in hooks("panels", PanelsHook)]
    assert names[0] == "taizhang.clues.panels"
    assert "taizhang.supervision.panels" in names and "taizhang.reports.panels" in names


def test_a_module_that_does_not_fit_its_hook_is_refused():
    with pytest.raises(ImproperlyConfigured, match="JobKindsHook"):
        hooks("panels", JobKindsHook)


def test_an_app_without_the_module_is_not_asked():
    assert "taizhang.org.clue_sections" not in [m.__name__ for m in hooks("clue_sections", ClueSectionsHook)]
