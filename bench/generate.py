"""Fill a PostgreSQL database with N realistic clues, fast (COPY), for the benchmarks (SQLite too, by
batched INSERTs: the embedded demo's scale, bench/ledger.py --sqlite).

    PYTHONPATH=src python scripts/with_postgres.py -- python bench/generate.py --clues 1000000

Importable: `from bench.generate import generate; generate(n, seed)` (Django must be set up and migrated).
Creates the demo organisation (江川市, its districts and member units, one account per role) when missing, then
clues with a realistic mix of statuses, offices, units, deadlines, subjects, assignments, findings, transfers,
recusals, reporters and attachment metadata. Rows bypass the actions on purpose (a million audited actions
would take hours); what they write is what the actions would have written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

BATCH = 20_000
# status: weight (a lived-in ledger of five years: most clues concluded)
STATUS_MIX = {
    "concluded": 55,
    "verifying": 14,
    "assigned": 5,
    "referred": 5,
    "under_review": 4,
    "transferred": 4,
    "accepted": 3,
    "registered": 2,
    "triaged": 2,
    "awaiting_signoff": 2,
    "returned": 2,
    "merged": 1,
}
ASSIGNED_STATES = {
    "assigned",
    "verifying",
    "awaiting_signoff",
    "under_review",
    "returned",
    "accepted",
    "transferred",
    "concluded",
}
FINDING_STATES = {"awaiting_signoff", "under_review", "returned", "accepted", "transferred", "concluded"}
CHANNELS = [
    "letter",
    "visit",
    "phone",
    "online",
    "platform_12337",
    "superior",
    "agency",
    "petition",
    "screening",
    "inspection",
    "portal",
    "other",
]
CHANNEL_WEIGHTS = [20, 6, 18, 10, 12, 4, 5, 8, 10, 3, 3, 1]
CATEGORIES = ["mafia", "evil", "disorder", "other"]
CATEGORY_WEIGHTS = [5, 55, 25, 15]
FINDINGS = ["substantiated", "partly", "unfounded", "unverifiable"]
FINDING_WEIGHTS = [30, 25, 35, 10]


def production_env() -> None:
    """The environment every benchmark runs Django in: production's, DEBUG off (with it on, Django keeps every
    query's SQL and the templates' debug data, so time and memory grow with the run), over plain HTTP (the test
    client's), with a fixed secret. Set before Django is set up; a variable already set wins."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
    os.environ.setdefault("TAIZHANG_DEBUG", "0")
    os.environ.setdefault("TAIZHANG_SSL_REDIRECT", "0")
    os.environ.setdefault("TAIZHANG_SECRET_KEY", "bench-" + "k" * 60)


def setup_django() -> None:
    production_env()
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [
        *settings.ALLOWED_HOSTS,
        "testserver",
    ]  # the test Client's host, whatever is set


def ensure_org(seed: int) -> None:
    """The demo organisation (units and one account per role), created once."""
    from django.db import transaction

    from taizhang.core.demo_context import DemoContext
    from taizhang.org import demo as org_demo
    from taizhang.org.models import Unit

    if Unit.objects.filter(code="CITY-SHB").exists():
        return
    with transaction.atomic():
        org_demo.populate(DemoContext(seed=seed))


class Pools:
    """Reference data and pre-made text, so the generator formats strings instead of thinking per row."""

    def __init__(self, rng: random.Random) -> None:
        from taizhang.clues.samples import PATTERNS, clue_text
        from taizhang.org.choices import UnitKind
        from taizhang.org.models import Sector, Unit, User

        units = list(Unit.objects.all())
        self.offices = [u for u in units if u.kind == UnitKind.OFFICE]
        self.city = next(u for u in self.offices if u.parent_id is None)
        self.members = [u for u in units if u.kind not in (UnitKind.OFFICE, UnitKind.DISCIPLINE)]
        self.discipline = [u for u in units if u.kind == UnitKind.DISCIPLINE]
        self.police = [u for u in units if u.kind == UnitKind.POLICE]
        self.office_of = {u.pk: (u if u.kind == UnitKind.OFFICE else u.office()) for u in units}
        self.members_under = {
            o.pk: [m for m in self.members if self.office_of[m.pk] and self.office_of[m.pk].pk == o.pk]
            for o in self.offices
        }
        people = list(User.objects.all())
        self.person_of = {}
        for user in people:
            self.person_of.setdefault(user.unit_id, user.pk)
        self.staff = next(u.pk for u in people if u.username == "shb_staff")
        self.sectors = {s.name: s.pk for s in Sector.objects.all()}
        self.texts = [clue_text(rng, rng.choice(PATTERNS[:8] + PATTERNS[9:])) for _ in range(3000)]
        self.umbrella_texts = [clue_text(rng, PATTERNS[8]) for _ in range(300)]


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _esc(value: Any) -> str:
    """One COPY text-format field (type dispatch in the order values are most common)."""
    kind = type(value)
    if kind is str:
        return value.translate(_COPY_ESCAPES)
    if value is None:
        return r"\N"
    if kind is bool:
        return "t" if value else "f"
    if kind is int:
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value).translate(_COPY_ESCAPES)


