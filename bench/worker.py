"""Benchmark one `taizhang worker --once` pass on PostgreSQL, and two workers at once.

    PYTHONPATH=src python scripts/with_postgres.py -- python bench/worker.py [--clues 1000000] [--due 50000]
    TAIZHANG_DATABASE_URL=postgres://…/mydb PYTHONPATH=src python bench/worker.py --reuse   # an existing database

With --reuse the benchmark's own office and people are kept if they exist, and its clues (numbers "B-…") are
deleted and inserted again, so the due window is relative to now; other rows in the database are left alone.

Fills clues with bulk SQL (1,000,000 by default, of which `--due` are due: 40 % within the reminder window,
60 % overdue by 1–40 days), then:
  1. one worker process, timed, with its peak RSS (getrusage of the child);
  2. the supervision tables emptied, two worker processes started together; every email they send is logged
     by a tiny backend, and the figures show duplicates (must be 0) and totals.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")


class LoggingBackend:
    """An email backend that appends one line per message to $BENCH_MAIL_LOG (O_APPEND: safe across processes)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.path = os.environ["BENCH_MAIL_LOG"]

    def open(self) -> None:
        return None

    def close(self) -> None:
        return None

    def __enter__(self) -> LoggingBackend:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def send_messages(self, messages: list[Any]) -> int:
        lines = "".join(
            f"{pk}\n" for m in messages for pk in m.extra_headers["X-Taizhang-Notifications"].split(",")
        )
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, lines.encode())
        finally:
            os.close(fd)
        return len(messages)


UNITS = 40


def setup_org() -> dict[str, Any]:
    from taizhang.org.choices import RoleCode, UnitKind
    from taizhang.org.models import Role, Unit, User

    found = Unit.objects.filter(code="B-SHB").first()
    if found is not None:  # --reuse: a database this benchmark filled before
        units = list(
            Unit.objects.filter(code__startswith="B-U").order_by("code").values_list("pk", flat=True)
        )
        handlers = [User.objects.get(username=f"bh{i}").pk for i in range(UNITS)]
        return {"office": found.pk, "units": units, "handlers": handlers}
    office = Unit.objects.create(code="B-SHB", name="基准市扫黑办", kind=UnitKind.OFFICE)
    roles = {r.code: r for r in Role.objects.all()}
    leader = User.objects.create(username="b_office_leader", email="ol@example.invalid", unit=office)
    leader.roles.add(roles[RoleCode.OFFICE_LEADER])
    units, handlers = [], []
    for i in range(UNITS):
        unit = Unit.objects.create(
            code=f"B-U{i:03d}", name=f"基准成员单位{i}", kind=UnitKind.MEMBER, parent=office
        )
        units.append(unit.pk)
        for kind, code in (("l", RoleCode.LIAISON), ("h", RoleCode.HANDLER), ("u", RoleCode.UNIT_LEADER)):
            user = User.objects.create(username=f"b{kind}{i}", email=f"b{kind}{i}@example.invalid", unit=unit)
            user.roles.add(roles[code])
            if kind == "h":
                handlers.append(user.pk)
    return {"office": office.pk, "units": units, "handlers": handlers}


# The deadline of clue number i (the first `due` are due: 40 % within the reminder window, the rest overdue).
DEADLINE = """CASE
      WHEN i <= %(soon)s THEN now() + (i %% 48) * interval '1 hour'
      WHEN i <= %(due)s THEN now() - (1 + i %% 40) * interval '1 day'
      WHEN i %% 4 = 0 THEN now() + (10 + i %% 50) * interval '1 day'
      ELSE NULL END"""


