"""The clue tally: what an office's counts per status under a filter cost, read live and from the tally, and what
the tally's facts cost each write (#25).

    PYTHONPATH=src python scripts/with_postgres.py -- python bench/tally.py --clues 100000

Tops the database up to --clues clues (bench/generate.py), then prints, as the city office (shb_staff):
1. for filters the tally keeps (a category, a channel, a sector, a finding, each with and without twelve whole
   received months, an office, 保护伞) and one it does not, the median in-process time of the live grouped
   count (`filters.status_counts` over the visible clues) and of `answers.visible_status_counts` (the form
   `rule.form_for` picks: TALLY for the kept ones), and that both answer the same counts;
2. the tally's size: rows and bytes, in all and per kind;
3. the cost of each write to clues_clue under no tally trigger, 0003's trigger function (status and the
   filters by month, not crossed) and today's (with the status facts crossed with the filters): one clue's
   status changed, one clue's category changed, one clue's summary changed (no fact changes), one clue
   inserted, and 10,000 clues' status changed in one statement. Every write is rolled back.
Goal: the counts under a kept filter < 50 ms at 1,000,000 clues (docs/clues.md says why they do not grow
with the clues).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from bench.generate import generate, setup_django  # noqa: E402


def median_ms(run: Callable[[], Any], runs: int) -> float:
    run()  # warm
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _filters() -> list[tuple[str, dict[str, Any]]]:
    from django.db.models import Count

    from taizhang.clues.models import Clue
    from taizhang.org.models import Unit

    sector = (
        Clue.objects.exclude(sector=None).values("sector").annotate(n=Count("id")).order_by("-n")[0]["sector"]
    )
    today = dt.date.today()
    this_month = today.replace(day=1)
    year_ago = (this_month - dt.timedelta(days=365)).replace(day=1)
    months = {"received_from": year_ago, "received_to": this_month - dt.timedelta(days=1)}
    district = Unit.objects.filter(kind="office").exclude(parent=None).order_by("pk").first()
    return [
        ("none (the ledger as it opens)", {}),
        ("category", {"category": "evil"}),
        ("category, 12 whole months", {"category": "evil", **months}),
        ("channel", {"channel": "phone"}),
        ("channel, 12 whole months", {"channel": "phone", **months}),
        ("sector", {"sector": sector}),
        ("finding", {"finding": "substantiated"}),
        ("category, a district office", {"category": "evil", "office": district.pk if district else 1}),
        ("12 whole months", months),
        ("保护伞", {"umbrella": True}),
        ("category + channel (live)", {"category": "evil", "channel": "phone"}),
        ("received, part of a month (live)", {"received_from": this_month + dt.timedelta(days=1)}),
    ]


def counts(runs: int) -> None:
    from taizhang.clues.filters import parse, status_counts
    from taizhang.clues.models import Clue
    from taizhang.clues.visibility import tally
    from taizhang.clues.visibility.answers import _filters as narrowing_filters
    from taizhang.clues.visibility.answers import visible_status_counts
    from taizhang.org.models import User

    office = User.objects.get(username="shb_staff")
    print(f"\n{'office counts per status, filter':40} {'clues':>9} {'live ms':>9} {'answer ms':>10}  form")
    for label, params in _filters():
        v = parse(params)
        live = status_counts(Clue.objects.visible_to(office), v)
        got = visible_status_counts(office, v)
        assert got == live, (label, got, live)
        live_ms = median_ms(lambda v=v: status_counts(Clue.objects.visible_to(office), v), runs)
        got_ms = median_ms(lambda v=v: visible_status_counts(office, v), runs)
        form = "tally" if tally.narrowing(narrowing_filters(v)) is not None else "live"
        print(f"{label:40} {sum(live.values()):9,} {live_ms:9.1f} {got_ms:10.1f}  {form}")


def size() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM FULL ANALYZE reports_cluetally")  # its size without dead rows
        cursor.execute("SELECT kind, count(*) FROM reports_cluetally GROUP BY kind ORDER BY kind")
        kinds = ", ".join(f"{kind} {n:,}" for kind, n in cursor.fetchall())
        cursor.execute(
            "SELECT count(*), pg_total_relation_size('reports_cluetally'), count(DISTINCT month) "
            "FROM reports_cluetally WHERE kind <> 'D'"
        )
        _rows, size, months = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM reports_cluetally")
        everything = cursor.fetchone()[0]
    print(f"\ntally: {everything:,} rows ({kinds}), {size / 2**20:.1f} MiB with indexes, {months} months")


def _writes() -> list[tuple[str, str, int]]:
    """(label, SQL with one %s for a clue id, how many clues per run) of each write measured."""
    flip = "CASE WHEN status = 'verifying' THEN 'under_review' ELSE 'verifying' END"
    return [
        ("one clue's status", f"UPDATE clues_clue SET status = {flip} WHERE id = %s", 1),  # noqa: S608
        (
            "one clue's category",
            "UPDATE clues_clue SET category = CASE WHEN category = 'evil' THEN 'mafia' ELSE 'evil' END "
            "WHERE id = %s",
            1,
        ),
        (
            "one clue's summary (no fact changes)",
            "UPDATE clues_clue SET summary = summary || '。' WHERE id = %s",
            1,
        ),
        ("one clue inserted", "INSERT", 1),
        (
            "10,000 clues' status in one statement",
            f"UPDATE clues_clue SET status = {flip} WHERE id >= %s AND id < %s + 10000",  # noqa: S608
            10_000,
        ),
    ]


def _insert_sql(cursor: Any) -> str:
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'clues_clue' AND column_name "
        "<> 'id' AND is_generated = 'NEVER' ORDER BY ordinal_position"
    )
    columns = [name for (name,) in cursor.fetchall()]
    chosen = ", ".join(
        "number || '-b' || nextval('clues_clue_id_seq')" if c == "number" else c for c in columns
    )
    return f"INSERT INTO clues_clue ({', '.join(columns)}) SELECT {chosen} FROM clues_clue WHERE id = %s"  # noqa: S608


class _Rollback(Exception):
    pass


def _timed(install: str | None, sql: str, ids: list[int]) -> float:
    """Median ms of `sql` once per id, in one transaction under the trigger function `install` (None: the tally's
    triggers off), rolled back."""
    from django.db import connection, transaction

    times = []
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if install is None:
                cursor.execute("ALTER TABLE clues_clue DISABLE TRIGGER reports_tally_update")
                cursor.execute("ALTER TABLE clues_clue DISABLE TRIGGER reports_tally_insert")
            else:
                cursor.execute(install)
            for clue in ids:
                started = time.perf_counter()
                cursor.execute(sql, [clue] * sql.count("%s"))
                times.append((time.perf_counter() - started) * 1000)
            raise _Rollback
    except _Rollback:
        pass
    return statistics.median(times)


def writes(runs: int) -> None:
    """Each write under each trigger function, the variants taking turns (the load drifts)."""
    from django.db import connection

    from taizhang.clues.visibility import tally

    before = importlib.import_module("taizhang.reports.migrations.0003_clue_tally").INSTALL_SQL
    variants = [
        ("no tally trigger", None),
        ("0003 (not crossed)", before),
        ("now (crossed)", tally.INSTALL_SQL),
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM clues_clue")
        low, high = cursor.fetchone()
        insert = _insert_sql(cursor)
    print(f"\n{'write, ms per statement (median)':44}" + "".join(f"{v:>20}" for v, _ in variants))
    for label, sql, n in _writes():
        sql = insert if sql == "INSERT" else sql
        turns, per_turn = (runs, 20) if n == 1 else (max(3, runs // 3), 1)
        times: dict[str, list[float]] = {name: [] for name, _ in variants}
        for turn in range(turns):
            ids = [
                low + (high - low - 10_000) * (turn * per_turn + i) // (turns * per_turn)
                for i in range(per_turn)
            ]
            for name, install in variants:
                times[name].append(_timed(install, sql, ids))
        print(f"{label:44}" + "".join(f"{statistics.median(times[name]):20.2f}" for name, _ in variants))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clues", type=int, default=100_000, help="top the database up to this many clues")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--no-migrate", action="store_true")
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("bench/tally.py needs PostgreSQL (the tally is kept by its triggers)")
    if not args.no_migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    from taizhang.clues.models import Clue

    have = Clue.objects.count()
    if have < args.clues:
        generate(args.clues - have, seed=have + 1)
    print(f"clues in the database: {Clue.objects.count():,}; load average {os.getloadavg()[0]:.2f}")
    counts(args.runs)
    size()
    writes(args.runs)
    print(f"\nload average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
