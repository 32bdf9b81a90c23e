"""The exchange between levels: N clues handed down and N feedback updates sent up between two instances.

    PYTHONPATH=src python scripts/with_postgres.py -- python bench/exchange.py [--count 100000] [--small N]

Two instances on this machine, each its own `taizhang` process, var folder and database (under
with_postgres.py: two databases of the throwaway cluster; SQLite files without it). The upper instance is
filled in bulk (clues assigned to the lower instance's unit, written with bulk_create: filling is not what is
measured). Then, each as in production and timed with its peak resident memory (getrusage in the child):
`exchange export` at the upper (the hand-down package), `exchange import` at the lower (the clues registered
under the registration's rules by the bulk path: numbered, subjects, recusals, reporter sealed, audited); at the lower one
audit step per received clue (what a first report writes, filled with audit.record), `exchange export` (the
feedback package) and `exchange import` at the upper (each update on the clue's timeline, the clue moved as a
local unit's first report moves it). The same with --small to compare peak memory. Goal: ≥ 500 updates/s
applied, memory flat.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from ferry import CHILD, _reset_postgres  # noqa: E402  (the ferry bench's child runner and reset)

UPPER_FILL = """
import datetime as dt, time
from django.db import transaction
from django.utils import timezone
from taizhang.clues.models import Assignment, Clue, ReportedSubject, Reporter
from taizhang.org.choices import RoleCode, UnitKind
from taizhang.org.models import Role, Unit, User
office = Unit.objects.create(code="CITY", name="市扫黑办", kind=UnitKind.OFFICE)
child = Unit.objects.create(code="XIAN-EXT", name="县扫黑办", kind=UnitKind.OFFICE, parent=office)
staff = User.objects.create(username="staff", display_name="办公室人员", unit=office)
staff.roles.set(Role.objects.filter(code=RoleCode.OFFICE_STAFF))
now = timezone.now()
started = time.monotonic()
for start in range(0, PARAMS["count"], 2000):
    n = range(start, min(start + 2000, PARAMS["count"]))
    with transaction.atomic():
        clues = Clue.objects.bulk_create([Clue(
            number=f"2026-SH-{i:07d}", office=office, channel="platform_12337", received_at=now,
            summary=f"砂石市场被垄断 第{i}件", facts="某团伙强迫运输车辆从其砂石场进货。" * 3, status="assigned",
            category="evil", responsible_unit=child, deadline_at=now + dt.timedelta(days=5),
            deadline_step="first_report") for i in n])
        ReportedSubject.objects.bulk_create([ReportedSubject(clue=c, kind="person", name="钱某") for c in clues])
        Reporter.objects.bulk_create([Reporter(clue=c, kind="anonymous") for c in clues])
        Assignment.objects.bulk_create([Assignment(clue=c, unit=child, due_at=now + dt.timedelta(days=30),
            assigned_by=staff, assigned_at=now) for c in clues])
print(json.dumps({"seconds": time.monotonic() - started}))
"""

LOWER_WORLD = """
from taizhang.org.choices import UnitKind
from taizhang.org.models import Unit
Unit.objects.create(code="XIAN", name="县扫黑办", kind=UnitKind.OFFICE)
Unit.objects.create(code="CITY-UP", name="市扫黑办", kind=UnitKind.OFFICE)
print(json.dumps({}))
"""

# One step per received clue, as a unit's first report writes it (the feedback export reads the audit log).
LOWER_STEPS = """
import time
from django.db import transaction
from taizhang.core import audit
from taizhang.core.actors import SystemActor
from taizhang.exchange.models import Received
bench = SystemActor.acting_for("基准测试")
started = time.monotonic()
ids = list(Received.objects.values_list("clue_id", flat=True))
for start in range(0, len(ids), 2000):
    with transaction.atomic():
        for cid in ids[start:start + 2000]:
            audit.record("clue.report_first", actor=bench, object_type="clues.clue", object_id=cid,
                         object_repr=str(cid), after={"status": "verifying", "body": "已成立专班核查"})
print(json.dumps({"seconds": time.monotonic() - started, "steps": len(ids)}))
"""


def _env(name: str, var: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TAIZHANG_", "DJANGO_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "taizhang.settings",
            # The production shape: with DEBUG on, Django keeps the SQL of the last 9,000 queries, and a
            # package's bulk inserts made the peak memory grow with the package.
            "TAIZHANG_DEBUG": "0",
            "TAIZHANG_VAR_DIR": str(var),
            "TAIZHANG_SECRET_KEY": f"{name}-bench-secret-key-0123456789-abcdefghijklmnop",
        }
    )
    if database_url:
        env["TAIZHANG_DATABASE_URL"] = database_url
    return env


def _run(env: dict[str, str], *args: str) -> tuple[float, int, str]:
    """(seconds, peak KiB, stdout) of one `taizhang` command in its own process."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *args], env=env, capture_output=True, text=True, check=False
    )
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"taizhang {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    lines = done.stdout.strip().splitlines()
    peak = int(lines[-1].split()[-1]) if lines and lines[-1].startswith("@@peak") else 0
    return seconds, peak, "\n".join(lines[:-1])


