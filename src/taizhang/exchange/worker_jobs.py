"""The exchange's drop folders, watched by `taizhang worker` on every pass (docs/exchange.md)."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from django.conf import settings

from taizhang.exchange import keys, transport
from taizhang.ferry import journal, package
from taizhang.ferry.keys import KeysMissing

log = logging.getLogger(__name__)


def _move(path: Path, folder: str) -> None:
    target = path.parent / folder
    target.mkdir(exist_ok=True)
    path.replace(target / path.name)


def run(now: dt.datetime) -> int:
    """Apply what waits in the inbox (in name order: sender, then sequence), then write what is new."""
    inbox, outbox = settings.EXCHANGE_INBOX, settings.EXCHANGE_OUTBOX
    if not inbox and not outbox:
        return 0
    try:
        keys.own()
    except KeysMissing:
        log.warning("exchange drop folders set but no identity keys")
        return 0
    done = 0
    for path in sorted(p for p in Path(inbox).glob("*.pkg") if p.is_file()) if inbox else []:
        try:
            transport.apply(path)
            done += 1
        except journal.AlreadyApplied:
            pass
        except journal.GapRefused:
            continue  # stays in the inbox until the missing package arrives (or a person accepts the gap)
        except package.PackageRefused:
            _move(path, "refused")
            continue
        _move(path, "done")
    if outbox:
        done += len(transport.export_all(Path(outbox), now=now))
    return done


JOBS = [run]
