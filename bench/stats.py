"""Time the dashboard data (whole city, one year) and a quarterly bulletin for 200 units on PostgreSQL.

    PYTHONPATH=src python scripts/with_postgres.py -- python bench/stats.py [--clues 1000000] [--cases 20000]

Migrates, builds a city office with 10 district offices and 200 member units, inserts the clues with one
INSERT ... SELECT over generate_series (cases are left empty: see insert_cases),
then prints the timings. Goals: dashboard < 500 ms, bulletin < 5 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from tqdm import tqdm  # noqa: E402

from taizhang.org.choices import RoleCode, UnitKind  # noqa: E402
from taizhang.org.models import Role, Unit, User  # noqa: E402
from taizhang.reports import bulletin, dashboard  # noqa: E402
from taizhang.reports.periods import Period  # noqa: E402

CHANNELS = ["letter", "visit", "phone", "online", "platform_12337", "superior", "screening", "portal"]
STATUSES = ["registered", "triaged", "assigned", "verifying", "under_review", "accepted", "concluded"]
# (status "concluded" among the recent ones gets its conclusion date through g % 7 = 6)
CATEGORIES = ["mafia", "evil", "disorder", "other"]


def build_units(members: int) -> tuple[Unit, list[Unit]]:
    city = Unit.objects.create(code="B-CITY", name="基准市扫黑除恶斗争领导小组办公室", kind=UnitKind.OFFICE)
    districts = [
        Unit.objects.create(code=f"B-D{i}", name=f"基准{i}区扫黑办", kind=UnitKind.OFFICE, parent=city)
        for i in range(10)
    ]
    units = []
    for i in tqdm(range(members), desc="units"):
        parent = city if i < members // 2 else districts[i % 10]
        units.append(Unit.objects.create(code=f"B-M{i}", name=f"基准成员单位{i:03d}", parent=parent))
    return city, districts + units


def insert_clues(city: Unit, units: list[Unit], n: int) -> None:
    """One INSERT ... SELECT; values derived from the row number so runs are repeatable."""
    offices = [city.pk] + [u.pk for u in units if u.kind == UnitKind.OFFICE]
    members = [u.pk for u in units if u.kind != UnitKind.OFFICE]
    # Four years of clues; those older than 120 days are concluded (as in a ledger that keeps up), newer ones
    # are spread over the working states with a 30-day deadline, so some are overdue.
    sql = """
    INSERT INTO clues_clue (number, office_id, channel, source_ref, received_at, summary, facts, place,
        alleges_umbrella, is_umbrella, category, priority, status, referred_to, triage_note, responsible_unit_id,
        deadline_at, deadline_step, finding_result, concluded_at, reopen_count, import_key, created_at, updated_at,
        version)
    SELECT 'B-' || g, (%(offices)s::int[])[1 + g %% %(n_off)s], (%(channels)s::text[])[1 + g %% 8], '',
        r.at, '基准线索', '基准线索内容', '', false, (g %% 50 = 0), (%(categories)s::text[])[1 + g %% 4], 'normal',
        CASE WHEN r.old THEN 'concluded' ELSE (%(statuses)s::text[])[1 + g %% 7] END, '', '',
        (%(members)s::int[])[1 + g %% %(n_mem)s],
        CASE WHEN r.old OR g %% 7 = 6 THEN NULL ELSE r.at + interval '30 days' END, 'verify',
        CASE WHEN r.old OR g %% 7 = 6 THEN (CASE WHEN g %% 3 = 0 THEN 'substantiated' ELSE 'unfounded' END)
             ELSE '' END,
        CASE WHEN r.old OR g %% 7 = 6 THEN LEAST(now(), r.at + ((g %% 60) || ' days')::interval) ELSE NULL END,
        0, '', now(), now(), 1
    FROM generate_series(%(lo)s, %(hi)s) AS g,
    LATERAL (SELECT now() - ((g %% 1460) || ' days')::interval - ((g %% 1440) || ' minutes')::interval AS at,
                    (g %% 1460) > 120 AS old) AS r
    """
    params = {
        "offices": offices,
        "n_off": len(offices),
        "channels": CHANNELS,
        "categories": CATEGORIES,
        "statuses": STATUSES,
        "members": members,
        "n_mem": len(members),
    }
    step = 100_000
    with connection.cursor() as cursor:
        for lo in tqdm(range(1, n + 1, step), desc="clues"):
            cursor.execute(sql, {**params, "lo": lo, "hi": min(n, lo + step - 1)})
    with connection.cursor() as cursor:
        # What autovacuum would have done on a live database (visibility map, statistics).
        cursor.execute("VACUUM ANALYZE clues_clue")


def insert_cases(n: int) -> str:
    """Cases are not generated here (bench/cases.py builds its own organisation); with no case rows the case
    series cost only their (indexed) queries."""
    return f"cases: not generated (asked for {n}); the case series run against an empty cases table"


def timed(label: str, fn, repeat: int) -> None:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    print(f"{label}: min {min(times):.0f} ms, median {statistics.median(times):.0f} ms over {repeat} runs")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clues", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--units", type=int, default=200)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("bench/stats.py needs PostgreSQL (run it through scripts/with_postgres.py)")
        sys.exit(2)
    call_command("migrate", verbosity=0)
    city, units = build_units(args.units)
    leader = User.objects.create(username="bench_leader", unit=city)
    leader.roles.set(Role.objects.filter(code__in=[RoleCode.OFFICE_LEADER, RoleCode.OFFICE_STAFF]))
    start = time.perf_counter()
    insert_clues(city, units, args.clues)
    print(f"inserted {args.clues} clues in {time.perf_counter() - start:.1f} s")
    print(insert_cases(args.cases))
    year = Period.of("year", timezone.localdate())
    quarter = Period.of("quarter", year.start).previous().previous()  # a full quarter well inside the data
    data = dashboard.dashboard_data(leader, city, year)
    print(f"dashboard figures: received {data['cards'][0]['value']}, units charted {len(data['units'])}")
    timed(
        "dashboard data, whole city, one year (goal < 500 ms)",
        lambda: dashboard.dashboard_data(leader, city, year),
        5,
    )

    def one_bulletin() -> None:
        bulletin.render_docx(bulletin.gather(leader, city, quarter))

    data_b = bulletin.gather(leader, city, quarter)
    print(f"bulletin: {len(data_b.ranking)} units ranked, {len(data_b.overdue)} overdue listed")
    timed(f"quarterly bulletin .docx, {len(data_b.ranking)} units (goal < 5 s)", one_bulletin, 3)


if __name__ == "__main__":
    main()