def _py(env: dict[str, str], script: str, **params: object) -> dict:
    code = f"import json\nPARAMS = json.loads({json.dumps(json.dumps(params))})\n{script}"
    _s, _p, out = _run(env, "shell", "-c", code)
    return json.loads(out.strip().splitlines()[-1])


def _second_database(url: str) -> str:
    """A second empty database in the same throwaway cluster (for the lower instance)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS bench_lower")
        conn.execute("CREATE DATABASE bench_lower")
    return url.rsplit("/", 1)[0] + "/bench_lower"


def round_trip(root: Path, count: int, upper_db: str, lower_db: str) -> dict[str, float]:
    upper, lower = _env("upper", root / "upper", upper_db), _env("lower", root / "lower", lower_db)
    for env, name in ((upper, "upper"), (lower, "lower")):
        Path(env["TAIZHANG_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
        _run(env, "migrate", "--no-input", "-v", "0")
        _run(env, "exchange", "keys", "init", "--instance-id", name)
        _run(env, "exchange", "keys", "public", str(root / f"{name}.pub"))
    fill = _py(upper, UPPER_FILL, count=count)["seconds"]
    _py(lower, LOWER_WORLD)
    _run(upper, "exchange", "partner", "add", "XIAN-EXT", "child", str(root / "lower.pub"))
    _run(lower, "exchange", "partner", "add", "CITY-UP", "parent", str(root / "upper.pub"))
    down_s, down_kib, _ = _run(upper, "exchange", "export", "--out", str(root / "down"))
    (down,) = sorted((root / "down").glob("*.pkg"))
    apply_down_s, apply_down_kib, _ = _run(lower, "exchange", "import", str(down))
    steps = _py(lower, LOWER_STEPS)
    up_s, up_kib, _ = _run(lower, "exchange", "export", "--out", str(root / "up"))
    (up,) = sorted((root / "up").glob("*.pkg"))
    apply_up_s, apply_up_kib, out = _run(upper, "exchange", "import", str(up))
    updates = int(out.split("'updates': ")[1].split(",")[0])
    return {
        "count": count,
        "fill_s": fill,
        "down_mb": down.stat().st_size / 1e6,
        "down_s": down_s,
        "down_mib": down_kib / 1024,
        "apply_down_s": apply_down_s,
        "apply_down_mib": apply_down_kib / 1024,
        "steps_s": steps["seconds"],
        "up_mb": up.stat().st_size / 1e6,
        "up_s": up_s,
        "up_mib": up_kib / 1024,
        "updates": updates,
        "apply_up_s": apply_up_s,
        "apply_up_mib": apply_up_kib / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=0, help="a smaller run for the memory comparison")
    args = parser.parse_args()
    url = os.environ.get("TAIZHANG_DATABASE_URL", "")
    on_pg = url.startswith("postgres")
    small = args.small or max(1, args.count // 5)
    print(f"databases: {'PostgreSQL (two in one cluster)' if on_pg else 'SQLite'}; load {os.getloadavg()}")
    print("(process wall time includes Django's start-up, about a second per command)")
    results = []
    for count in (small, args.count):
        with tempfile.TemporaryDirectory(prefix="bench-exchange-") as tmp:
            if on_pg:
                _reset_postgres(url)
            lower = _second_database(url) if on_pg else ""
            results.append(round_trip(Path(tmp), count, url, lower))
    for r in results:
        print(
            f"{r['count']:>7} clues | down: export {r['down_s']:.1f} s ({r['down_mb']:.1f} MB, peak "
            f"{r['down_mib']:.0f} MiB), import {r['apply_down_s']:.1f} s = {r['count'] / r['apply_down_s']:.0f} "
            f"clues/s (peak {r['apply_down_mib']:.0f} MiB) | up: export {r['up_s']:.1f} s ({r['up_mb']:.1f} MB, "
            f"peak {r['up_mib']:.0f} MiB), import {r['apply_up_s']:.1f} s = "
            f"{r['updates'] / r['apply_up_s']:.0f} updates/s (peak {r['apply_up_mib']:.0f} MiB)"
        )
    big, little = results[-1], results[0]
    print(
        f"updates applied at {big['count']}: {big['updates'] / big['apply_up_s']:.0f}/s (goal ≥ 500/s); peak "
        f"memory import down {little['apply_down_mib']:.0f} → {big['apply_down_mib']:.0f} MiB, import up "
        f"{little['apply_up_mib']:.0f} → {big['apply_up_mib']:.0f} MiB for {big['count'] / little['count']:.0f}×"
    )
    print(f"load after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