def fill_clues(org: dict[str, Any], total: int, due: int) -> tuple[str, float]:
    """Insert `total` clues in one SQL statement; the first `due` rows are due for the worker.

    When the database already holds exactly `total` benchmark clues (with --reuse), only their deadlines are
    moved relative to now (and their status reset), which is much quicker than inserting them again.
    """
    from django.db import connection

    started = time.monotonic()
    params = {
        "office": org["office"],
        "due": due,
        "soon": int(due * 0.4),
        "total": total,
        "units": org["units"],
        "handlers": org["handlers"],
        "n": UNITS,
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM clues_clue WHERE office_id = %s", [org["office"]])
        (have,) = cursor.fetchone()
        if have == total:
            cursor.execute(
                f"""UPDATE clues_clue SET deadline_at = d.deadline, status = d.status, deadline_step = d.step,
                    concluded_at = d.concluded
                FROM (SELECT i, {DEADLINE} AS deadline,
                        CASE WHEN i <= %(due)s OR i %% 4 = 0 THEN 'verifying' ELSE 'concluded' END AS status,
                        CASE WHEN i <= %(due)s OR i %% 4 = 0 THEN 'verification' ELSE '' END AS step,
                        CASE WHEN i <= %(due)s OR i %% 4 = 0 THEN NULL ELSE now() - interval '5 days' END
                            AS concluded
                      FROM generate_series(1, %(total)s) AS i) AS d
                WHERE clues_clue.number = 'B-' || lpad(d.i::text, 9, '0')
                  AND clues_clue.office_id = %(office)s
                  AND (d.deadline IS NOT NULL OR clues_clue.deadline_at IS NOT NULL)""",  # noqa: S608 - constant
                params,
            )
            cursor.execute("ANALYZE clues_clue")
            return "moved", time.monotonic() - started
        if have:
            cursor.execute("DELETE FROM clues_clue WHERE office_id = %s", [org["office"]])
    sql = f"""
    INSERT INTO clues_clue (number, office_id, channel, source_ref, received_at, summary, facts, place,
        alleges_umbrella, is_umbrella, category, priority, status, referred_to, triage_note,
        responsible_unit_id, responsible_person_id, deadline_at, deadline_step, finding_result, concluded_at,
        reopen_count, import_key, created_at, updated_at, version)
    SELECT 'B-' || lpad(i::text, 9, '0'), %(office)s, 'letter', '', now() - interval '60 days',
        '基准线索 ' || i, '基准线索内容', '', false, false, 'evil', 'normal',
        CASE WHEN i <= %(due)s OR i %% 4 = 0 THEN 'verifying' ELSE 'concluded' END, '', '',
        (%(units)s::bigint[])[1 + i %% %(n)s], (%(handlers)s::bigint[])[1 + i %% %(n)s],
        {DEADLINE},
        CASE WHEN i <= %(due)s OR i %% 4 = 0 THEN 'verification' ELSE '' END, '',
        CASE WHEN i <= %(due)s OR i %% 4 = 0 THEN NULL ELSE now() - interval '5 days' END,
        0, '', now(), now(), 1
    FROM generate_series(1, %(total)s) AS i
    """  # noqa: S608 - constant
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        cursor.execute("ANALYZE clues_clue")
    return "inserted", time.monotonic() - started


def reset_supervision() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE supervision_dispatch, supervision_notification, supervision_urgingnotice RESTART IDENTITY"
        )


def run_workers(n: int, log: str) -> tuple[float, list[str]]:
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT / 'bench'}",
        "TAIZHANG_EMAIL_BACKEND": "worker.LoggingBackend",
        "BENCH_MAIL_LOG": log,
    }
    cmd = [sys.executable, "-m", "taizhang.cli", "worker", "--once"]
    started = time.monotonic()
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True) for _ in range(n)]
    outputs = [p.communicate()[0].strip() for p in procs]
    elapsed = time.monotonic() - started
    if any(p.returncode for p in procs):
        raise SystemExit(f"worker failed: {outputs}")
    return elapsed, outputs


def counts() -> dict[str, int]:
    from taizhang.supervision.models import Dispatch, Notification, UrgingNotice

    return {
        "dispatches": Dispatch.objects.count(),
        "notifications": Notification.objects.count(),
        "urging_notices": UrgingNotice.objects.count(),
        "emailed": Notification.objects.filter(email_state="sent").count(),
    }


def mail_figures(log: str) -> tuple[int, int]:
    lines = Path(log).read_text().splitlines() if Path(log).exists() else []
    return len(lines), len(lines) - len(set(lines))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clues", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=50_000)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the benchmark's office if the database has it"
    )
    args = parser.parse_args()
    if not os.environ.get("TAIZHANG_DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("run under scripts/with_postgres.py (PostgreSQL required)")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    sys.path.insert(0, str(ROOT))
    from bench.generate import setup_django

    setup_django()  # the worker processes it starts inherit its environment: DEBUG off
    from django.core.management import call_command

    from taizhang.org.models import Unit

    call_command("migrate", verbosity=0)
    if not args.reuse and Unit.objects.filter(code="B-SHB").exists():
        raise SystemExit("this database already holds the benchmark's office: pass --reuse")
    reset_supervision()
    org = setup_org()
    how, took = fill_clues(org, args.clues, args.due)
    print(f"clues: {args.clues:,} {how} in {took:.1f}s ({args.due:,} due)")
    tmp = tempfile.mkdtemp(prefix="bench-worker-")

    log1 = os.path.join(tmp, "mail-1.log")
    elapsed, outputs = run_workers(1, log1)
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    c = counts()
    sent, dup = mail_figures(log1)
    print(f"one worker --once: {elapsed:.1f}s (goal < 60 s), peak RSS {peak_kb / 1024:.0f} MiB")
    print(f"  {outputs[0]}")
    print(
        f"  {c['dispatches']:,} dispatches, {c['notifications']:,} notifications, "
        f"{c['urging_notices']:,} urging notices, {sent:,} emailed, {dup} emailed twice"
    )

    elapsed, outputs = run_workers(1, log1)
    print(f"second pass (nothing new): {elapsed:.1f}s; {outputs[0]}")

    reset_supervision()
    log2 = os.path.join(tmp, "mail-2.log")
    elapsed, outputs = run_workers(2, log2)
    c2 = counts()
    sent2, dup2 = mail_figures(log2)
    print(f"two workers at once: {elapsed:.1f}s")
    for out in outputs:
        print(f"  {out}")
    print(
        f"  {c2['dispatches']:,} dispatches, {c2['notifications']:,} notifications, "
        f"{c2['urging_notices']:,} urging notices, {sent2:,} emailed, {dup2} emailed twice"
    )
    same = (c2["notifications"], c2["urging_notices"], sent2) == (
        c["notifications"],
        c["urging_notices"],
        sent,
    )
    print(f"  same totals as one worker: {same}; duplicates: {dup2}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
