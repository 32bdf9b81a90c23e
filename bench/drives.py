"""A drive's board with many units and rounds (goal: < 300 ms with 200 units and 12 rounds).

    PYTHONPATH=src python scripts/with_postgres.py -- python bench/drives.py --units 200 --rounds 12

Builds an office, --units member units, one rolling drive with --rounds rounds (returns filed, findings,
clues) in bulk, then times `board.board` for the office (all rows) and the page itself. Prints medians.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from bench.generate import setup_django  # noqa: E402


def build(units: int, rounds: int):
    from django.utils import timezone

    from taizhang.drives.choices import DriveKind, FindingKind, ReturnStatus
    from taizhang.drives.models import Drive, DriveFinding, DriveReturn, DriveRound
    from taizhang.org.choices import RoleCode, UnitKind
    from taizhang.org.models import Role, Sector, Unit, User

    tag = f"B{int(time.time())}"
    office = Unit.objects.create(code=f"{tag}-O", name="基准市扫黑办", kind=UnitKind.OFFICE)
    members = [
        Unit.objects.create(code=f"{tag}-{i}", name=f"基准单位{i:03d}", parent=office) for i in range(units)
    ]
    staff = User.objects.create(username=f"{tag}-staff", unit=office)
    staff.roles.set(Role.objects.filter(code=RoleCode.OFFICE_STAFF))
    sectors = [
        Sector.objects.get_or_create(code=f"bench{i}", defaults={"name": f"领域{i}"})[0] for i in range(4)
    ]
    today = timezone.localdate()
    drive = Drive.objects.create(
        title="基准滚动排查",
        kind=DriveKind.ROLLING,
        office=office,
        lead_unit=office,
        starts_on=today - dt.timedelta(days=7 * rounds),
        ends_on=today + dt.timedelta(days=30),
        requirements="-",
        interval_days=7,
        created_by=staff,
    )
    drive.sectors.set(sectors)
    drive.units.set(members)
    rng = random.Random(1)
    for seq in range(1, rounds + 1):
        opens = drive.starts_on + dt.timedelta(days=7 * (seq - 1))
        rnd = DriveRound.objects.create(
            drive=drive,
            seq=seq,
            opens_on=opens,
            due_at=timezone.now() - dt.timedelta(days=7 * (rounds - seq)),
        )
        rets = DriveReturn.objects.bulk_create(
            DriveReturn(
                drive=drive,
                round=rnd,
                unit=u,
                status=ReturnStatus.FILED if rng.random() < 0.9 else ReturnStatus.PENDING,
                items_checked=rng.randint(0, 50),
            )
            for u in members
        )
        DriveFinding.objects.bulk_create(
            DriveFinding(
                drive=drive,
                ret=r,
                kind=rng.choice(list(FindingKind)),
                sector=rng.choice(sectors),
                summary="基准发现",
            )
            for r in rets
            if r.status == ReturnStatus.FILED and rng.random() < 0.3
        )
    return drive, staff


def profile(client, url: str) -> None:
    """One request under cProfile, with its query count and time in the database."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        profiler = cProfile.Profile()
        profiler.enable()
        client.get(url)
        profiler.disable()
    print(f"{len(queries)} queries, {sum(float(q['time']) for q in queries) * 1000:.1f} ms in the database")
    for q in sorted(queries, key=lambda q: -float(q["time"]))[:4]:
        print(f"  {float(q['time']) * 1000:6.1f} ms  {q['sql'][:300]}")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="print the page's queries and top functions")
    args = parser.parse_args()
    setup_django()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from taizhang.drives import board

    drive, staff = build(args.units, args.rounds)
    client = Client()
    client.force_login(staff)
    if args.profile:
        profile(client, f"/drives/{drive.pk}/")
    for label, fn in (
        ("board()", lambda: board.board(staff, drive, timezone.now())),
        ("drive page", lambda: client.get(f"/drives/{drive.pk}/")),
    ):
        fn()
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            fn()
            times.append((time.perf_counter() - started) * 1000)
        print(
            f"{label:12s} {statistics.median(times):7.1f} ms  ({args.units} units, {args.rounds} rounds; goal < 300 ms)"
        )


if __name__ == "__main__":
    main()
