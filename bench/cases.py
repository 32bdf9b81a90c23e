"""Print the time of the case list, its drill-down filter, the indicators and the letters board at scale.

Run against PostgreSQL:
    PYTHONPATH=src .venv/bin/python scripts/with_postgres.py -- .venv/bin/python bench/cases.py --cases 5000
It migrates a fresh database, bulk-creates cases with stage events and letters (bounded by --cases), then
times each path as the city office staff sees it (best of 5, milliseconds) and prints the query counts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TAIZHANG_VAR_DIR", "/tmp/taizhang-bench-cases")

from bench.generate import setup_django  # noqa: E402

setup_django()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from taizhang.cases.choices import CaseStage, OrgType  # noqa: E402
from taizhang.cases.indicators import INDICATORS  # noqa: E402
from taizhang.cases.models import Case, CaseStageEvent  # noqa: E402
from taizhang.org.choices import RoleCode, UnitKind  # noqa: E402
from taizhang.org.models import Role, Unit, User  # noqa: E402
from taizhang.rectification.models import Letter, LetterType  # noqa: E402

PATH = [s for s in CaseStage.values if s != CaseStage.REGISTERED]


def build(n: int) -> tuple[User, Unit]:
    rng = random.Random(5)
    city = Unit.objects.create(code="B-CITY", name="基准市扫黑办", kind=UnitKind.OFFICE)
    police = Unit.objects.create(code="B-GA", name="基准市公安局", kind=UnitKind.POLICE, parent=city)
    court = Unit.objects.create(code="B-FY", name="基准市法院", kind=UnitKind.COURT, parent=city)
    regulator = Unit.objects.create(code="B-JT", name="基准市交通局", kind=UnitKind.SECTOR_LEAD, parent=city)
    staff = User.objects.create_user(username="bench_staff", password="x", unit=city)
    staff.roles.add(Role.objects.get(code=RoleCode.OFFICE_STAFF))
    today = timezone.localdate()
    cases = Case.objects.bulk_create(
        [
            Case(
                number=f"B-{i:06d}",
                name=f"基准案{i}",
                org_type=rng.choice(OrgType.values),
                office=city,
                stage=rng.choice(PATH),
                assets_seized=Decimal(rng.randint(1, 9999)),
            )
            for i in range(n)
        ],
        batch_size=1000,
    )
    Case.handling_units.through.objects.bulk_create(
        [Case.handling_units.through(case=c, unit=police) for c in cases], batch_size=1000
    )
    events = []
    for c in cases:
        day = today - dt.timedelta(days=rng.randint(30, 700))
        for stage in PATH[: PATH.index(c.stage) + 1]:
            events.append(CaseStageEvent(case=c, stage=stage, occurred_on=day, persons=rng.randint(1, 20)))
            day += dt.timedelta(days=rng.randint(5, 40))
    CaseStageEvent.objects.bulk_create(events, batch_size=2000)
    kind = LetterType.objects.get(code="judicial")
    Letter.objects.bulk_create(
        [
            Letter(
                number=f"L{i}",
                letter_type=kind,
                issuer_unit=court,
                recipient_unit=regulator,
                issued_on=today - dt.timedelta(days=i % 200),
                problems="问题",
                reply_due_at=timezone.now() + dt.timedelta(days=60 - i % 200),
            )
            for i in range(n // 5)
        ],
        batch_size=1000,
    )
    return staff, city


def timed(label: str, fn: object) -> None:
    best = float("inf")
    queries: list[str] = []

    def count(execute: object, sql: str, *args: object) -> object:
        queries.append(sql)
        return execute(sql, *args)  # type: ignore[operator]

    # A wrapper, not CaptureQueriesContext: each request's start resets the connection's query log.
    with connection.execute_wrapper(count):
        fn()  # type: ignore[operator]
    for _ in range(5):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    print(f"{label:<40} {best * 1000:8.1f} ms  {len(queries):3d} queries")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=5000)
    args = parser.parse_args()
    n = max(100, min(args.cases, 50_000))
    call_command("migrate", verbosity=0)
    if Case.objects.exists():
        print("database not empty; run on a fresh database", file=sys.stderr)
        sys.exit(1)
    staff, city = build(n)
    print(
        f"cases={n} events={CaseStageEvent.objects.count()} letters={Letter.objects.count()} db={connection.vendor}"
    )
    client = Client()
    client.force_login(staff)
    year = timezone.localdate().year
    timed("GET /cases/", lambda: client.get("/cases/"))
    timed(
        "GET /cases/?event=arrest (drill-down)",
        lambda: client.get(f"/cases/?event=arrest&from={year}-01-01&within={city.pk}"),
    )
    timed("GET /rectification/letters/board/", lambda: client.get("/rectification/letters/board/"))
    start = timezone.make_aware(dt.datetime(year, 1, 1))
    end = timezone.make_aware(dt.datetime(year + 1, 1, 1))
    timed(
        "all case indicators (one unit, one year)",
        lambda: [fn(user=staff, unit=city, start=start, end=end) for fn in INDICATORS.values()],
    )


if __name__ == "__main__":
    main()
