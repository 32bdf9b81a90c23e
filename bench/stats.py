"""Time the dashboard data (whole city, one year) and a quarterly bulletin for 200 units on PostgreSQL.

    PYTHONPATH=src python scripts/with_postgres.py -- python bench/stats.py [--clues 1000000] [--cases 20000]
    TAIZHANG_DATABASE_URL=postgres://.../copy_of_tz1m python bench/stats.py      # a prepared database

Builds on bench/generate.py's ledger: migrates, creates the demo organisation and enough member units for
--units units below the city office, tops the clues up to --clues with generate() (a database that already
holds them is reused as it is), tops the cases up to --cases (organisation types, stage events with persons,
assets, linked to substantiated clues), recounts the clue tally when rows were loaded with triggers off, then
prints the timings with the query counts. Goals (issue 7): dashboard < 500 ms, bulletin < 5 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from bench.generate import setup_django  # noqa: E402

setup_django()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.generate import ensure_org, generate  # noqa: E402
from taizhang.cases.choices import CaseStage, OrgType  # noqa: E402
from taizhang.cases.models import Case, CaseStageEvent  # noqa: E402
from taizhang.clues.models import Clue  # noqa: E402
from taizhang.clues.visibility import tally  # noqa: E402
from taizhang.org.choices import UnitKind  # noqa: E402
from taizhang.org.models import Unit, User  # noqa: E402
from taizhang.reports import bulletin, dashboard  # noqa: E402
from taizhang.reports.periods import Period  # noqa: E402

SEED = 20261122
STAGES = [s for s in CaseStage.values if s != CaseStage.REGISTERED]


def ensure_units(target: int) -> int:
    """Member units under the city and district offices until `target` units sit below the city office."""
    city = Unit.objects.get(code="CITY-SHB")
    below = Unit.objects.filter(path__startswith=city.path).exclude(pk=city.pk)
    offices = list(Unit.objects.filter(kind=UnitKind.OFFICE, path__startswith=city.path))
    have = below.count()
    for i in range(have, target):
        Unit.objects.create(
            code=f"B-M{i:03d}",
            name=f"基准成员单位{i:03d}",
            kind=UnitKind.MEMBER,
            parent=offices[i % len(offices)],
        )
    return below.count()


def ensure_cases(n: int) -> int:
    """Top the cases up to `n`: dismantled organisations across the city's offices over the last two years,
    each with its stage events (persons per stage), assets, police as handling unit and a substantiated clue."""
    have = Case.objects.count()
    if have >= n:
        return have
    rng = random.Random(SEED + have)
    offices = list(Unit.objects.filter(kind=UnitKind.OFFICE))
    police = list(Unit.objects.filter(kind=UnitKind.POLICE))
    clue_ids = list(
        Clue.objects.filter(finding_result="substantiated")
        .order_by("-id")
        .values_list("id", flat=True)[: n * 2]
    )
    today = timezone.localdate()
    org_types = [OrgType.MAFIA, OrgType.CRIMINAL_GROUP, OrgType.GANG, OrgType.VILLAGE_BULLY, *OrgType.values]
    cases = Case.objects.bulk_create(
        [
            Case(
                number=f"B-AJ-{i:06d}",
                name=f"基准案件{i}",
                org_type=rng.choice(org_types),
                office=rng.choice(offices),
                stage=rng.choice(STAGES),
                persons_caught=rng.randint(1, 30),
                assets_seized=Decimal(rng.randint(0, 5_000_000)),
                assets_frozen=Decimal(rng.randint(0, 2_000_000)),
            )
            for i in range(have, n)
        ],
        batch_size=2000,
    )
    links = Case.handling_units.through
    links.objects.bulk_create([links(case=c, unit=rng.choice(police)) for c in cases], batch_size=5000)
    if clue_ids:
        clue_links = Case.clues.through
        clue_links.objects.bulk_create(
            [clue_links(case=c, clue_id=clue_ids[i % len(clue_ids)]) for i, c in enumerate(cases)],
            batch_size=5000,
            ignore_conflicts=True,
        )
    events = []
    for case in cases:
        day = today - dt.timedelta(days=rng.randint(20, 730))
        for stage in STAGES[: STAGES.index(case.stage) + 1]:
            if day > today:
                break
            events.append(CaseStageEvent(case=case, stage=stage, occurred_on=day, persons=rng.randint(1, 20)))
            day += dt.timedelta(days=rng.randint(10, 60))
    CaseStageEvent.objects.bulk_create(events, batch_size=5000)
    return Case.objects.count()


def timed(label: str, fn: Callable[[], object], repeat: int) -> None:
    queries: list[str] = []

    def count(execute: Callable, sql: str, *args: object) -> object:
        queries.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(count):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    print(
        f"{label}: min {min(times):.0f} ms, median {statistics.median(times):.0f} ms over {repeat} runs, "
        f"{len(queries)} queries"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clues", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--setup-only", action="store_true", help="prepare the database, time nothing")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("bench/stats.py needs PostgreSQL (run it through scripts/with_postgres.py)")
        sys.exit(2)
    call_command("migrate", verbosity=0)
    ensure_org(SEED)
    units = ensure_units(min(args.units, 2000))
    have = Clue.objects.count()
    if have < args.clues:
        start = time.perf_counter()
        generate(min(args.clues, 2_000_000) - have, SEED + have)  # recounts the tally after its load
        print(f"generated {args.clues - have} clues in {time.perf_counter() - start:.1f} s")
    cases = ensure_cases(min(args.cases, 100_000))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE reports_cluetally")
        cursor.execute("ANALYZE")
    tally.compact()
    print(f"ledger: {Clue.objects.count()} clues, {cases} cases, {units} units below the city office")
    if args.setup_only:
        return
    leader = User.objects.get(username="shb_leader")
    city = Unit.objects.get(code="CITY-SHB")
    year = Period.of("year", timezone.localdate())
    quarter = Period.of("quarter", timezone.localdate()).previous()
    data = dashboard.dashboard_data(leader, city, year)
    print(
        f"dashboard figures ({year.label}): received {data['cards'][0]['value']}, "
        f"overdue {data['cards'][4]['value']}, units charted {len(data['units'])}"
    )
    timed(
        "dashboard data, whole city, one year (goal < 500 ms)",
        lambda: dashboard.dashboard_data(leader, city, year),
        args.repeat,
    )

    def one_bulletin() -> None:
        bulletin.render_docx(bulletin.gather(leader, city, quarter))

    data_b = bulletin.gather(leader, city, quarter)
    print(
        f"bulletin ({quarter.label}): {len(data_b.ranking)} units ranked, {len(data_b.overdue)} overdue listed"
    )
    timed(
        f"quarterly bulletin .docx, {len(data_b.ranking)} units (goal < 5 s)",
        one_bulletin,
        max(args.repeat // 2, 1),
    )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
