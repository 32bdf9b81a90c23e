"""The exchange's drop folders, watched by `taizhang worker` on every pass (docs/exchange.md)."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from django.conf import settings

from taizhang.exchange import keys, transport
from taizhang.exchange.models import GapAcceptance
from taizhang.ferry import journal, package
from taizhang.ferry.keys import KeysMissing

log = logging.getLogger(__name__)


def _move(path: Path, folder: str) -> None:
    target = path.parent / folder
    target.mkdir(exist_ok=True)
    path.replace(target / path.name)


def _apply_accepted_gap(path: Path, now: dt.datetime) -> bool:
    """Apply a package waiting behind a gap that a person accepted on the exchange page (once)."""
    sender, _kind = package.peek(path)
    accepted = GapAcceptance.objects.filter(partner__instance_id=sender, used_at=None).first()
    if accepted is None:
        return False
    transport.apply(path, accept_gap_reason=accepted.reason)
    GapAcceptance.objects.filter(pk=accepted.pk).update(used_at=now)
    return True


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
            # Stays in the inbox until the missing package arrives, or a person accepts the gap (on the page).
            if not _apply_accepted_gap(path, now):
                continue
            done += 1
        except package.PackageRefused:
            _move(path, "refused")
            continue
        _move(path, "done")
    if outbox:
        done += len(transport.export_all(Path(outbox), now=now))
    return done


JOBS = [run]
