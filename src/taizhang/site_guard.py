"""On the internet portal site, no module of the ledger can be imported at all (not merely left unused).

Installed by settings when TAIZHANG_SITE=portal: a finder placed first on sys.meta_path refuses every module
of a staff app (their models, views, actions, APIs, anything) with ImportError. Only the apps' vocabularies
(`<app>.choices`, plain TextChoices the public form shares) and core's Django-free helpers stay importable.
"""

from __future__ import annotations

import importlib.abc
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

# The packages a portal-site process may load; every other package of taizhang is the ledger's (a staff app
# added later is refused without anyone listing it here).
PORTAL_PACKAGES = frozenset({"core", "pure", "portal", "gate", "ferry", "conf", "settings", "wsgi", "cli"})
# core's pieces that touch the ledger's tables or staff pages.
CORE_BLOCKED = frozenset(
    {"models", "views", "urls", "admin", "audit", "api", "demo_context", "panels", "signals"}
)
ALLOWED_LEAVES = frozenset({"choices"})
LEDGER_ONLY = frozenset(
    {
        "taizhang.api",
        "taizhang.urls",
        "taizhang.ferry.ledger_side",
        "taizhang.ferry.views",
        "taizhang.ferry.urls",
        # The portal app's ledger half: its records tied to clues, and the combined site's registration.
        "taizhang.portal.models",
        "taizhang.portal.actions",
        "taizhang.portal.combined",
        "taizhang.portal.demo",
        "taizhang.portal.api",
    }
)


def refused(name: str) -> bool:
    """Whether `name` belongs to the ledger and must not load in a portal-site process."""
    parts = name.split(".")
    if parts[0] != "taizhang" or len(parts) < 2:
        return False
    if name in LEDGER_ONLY:
        return True
    if parts[1] == "core":
        return len(parts) > 2 and parts[2] in CORE_BLOCKED
    if parts[1] in PORTAL_PACKAGES:
        return False
    # The package itself may load (Python imports it on the way to a vocabulary); its modules may not.
    return len(parts) > 2 and parts[2] not in ALLOWED_LEAVES


class StaffModuleBlocker(importlib.abc.MetaPathFinder):
    """Refuses the ledger's modules (see the module docstring)."""

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None) -> Any:
        if refused(fullname):
            raise ImportError(f"{fullname} is not part of the portal site (TAIZHANG_SITE=portal)")
        return None


def install() -> None:
    if not any(isinstance(f, StaffModuleBlocker) for f in sys.meta_path):
        sys.meta_path.insert(0, StaffModuleBlocker())