def _sqlite_value(value: Any) -> Any:
    """A value as Django's SQLite backend stores it (datetimes naive UTC text, dates ISO text)."""
    from django.db import connection

    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class Tables:
    """Per-batch COPY buffers for each table."""

    COLUMNS = {
        "clues_clue": (
            "id, version, number, office_id, channel, source_ref, received_at, summary, facts, sector_id, place, "
            "alleges_umbrella, is_umbrella, category, priority, status, referred_to, triage_note, "
            "responsible_unit_id, responsible_person_id, deadline_at, deadline_step, finding_result, concluded_at, "
            "reopen_count, merged_into_id, import_key, registered_by_id, created_at, updated_at"
        ),
        "clues_reportedsubject": (
            "clue_id, kind, name, position, unit_name, unit_id, is_official, id_fragment, phone_fragment"
        ),
        "clues_recusal": "clue_id, unit_id, reason",
        "clues_reporter": "clue_id, kind, sealed_identity, wants_feedback",
        "clues_assignment": (
            "id, clue_id, unit_id, person_id, due_at, instructions, reason, assigned_by_id, assigned_at, "
            "is_current, ended_at, ended_reason"
        ),
        "clues_finding": (
            "clue_id, assignment_id, result, basis, drafted_by_id, drafted_at, signed_by_id, signed_at, decision, "
            "review_note, reviewed_by_id, reviewed_at"
        ),
        "clues_transfer": (
            "clue_id, kind, receiver_unit_id, letter_number, evidence_list, note, sent_by_id, sent_at, "
            "answer_due_at, answer, answer_note, case_reference, answered_by_id, answered_at"
        ),
        "clues_attachment": (
            "clue_id, stage_report_id, transfer_id, original_name, content_type, size, sha256, storage_path, "
            "uploaded_by_id, uploaded_at, from_reporter"
        ),
    }

    def __init__(self, sqlite: bool = False) -> None:
        self.buffers = {name: io.StringIO() for name in self.COLUMNS}
        self.counts = dict.fromkeys(self.COLUMNS, 0)
        self.rows: dict[str, list[tuple]] | None = {name: [] for name in self.COLUMNS} if sqlite else None

    def add(self, table: str, *values: Any) -> None:
        if self.rows is not None:
            self.rows[table].append(tuple(_sqlite_value(v) for v in values))
        else:
            self.buffers[table].write("\t".join(_esc(v) for v in values) + "\n")
        self.counts[table] += 1

    def flush(self, cursor: Any) -> None:
        if self.rows is not None:
            for table, rows in self.rows.items():
                if rows:
                    marks = ", ".join("?" * len(rows[0]))
                    cursor.executemany(f"INSERT INTO {table} ({self.COLUMNS[table]}) VALUES ({marks})", rows)  # noqa: S608 - constants
                self.rows[table] = []
            return
        for table, buffer in self.buffers.items():
            data = buffer.getvalue()
            if data:
                with cursor.copy(f"COPY {table} ({self.COLUMNS[table]}) FROM STDIN") as copy:
                    copy.write(data)
            self.buffers[table] = io.StringIO()


