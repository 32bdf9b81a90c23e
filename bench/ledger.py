"""Ledger benchmark: list (first and deep page), detail and the 10,000-row export on a large PostgreSQL ledger.

    PYTHONPATH=src python scripts/with_postgres.py -- python bench/ledger.py --clues 1000000

Migrates, tops the database up to --clues clues with bench/generate.py, then measures server time in-process
(Django test client: middleware, views, templates and SQL; no network) as the city office (shb_staff) and as a
member unit (jt_liaison). Prints medians, SQL query counts per page for two page sizes, and export seconds.
The text filter `q` is timed, list and counts, for terms chosen from the data (a rare 1, 2 and 4 Han character
term, a digit fragment, a frequent character, a term in no clue), and the counts each finds are printed.
Goals: list and detail median < 100 ms, query counts constant in page size and data size, export 10k < 5 s;
the text filter's page and counts < 100 ms for rare terms (docs/clues.md); the clue detail page < 25 ms and
<= 12 queries, as fast with a long history as without (#25).

    PYTHONPATH=src python bench/ledger.py --sqlite

The embedded default: a SQLite file (var/bench-ledger.sqlite3, or TAIZHANG_DATABASE_URL) topped up to 10,000
clues, then every page of the navigation bar as the office and as a member unit besides the pages above (the
text filter's terms and the export are left out). Goal (the demo's): every page < 300 ms.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from bench.generate import generate, setup_django  # noqa: E402

SQLITE_GOAL_MS = 300


def median_ms(client, url: str, runs: int) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # "…#htmx" asks for the page's htmx fragment (the header a browser's htmx sends).
    url, htmx = url.removesuffix("#htmx"), url.endswith("#htmx")
    headers = {"HX-Request": "true"} if htmx else {}
    for _ in range(2):  # warm caches and connections
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url, headers=headers)
    return statistics.median(times), len(ctx)


def nav_pages(client) -> list[str]:
    """The addresses of the navigation bar's pages as the home page shows them to the client's person."""
    import re

    home = client.get("/").content.decode()
    return re.findall(r'<a class="nav-link[^"]*" href="([^"]+)"', home)


def _long_history_clue(like: int) -> int:
    """A copy-free long history: the benchmark's detail clue's twin (same unit, transferred) topped up to 50
    staged reports, 10 transfers and 200 timeline entries (tests/clues/history.py), once per database."""
    from taizhang.clues.models import Clue, Transfer
    from taizhang.org.models import User
    from tests.clues.history import REPORTS, lengthen

    clue = Clue.objects.get(pk=like)
    twin = (
        Clue.objects.filter(
            responsible_unit_id=clue.responsible_unit_id, transfers__isnull=False, is_umbrella=False
        )
        .exclude(pk=like)
        .order_by("pk")
        .first()
    )
    assert twin is not None
    if twin.stage_reports.count() < REPORTS:
        receiver = Transfer.objects.filter(clue=twin).first().receiver_unit
        lengthen(twin, User.objects.get(username="shb_staff"), receiver)
    return twin.pk


# The text filter's frequency range: characters in about this many clues per million (#25).
PER_MILLION = (1_000, 5_000, 20_000, 100_000, 200_000, 400_000)


def _text_terms() -> list[tuple[str, str]]:
    """The text filter's terms: the rarest Han character, Han pair and four Han characters in the summaries
    and subject names of the first 20,000 clues the office sees (not the 保护伞 ones; chosen from the data, so
    the same on every run on the same database), the most frequent character, a digit fragment of the
    numbers and a term in no clue; then a term of 1 or 2 characters of each frequency of PER_MILLION (the
    nearest in the sample)."""
    from collections import Counter

    from taizhang.clues.models import Clue

    rows = (
        Clue.objects.filter(is_umbrella=False).order_by("pk").values_list("pk", "summary", "subjects__name")
    )
    rows = list(rows[:20_000])
    texts = [f"{summary} {name or ''}" for _pk, summary, name in rows]
    sampled = len({pk for pk, _summary, _name in rows})
    han = re.compile(r"[\u4e00-\u9fff]+")
    grams: dict[int, Counter[str]] = {1: Counter(), 2: Counter(), 4: Counter()}
    for text in texts:
        runs = han.findall(text)
        for n, counter in grams.items():
            counter.update({run[i : i + n] for run in runs for i in range(len(run) - n + 1)})
    rarest = {n: min(counter, key=lambda g: (counter[g], g)) for n, counter in grams.items()}
    return [
        ("rare 1 char", rarest[1]),
        ("rare 2 chars", rarest[2]),
        ("rare 4 chars", rarest[4]),
        ("digits", "0123"),
        ("frequent 1 char", grams[1].most_common(1)[0][0]),
        ("in no clue", "不存在"),
        *((f"~{n // 1000}k per million", _near(grams, n * sampled / 1e6)) for n in PER_MILLION),
    ]


def _near(grams: dict[int, Any], count: float) -> str:
    """The 1- or 2-character term whose count in the sample is nearest `count`."""
    pairs = [(abs(counter[g] - count), n, g) for n in (1, 2) for counter in [grams[n]] for g in counter]
    return min(pairs)[2]


def _whole_months() -> str:
    """received_from/received_to of the twelve whole months before this one."""
    import datetime as dt

    this_month = dt.date.today().replace(day=1)
    start = (this_month - dt.timedelta(days=365)).replace(day=1)
    return f"received_from={start:%Y-%m-%d}&received_to={this_month - dt.timedelta(days=1):%Y-%m-%d}"


def text_filter_pages(terms: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """The list and its counts (the htmx fragment) under each text term, for the office, a member unit and a
    discipline-commission handler (whose rule the office's covering indexes do not serve)."""
    pages = []
    for label, term in terms:
        q = quote(term)
        for who in ("office", "unit", "discipline"):
            pages.append((who, f"list, q {label} ({term})", f"/clues/?q={q}&per={{per}}"))
            pages.append(
                (who, f"status counts, q {label} ({term})", f"/clues/?fragment=counts&q={q}&per={{per}}")
            )
    return pages


def print_text_counts(terms: list[tuple[str, str]]) -> None:
    """How many clues each term finds, per status, as the office sees them (what the counts above show)."""
    from taizhang.clues.visibility.answers import visible_status_counts
    from taizhang.org.models import User

    office = User.objects.get(username="shb_staff")
    print("\ntext filter matches (office's counts per status):")
    for label, term in terms:
        counts = visible_status_counts(office, {"q": term})
        print(f"  {label:16} {term:6} {sum(counts.values()):>9,}  {dict(sorted(counts.items()))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clues", type=int, default=1_000_000, help="top the database up to this many clues")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--no-migrate", action="store_true")
    parser.add_argument(
        "--text-only",
        action="store_true",
        help="only the text filter's pages and counts (to re-time them on a database already built)",
    )
    parser.add_argument(
        "--terms", help="with --text-only: these comma-separated terms instead of the chosen ones"
    )
    parser.add_argument(
        "--sqlite",
        action="store_true",
        help="the embedded default: a SQLite file, 10,000 clues unless --clues",
    )
    args = parser.parse_args()
    if args.sqlite:
        if "--clues" not in sys.argv:
            args.clues = 10_000
        (ROOT / "var").mkdir(exist_ok=True)
        os.environ.setdefault("TAIZHANG_DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-ledger.sqlite3'}")
    setup_django()

    if not args.no_migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from taizhang.clues import exports
    from taizhang.clues.filters import filter_clues, parse
    from taizhang.clues.models import Clue
    from taizhang.org.models import User

    sqlite = connection.vendor == "sqlite"
    if connection.vendor != "postgresql" and not sqlite:
        raise SystemExit("bench/ledger.py needs PostgreSQL or SQLite (--sqlite)")
    have = Clue.objects.count()
    if have < args.clues:
        started = time.perf_counter()
        generate(args.clues - have, seed=have + 1)
        print(f"generated {args.clues - have} clues in {time.perf_counter() - started:.0f} s")
    # A bulk-loaded table has not been vacuumed yet (autovacuum would, soon): the ledger's index-only scans
    # need the visibility map that VACUUM sets.
    with connection.cursor() as cursor:
        for table in (
            ()
            if sqlite
            else (
                "clues_clue",
                "clues_assignment",
                "clues_transfer",
                "clues_recusal",
                "clues_handledclue",
            )
        ):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    total = Clue.objects.count()
    print(
        f"clues in the database: {total:,}; load average {os.getloadavg()[0]:.2f} "
        f"at {time.strftime('%H:%M', time.gmtime())} UTC"
    )

    clients = {}
    for who in ("shb_staff", "jt_liaison", "jw_handler"):
        client = Client()
        client.force_login(User.objects.get(username=who))
        clients[who] = client
    unit_id = User.objects.get(username="jt_liaison").unit_id
    detail_clue = (
        Clue.objects.filter(responsible_unit_id=unit_id, transfers__isnull=False, is_umbrella=False)
        .values_list("pk", flat=True)
        .first()
    )
    long_clue = 0 if args.text_only else _long_history_clue(detail_clue)
    pages = [
        ("office", "list, first page", "/clues/?per={per}"),
        (
            "office",
            "list, deep page (category+channel, sort deadline)",
            "/clues/?category=evil&channel=phone&sort=deadline_at&page=100&per={per}",
        ),
        (
            "office",
            "list, deep page (status tab+category, sort received)",
            "/clues/?status=concluded&category=evil&sort=received_at&page=100&per={per}",
        ),
        ("unit", "list, first page", "/clues/?per={per}"),
        (
            "unit",
            "list, deep page (status+category, sort received)",
            "/clues/?status=concluded&category=evil&sort=received_at&page=20&per={per}",
        ),
        (
            "unit",
            "list, deep page (category+channel, sort deadline)",
            "/clues/?category=evil&channel=phone&sort=deadline_at&page=20&per={per}",
        ),
        ("office", "status counts (htmx fragment)", "/clues/?fragment=counts&per={per}"),
        ("unit", "status counts (htmx fragment)", "/clues/?fragment=counts&per={per}"),
        ("office", "status counts, category filter", "/clues/?fragment=counts&category=evil&per={per}"),
        ("unit", "status counts, category filter", "/clues/?fragment=counts&category=evil&per={per}"),
        # Filters the tally crosses with status (docs/clues.md), then one it does not keep (counted live).
        ("office", "status counts, channel filter", "/clues/?fragment=counts&channel=phone&per={per}"),
        (
            "office",
            "status counts, category + whole received months",
            f"/clues/?fragment=counts&category=evil&{_whole_months()}&per={{per}}",
        ),
        (
            "office",
            "status counts, category+channel (live)",
            "/clues/?fragment=counts&category=evil&channel=phone&per={per}",
        ),
        # The text filter `q` (substring of number, summary, source, subject names): text_filter_pages.
        *text_filter_pages(_text_terms()),
        ("office", "detail", f"/clues/{detail_clue}/"),
        ("unit", "detail", f"/clues/{detail_clue}/"),
        ("office", "detail, long history (50 reports, 10 transfers, 200 entries)", f"/clues/{long_clue}/"),
        ("unit", "detail, long history (50 reports, 10 transfers, 200 entries)", f"/clues/{long_clue}/"),
        ("office", "detail's secondary part (htmx fragment)", f"/clues/{detail_clue}/?sections=1#htmx"),
        ("unit", "detail's secondary part (htmx fragment)", f"/clues/{detail_clue}/?sections=1#htmx"),
        ("office", "detail, long history, secondary part (htmx)", f"/clues/{long_clue}/?sections=1#htmx"),
        # The home page: every app's panel, the ledger's counts and the to-do list among them.
        ("office", "home page (all panels)", "/?per={per}"),
        ("unit", "home page (all panels)", "/?per={per}"),
    ]
    if args.text_only:
        terms = [("given", t) for t in args.terms.split(",")] if args.terms else _text_terms()
        pages = text_filter_pages(terms)
    who_of = {"office": "shb_staff", "unit": "jt_liaison", "discipline": "jw_handler"}
    print(f"\n{'as':10} {'page':61} {'median ms (per=50)':>18} {'queries per=20':>15} {'per=100':>8}")
    measured = []
    for who, label, url in pages:
        client = clients[who_of[who]]
        ms, _q = median_ms(client, url.format(per=50), args.runs)
        measured.append((who, label, ms))
        _ms20, q20 = median_ms(client, url.format(per=20), 1)
        _ms100, q100 = median_ms(client, url.format(per=100), 1)
        print(f"{who:10} {label:61} {ms:18.1f} {q20:15d} {q100:8d}")
    if sqlite:
        slow = [m for m in measured if m[2] >= SQLITE_GOAL_MS]
        print(f"\nSQLite: every page of the navigation bar (goal < {SQLITE_GOAL_MS} ms)")
        print(f"{'as':7} {'page':64} {'median ms':>18} {'queries':>15}")
        for who in ("office", "unit"):
            client = clients[who_of[who]]
            for url in [*nav_pages(client), "/search/?q=%E5%BC%BA%E6%8F%BD"]:  # and the search box: 强揽
                ms, queries = median_ms(client, url, args.runs)
                print(f"{who:7} {url:64} {ms:18.1f} {queries:15d}")
                if ms >= SQLITE_GOAL_MS:
                    slow.append((who, url, ms))
        print(f"\nload average after the pages: {os.getloadavg()[0]:.2f}")
        print("pages over the goal: " + (", ".join(f"{w} {u} {m:.0f} ms" for w, u, m in slow) or "none"))
        return

    if args.text_only:
        print_text_counts(terms)
        print(
            f"\nload average after the pages: {os.getloadavg()[0]:.2f} at {time.strftime('%H:%M', time.gmtime())} UTC"
        )
        return
    print_text_counts(_text_terms())
    qs = filter_clues(Clue.objects.visible_to(User.objects.get(username="shb_staff")), parse({}))[:10_000]
    timings = []
    for _ in range(3):
        out = io.BytesIO()
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            rows = exports.write_xlsx(qs, out)
            timings.append(time.perf_counter() - started)
    print(f"\nload average after the pages: {os.getloadavg()[0]:.2f}")
    print(
        f"\nexport .xlsx as office: {rows:,} rows, median {statistics.median(timings):.2f} s "
        f"({len(out.getvalue()) / 1e6:.1f} MB, {len(ctx)} queries)"
    )


if __name__ == "__main__":
    main()
