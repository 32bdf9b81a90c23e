"""Worker job: open each rolling (or not yet started) drive's round when its day comes.

Each round is claimed by moving `Drive.next_round_on` with a conditional update (actions.open_next_round),
so two workers running at once open it once.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from taizhang.core.actors import WORKER
from taizhang.drives.actions import open_next_round
from taizhang.drives.choices import DriveStatus
from taizhang.drives.models import Drive

BATCH = 200


def open_due_rounds(now: dt.datetime) -> int:
    """Open every round due by today; a drive late by several rounds catches up one round per pass."""
    today = timezone.localdate(now)
    due = Drive.objects.filter(status=DriveStatus.ACTIVE, next_round_on__lte=today).values_list(
        "pk", flat=True
    )
    opened = 0
    for drive_id in list(due[:BATCH]):
        if open_next_round(drive_id, actor=WORKER) is not None:
            opened += 1
    return opened


JOBS = [open_due_rounds]