def _clue_rows(
    i: int, clue_id: int, rng: random.Random, pools: Pools, now: dt.datetime, state: dict, t: Tables
) -> None:
    status = rng.choices(list(STATUS_MIX), list(STATUS_MIX.values()))[0]
    umbrella = rng.random() < 0.03
    text = rng.choice(pools.umbrella_texts if umbrella else pools.texts)
    office = pools.city if rng.random() < 0.55 else rng.choice(pools.offices)
    received = now - dt.timedelta(days=rng.uniform(0.5, 5 * 365) ** 1.0, minutes=rng.randint(0, 600))
    if status not in ("concluded", "referred", "merged"):
        received = now - dt.timedelta(days=rng.uniform(1, 200))
    year = received.year
    key = (office.pk, year)
    state["counters"][key] = seq = state["counters"].get(key, 0) + 1
    number = f"{year}-SH-{seq:06d}" if office.parent_id is None else f"{year}-SH-{office.code}-{seq:06d}"
    category = "umbrella" if umbrella else rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
    if status == "registered":
        category = ""
    unit = person = None
    assignment_id = None
    if status in ASSIGNED_STATES:
        if umbrella:
            unit = rng.choice(pools.discipline)
        else:
            unit = rng.choice(pools.members_under.get(office.pk) or pools.members)
        person = pools.person_of.get(unit.pk)
    finding = rng.choices(FINDINGS, FINDING_WEIGHTS)[0] if status in FINDING_STATES else ""
    if status in ("accepted", "transferred") or (status == "concluded" and rng.random() < 0.3):
        finding = rng.choice(["substantiated", "partly"])
    concluded = None
    if status in ("concluded", "referred"):
        concluded = min(now, received + dt.timedelta(days=rng.uniform(3, 120)))
    deadline = None
    if status not in ("concluded", "referred", "merged"):
        # open clues: most due in the coming weeks, some already late
        deadline = now + dt.timedelta(days=rng.uniform(-15, 45))
    sector = pools.sectors.get(text.pattern.sector)
    accepted_finding = finding if status in ("accepted", "transferred", "concluded") else ""
    t.add(
        "clues_clue",
        clue_id,
        rng.randint(1, 9),
        number,
        office.pk,
        rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0],
        "",
        received,
        text.summary,
        text.facts,
        sector,
        text.place,
        umbrella,
        umbrella,
        category,
        "high" if umbrella else rng.choice(["normal", "normal", "normal", "high", "urgent"]),
        status,
        "市信访局" if status == "referred" else "",
        "",
        unit.pk if unit else None,
        person,
        deadline,
        "verification" if deadline else "",
        accepted_finding,
        concluded,
        0,
        state["last_id"] if status == "merged" and state.get("last_id") else None,
        "",
        pools.staff,
        received,
        concluded or received,
    )
    state["last_id"] = clue_id
    t.add("clues_reportedsubject", clue_id, "person", text.subject, "", "", None, False, "", "")
    if umbrella:
        t.add(
            "clues_reportedsubject",
            clue_id,
            "person",
            text.official,
            text.official_post,
            text.official_unit,
            None,
            True,
            "",
            "",
        )
    elif rng.random() < 0.25:
        t.add("clues_reportedsubject", clue_id, "organisation", text.company, "", "", None, False, "", "")
    if rng.random() < 0.02:
        named = rng.choice(pools.members)
        if unit is None or named.pk != unit.pk:
            t.add("clues_recusal", clue_id, named.pk, "被举报对象所在单位")
    real = rng.random() < 0.3
    t.add(
        "clues_reporter",
        clue_id,
        "real_name" if real else "anonymous",
        hashlib.sha256(str(clue_id).encode()).hexdigest() if real else "",
        real,
    )
    if unit is not None:
        state["assignment_id"] += 1
        assignment_id = state["assignment_id"]
        assigned_at = received + dt.timedelta(days=rng.uniform(1, 3))
        t.add(
            "clues_assignment",
            assignment_id,
            clue_id,
            unit.pk,
            person,
            assigned_at + dt.timedelta(days=30),
            "请认真核查，按期回告。",
            "",
            pools.staff,
            assigned_at,
            status != "concluded",
            concluded if status == "concluded" else None,
            "",
        )
    if finding and assignment_id:
        at = received + dt.timedelta(days=rng.uniform(10, 30))
        decision = (
            "accepted"
            if status in ("accepted", "transferred", "concluded")
            else ("returned" if status == "returned" else "pending")
        )
        signed = status != "awaiting_signoff"
        t.add(
            "clues_finding",
            clue_id,
            assignment_id,
            finding,
            text.finding,
            person or pools.staff,
            at,
            person if signed else None,
            at if signed else None,
            decision,
            "",
            pools.staff if decision != "pending" else None,
            at if decision != "pending" else None,
        )
    if status == "transferred" or (
        status == "concluded" and finding in ("substantiated", "partly") and rng.random() < 0.5
    ):
        receiver = rng.choice(pools.discipline if umbrella else pools.police)
        sent = received + dt.timedelta(days=rng.uniform(30, 40))
        answered = status == "concluded" or rng.random() < 0.5
        t.add(
            "clues_transfer",
            clue_id,
            "discipline" if umbrella else "police",
            receiver.pk,
            f"江扫黑移〔{sent.year}〕{clue_id}号",
            "核查报告\n询问笔录",
            "",
            pools.staff,
            sent,
            sent + dt.timedelta(days=1),
            "filed" if answered else "pending",
            "",
            f"江公刑立字〔{sent.year}〕{clue_id % 997}号" if answered else "",
            pools.person_of.get(receiver.pk) if answered else None,
            sent + dt.timedelta(days=1) if answered else None,
        )
    if rng.random() < 0.3:
        sha = hashlib.sha256(f"att{clue_id}".encode()).hexdigest()
        t.add(
            "clues_attachment",
            clue_id,
            None,
            None,
            "举报材料.pdf",
            "application/pdf",
            rng.randint(20_000, 3_000_000),
            sha,
            f"{sha[:2]}/{sha[2:4]}/{sha}",
            pools.staff,
            received,
            False,
        )


