"""Search speed on PostgreSQL: median and p95 of two-character (and other) queries over N clues.

    PYTHONPATH=src .venv/bin/python scripts/with_postgres.py -- .venv/bin/python bench/search.py --n 1000000

Loads the clues with bench/search_data.py when they are missing, then times search.query.search_source (the
function behind the search page and API, its total included: exact up to 10,000) as an office staff member (sees everything but 保护伞 clues), an office
leader (also 保护伞 clues), a district office's staff (its tenth of the ledger) and a member unit's liaison (sees
only the 2% assigned to its unit).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import search_data

PEOPLE = ("bench_staff", "bench_leader", "bench_district", "bench_liaison")


def explain(world: dict, source: object, q: str) -> None:
    """Print EXPLAIN ANALYZE of every statement one search runs, per person."""
    from django.db import connection

    from taizhang.search.query import search_source

    for who in PEOPLE:
        statements: list[tuple[str, object]] = []

        def capture(execute, sql, params, many, context, statements=statements):  # type: ignore[no-untyped-def]
            statements.append((sql, params))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(capture):
            search_source(world["people"][who], source, q)  # type: ignore[arg-type]
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                print(f"--- {who} {q}:", sql[:300])
                print("\n".join(row[0] for row in cursor.fetchall()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--explain", action="store_true", help="print the plans of one query per person")
    parser.add_argument(
        "--people", default=",".join(PEOPLE), help="comma-separated, of: " + ", ".join(PEOPLE)
    )
    args = parser.parse_args()
    search_data.setup()
    world = search_data.ensure(args.n, args.seed)

    from django.db import connection

    from taizhang.pure.fold import query_terms
    from taizhang.search.models import SearchDocument
    from taizhang.search.query import _visible_window, count_visible, search_source
    from taizhang.search.sources import source_for

    if connection.vendor != "postgresql":
        print("warning: not PostgreSQL — figures are for", connection.vendor)
    source = source_for("clues.clue")
    assert source is not None
    rng = random.Random(args.seed)
    two = [w[:2] for w in rng.sample(search_data.WORDS, args.queries)]
    one = [rng.choice(search_data.SURNAMES) for _ in range(10)]
    mixed = [f"{rng.choice(search_data.WORDS)[:2]} {rng.choice(search_data.WORDS)[:2]}" for _ in range(10)]
    # Frequent single characters (each in a fifth to all of the clues), and rare queries: two subjects'
    # names together (a few clues) and terms in no clue.
    frequent = [rng.choice(search_data.WORDS)[0] for _ in range(9)] + ["某"]
    names = search_data.SURNAMES
    rare = [f"{rng.choice(names)}某甲 {rng.choice(names)}某乙" for _ in range(8)] + ["鬼", "魑魅"]
    print(f"documents: {SearchDocument.objects.count():,}")
    # Untimed: loads the folding tables and warms the connection, as a running server already has.
    search_source(world["people"]["bench_staff"], source, "渣土")
    if args.explain:
        explain(world, source, two[0])
    for who in args.people.split(","):
        user = world["people"][who]
        classes = (
            ("2-char", two),
            ("1-char", one),
            ("1-char frequent", frequent),
            ("2 words", mixed),
            ("rare", rare),
        )
        for label, queries in classes:
            times, counts, totals, count_times = [], [], [], []
            for q in queries:
                started = time.perf_counter()
                group = search_source(user, source, q)
                times.append((time.perf_counter() - started) * 1000)
                counts.append(len(group.hits))
                totals.append(group.total)
                # The total's own share: the capped count alone, as the page runs it (after its window).
                window = _visible_window(user, source, query_terms(q), 21)
                started = time.perf_counter()
                count_visible(user, source, query_terms(q), share=window.share)
                count_times.append((time.perf_counter() - started) * 1000)
            times.sort()
            p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
            print(
                f"{who:14s} {label:15s} n={len(queries):3d} median {statistics.median(times):7.1f} ms"
                f"  p95 {p95:7.1f} ms  max {times[-1]:7.1f} ms  (avg hits {statistics.mean(counts):.1f},"
                f" median total {statistics.median(totals):,.0f}, capped {sum(t > 10_000 for t in totals)};"
                f" the count alone {statistics.median(count_times):.1f} ms median)"
            )


if __name__ == "__main__":
    main()
