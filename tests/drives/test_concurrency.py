"""Two workers opening the same round at the same moment open it once (PostgreSQL: real concurrent sessions)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from taizhang.core.actors import WORKER
from taizhang.drives import actions
from taizhang.drives.choices import DriveKind
from taizhang.drives.models import DriveReturn, DriveRound


@pytest.mark.django_db(transaction=True)
def test_two_workers_open_a_round_once(world, make_drive):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent sessions need PostgreSQL")
    drive = make_drive(
        DriveKind.ROLLING, starts_on=timezone.localdate() + dt.timedelta(days=1), interval_days=7
    )
    from taizhang.drives.models import Drive

    Drive.objects.filter(pk=drive.pk).update(next_round_on=timezone.localdate())
    barrier = threading.Barrier(2)
    opened: list[object] = []

    def worker() -> None:
        try:
            barrier.wait()
            opened.append(actions.open_next_round(drive.pk, actor=WORKER))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(1 for r in opened if r is not None) == 1
    assert DriveRound.objects.filter(drive=drive).count() == 1
    assert DriveReturn.objects.filter(drive=drive).count() == 2
