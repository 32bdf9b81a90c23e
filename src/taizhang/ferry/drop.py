"""Drop folders: the worker imports what the gateway puts in the inbox and exports new work to the outbox.

Each package in the inbox is applied in sequence order, then moved to inbox/done/ (applied or already
applied) or inbox/refused/ (refused for good: tampered, wrong key, wrong direction...). A package refused for a
gap stays in the inbox, so it applies on a later pass once the missing one arrives.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from django.conf import settings

from taizhang.ferry import journal, keys, package

log = logging.getLogger(__name__)


def side() -> Any:
    """The module that exports and applies packages on this site."""
    if settings.SITE == "portal":
        from taizhang.ferry import portal_side

        return portal_side
    from taizhang.ferry import ledger_side

    return ledger_side


def _waiting(inbox: Path) -> list[Path]:
    return sorted(p for p in inbox.glob("*.pkg") if p.is_file())


def _move(path: Path, folder: str) -> None:
    target = path.parent / folder
    target.mkdir(exist_ok=True)
    path.replace(target / path.name)


def run(now: dt.datetime) -> int:
    """One pass over the drop folders; the number of packages applied and written."""
    inbox, outbox = settings.FERRY_INBOX, settings.FERRY_OUTBOX
    if not inbox and not outbox:
        return 0
    try:
        keys.own()
        keys.peer()
    except keys.KeysMissing:
        log.warning("ferry drop folders set but keys missing")
        return 0
    done = 0
    if inbox:
        for path in _waiting(Path(inbox)):
            try:
                side().apply(path)
                done += 1
            except journal.AlreadyApplied:
                pass
            except journal.GapRefused:
                continue
            except package.PackageRefused:
                _move(path, "refused")
                continue
            _move(path, "done")
    if outbox and side().export(Path(outbox), now=now) is not None:
        done += 1
    return done