def recount_trigger_tables() -> None:
    """Recount what PostgreSQL triggers keep (the reports tally, the units each clue was given to) after a
    load that switched the triggers off."""
    try:
        from taizhang.clues.visibility import tally
    except ImportError:
        pass
    else:
        tally.rebuild()
    from taizhang.clues.visibility import handled

    handled.rebuild()


def generate(n: int = 1_000_000, seed: int = 20261122, *, progress: bool = True) -> int:
    """Add `n` clues (and their related rows) to the current PostgreSQL database; returns the clue count."""
    from django.db import connection
    from tqdm import tqdm

    from taizhang.clues.models import Clue, ClueCounter

    if connection.vendor == "sqlite":
        return _generate_sqlite(n, seed)
    if connection.vendor != "postgresql":
        raise SystemExit(
            "bench/generate.py needs PostgreSQL (TAIZHANG_DATABASE_URL=postgres://...) or SQLite"
        )
    rng, pools, now, start_id, state = _start(seed)
    bar = tqdm(total=n, unit="clue", disable=not progress, desc="clues")
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # the psycopg cursor, for COPY
        # Bulk load: secondary indexes are rebuilt once at the end, and foreign-key triggers are skipped
        # (the generator only writes ids it read from the database). Needs a superuser, as in the bench cluster.
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint)",
            [list(Tables.COLUMNS)],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET session_replication_role = replica")
        done = 0
        while done < n:
            size = min(BATCH, n - done)
            tables = Tables()
            for k in range(size):
                _clue_rows(done + k, start_id + done + k, rng, pools, now, state, tables)
            tables.flush(cursor)
            done += size
            bar.update(size)
        bar.close()
        cursor.execute("SET session_replication_role = DEFAULT")
        for _name, definition in tqdm(indexes, desc="indexes", disable=not progress):
            cursor.execute(definition)
        for table, seq_col in (("clues_clue", "id"), ("clues_assignment", "id")):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{seq_col}'), (SELECT max({seq_col}) FROM {table}))"  # noqa: S608 - constants
            )
    recount_trigger_tables()
    for (office_id, year), last in state["counters"].items():
        ClueCounter.objects.update_or_create(office_id=office_id, year=year, defaults={"last": last})
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Clue.objects.count()


def _start(seed: int) -> tuple[random.Random, Pools, Any, int, dict[str, Any]]:
    """What both paths start from: the organisation, the random source, the next clue id and the counters."""
    from django.utils import timezone

    from taizhang.clues.models import Assignment, Clue, ClueCounter

    ensure_org(seed)
    rng = random.Random(seed)
    state: dict[str, Any] = {
        "counters": {(c.office_id, c.year): c.last for c in ClueCounter.objects.all()},
        "assignment_id": Assignment.objects.order_by("-id").values_list("id", flat=True).first() or 0,
    }
    start_id = (Clue.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    return rng, Pools(rng), timezone.now(), start_id, state


def _generate_sqlite(n: int, seed: int) -> int:
    """The SQLite path: the same rows, inserted in batches inside one transaction per batch."""
    from django.db import connection, transaction

    from taizhang.clues.models import Clue, ClueCounter

    rng, pools, now, start_id, state = _start(seed)
    done = 0
    while done < n:
        size = min(BATCH, n - done)
        tables = Tables(sqlite=True)
        for k in range(size):
            _clue_rows(done + k, start_id + done + k, rng, pools, now, state, tables)
        with transaction.atomic(), connection.cursor() as cursor:
            tables.flush(cursor)
        done += size
    for (office_id, year), last in state["counters"].items():
        ClueCounter.objects.update_or_create(office_id=office_id, year=year, defaults={"last": last})
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Clue.objects.count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clues", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--no-migrate", action="store_true")
    args = parser.parse_args()
    setup_django()
    if not args.no_migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    started = time.perf_counter()
    total = generate(args.clues, args.seed)
    print(
        f"generated {args.clues} clues in {time.perf_counter() - started:.1f} s; database now holds {total}"
    )


if __name__ == "__main__":
    main()
