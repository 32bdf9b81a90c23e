"""Reference data every installation has (roles, sectors, deadline rules, letter types, the indicator
catalogue), re-applied idempotently after every migrate and every test flush.

The data migrations seed it once; a flush (Django's test teardown for transactional tests) empties those
tables and only re-emits post_migrate, so the same seed functions run again from here.
"""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps as global_apps

SEED_MIGRATIONS = [
    "taizhang.org.migrations.0002_seed_roles",
    "taizhang.org.migrations.0003_sector",
    "taizhang.supervision.migrations.0002_seed_defaults",
    "taizhang.rectification.migrations.0002_seed_letter_types",
    "taizhang.reports.migrations.0002_seed_catalogue",
]


def reseed(sender: Any, **kwargs: Any) -> None:
    """post_migrate receiver: run every seed function once per migrate (on the core app's signal)."""
    if getattr(sender, "name", "") != "taizhang.core":
        return
    using = kwargs.get("using", "default")
    if using != "default":
        return
    for path in SEED_MIGRATIONS:
        importlib.import_module(path).seed(global_apps, None)
