"""The ferry: N portal submissions with attachments exported on the portal site and imported on the ledger site.

    PYTHONPATH=src python scripts/with_postgres.py -- python bench/ferry.py [--count 10000] [--small 2000]
        [--profile /tmp/import.prof]   (cProfile of the larger import; prints its top costs)

Two sites on this machine, each its own `taizhang` process: the portal on SQLite in its own var folder, the
ledger on TAIZHANG_DATABASE_URL (PostgreSQL under with_postgres.py; SQLite in its own folder without it).
The portal is filled through gate.actions.do_submit_sealed (every report sealed to the ledger's key and to the
reporter's, one attachment each) with the passphrase derivation replaced by a cheap one in the filling
process only: the argon2id cost belongs to a citizen's submission and is what bench/portal.py measures, not
the ferry. Then `taizhang ferry export` and `taizhang ferry import` run as they would in production, each
timed with its peak resident memory and its CPU time (getrusage in the child: on a loaded machine the CPU
seconds compare runs better than the wall time). The import's line also gives the CPU the PostgreSQL
cluster spent meanwhile (its processes' counters in /proc, when this machine runs it). The same is done
with --small submissions, so the two peaks show whether memory stays flat as the package grows. Goal: import ≥ 200 submissions per second
on PostgreSQL, memory flat. The reverse package (one status per report) is timed too.
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TAIZHANG = str(Path(sys.executable).parent / "taizhang")

# Runs one `taizhang` command inside this interpreter and prints its peak memory (KiB) last.
CHILD = """
import cProfile, os, resource, sys, json
from taizhang.cli import main
sys.argv = ["taizhang", *sys.argv[1:]]
try:
    if os.environ.get("BENCH_FERRY_PROFILE"):
        cProfile.run("main()", os.environ["BENCH_FERRY_PROFILE"])
    else:
        main()
finally:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"@@peak {usage.ru_utime + usage.ru_stime:.3f} {usage.ru_maxrss}", flush=True)
"""

FILL = """
import secrets, time
from taizhang.gate import sealing
from taizhang.gate.actions import do_submit_sealed
from taizhang.portal.uploads import CleanFile
sealing.derive_key = lambda passphrase, salt, profile: (salt * 2)[:32]
blob = bytes(range(256)) * (PARAMS["file_bytes"] // 256)
payload = {"facts": "某团伙在码头一带强收保护费，不交者遭殴打，车辆被砸。" * 5,
           "subjects": [{"name": "赵某某", "kind": "person", "position": "外号赵老大"}],
           "reporter": {"kind": "real_name", "identity": {"name": "李明", "phone": "13800000000"}}}
started = time.monotonic()
for n in range(PARAMS["count"]):
    do_submit_sealed({**payload, "summary": f"码头收保护费 第{n}件"}, chosen_passphrase="", challenge_nonce=secrets.token_hex(8),
                     attachments=[CleanFile(name=f"照片{n}.jpg", content_type="image/jpeg", data=blob + n.to_bytes(4, "big"))])
print(json.dumps({"seconds": time.monotonic() - started}))
"""

WORLD = """
from taizhang.org.choices import UnitKind
from taizhang.org.models import Role, Unit
Unit.objects.get_or_create(code="CITY", defaults={"name": "市扫黑办", "kind": UnitKind.OFFICE})
print(json.dumps({}))
"""


def _env(role: str, var: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TAIZHANG_", "DJANGO_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "taizhang.settings",
            # The production shape: with DEBUG on, Django keeps the SQL of the last 9,000 queries, and a
            # package's bulk inserts made the peak memory grow with the package.
            "TAIZHANG_DEBUG": "0",
            "TAIZHANG_SITE": role,
            "TAIZHANG_VAR_DIR": str(var),
            "TAIZHANG_SECRET_KEY": f"{role}-bench-secret-key-0123456789-abcdefghijklmnop",
        }
    )
    if database_url:
        env["TAIZHANG_DATABASE_URL"] = database_url
    return env


_CPU: list[float] = []  # CPU seconds (user + system) of each command's process, last one last


def _run(env: dict[str, str], *args: str) -> tuple[float, int, str]:
    """(seconds, peak KiB, stdout) of one `taizhang` command in its own process (its CPU time into _CPU)."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *args], env=env, capture_output=True, text=True, check=False
    )
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"taizhang {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    lines = done.stdout.strip().splitlines()
    peak = int(lines[-1].split()[-1]) if lines and lines[-1].startswith("@@peak") else 0
    _CPU.append(float(lines[-1].split()[1]) if lines and lines[-1].startswith("@@peak") else 0.0)
    return seconds, peak, "\n".join(lines[:-1])


def _py(env: dict[str, str], script: str, **params: object) -> dict:
    code = f"import json\nPARAMS = json.loads({json.dumps(json.dumps(params))})\n{script}"
    _s, _p, out = _run(env, "shell", "-c", code)
    return json.loads(out.strip().splitlines()[-1])


def round_trip(
    root: Path, count: int, file_bytes: int, ledger_db: str, profile: str = ""
) -> dict[str, float]:
    """Fill, export, import and answer back once; the figures of each step."""
    portal = _env("portal", root / "portal", "")
    ledger = _env("ledger", root / "ledger", ledger_db)
    for env, role in ((portal, "portal"), (ledger, "ledger")):
        Path(env["TAIZHANG_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
        _run(env, "migrate", "--no-input", "-v", "0")
        _run(env, "ferry", "keys", "init", "--site-id", role)
        _run(env, "ferry", "keys", "public", str(root / f"{role}.pub"))
    _run(portal, "ferry", "keys", "trust", str(root / "ledger.pub"))
    _run(ledger, "ferry", "keys", "trust", str(root / "portal.pub"))
    _py(ledger, WORLD)
    filled = _py(portal, FILL, count=count, file_bytes=file_bytes)["seconds"]
    drop = root / "drop"
    export_s, export_kib, _ = _run(portal, "ferry", "export", "--out", str(drop))
    (package,) = sorted(drop.glob("*.pkg"))
    profiled = {**ledger, "BENCH_FERRY_PROFILE": profile} if profile else ledger
    server_before = _server_cpu(ledger_db)
    import_s, import_kib, _ = _run(profiled, "ferry", "import", str(package))
    import_cpu = _CPU[-1]
    server_cpu = _server_cpu(ledger_db) - server_before
    if profile:
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)
    back_s, back_kib, _ = _run(ledger, "ferry", "export", "--out", str(root / "back"))
    (answer,) = sorted((root / "back").glob("*.pkg"))
    apply_s, apply_kib, _ = _run(portal, "ferry", "import", str(answer))
    return {
        "count": count,
        "package_mb": package.stat().st_size / 1e6,
        "fill_s": filled,
        "export_s": export_s,
        "export_mib": export_kib / 1024,
        "import_s": import_s,
        "import_mib": import_kib / 1024,
        "import_per_s": count / import_s,
        "import_cpu_s": import_cpu,
        "server_cpu_s": server_cpu,
        "reverse_export_s": back_s,
        "reverse_export_mib": back_kib / 1024,
        "reverse_apply_s": apply_s,
        "reverse_apply_mib": apply_kib / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument(
        "--small", type=int, default=0, help="a smaller run for the memory comparison (count/5)"
    )
    parser.add_argument("--file-bytes", type=int, default=64 * 1024, help="attachment size (default 64 KiB)")
    parser.add_argument(
        "--profile",
        default="",
        help="write a cProfile of the larger import to this file and print its top costs",
    )
    args = parser.parse_args()
    ledger_db = os.environ.get("TAIZHANG_DATABASE_URL", "")
    small = args.small or max(1, args.count // 5)
    print(
        f"ledger database: {'PostgreSQL' if ledger_db.startswith('postgres') else 'SQLite'}; portal: SQLite"
    )
    print("(process wall time includes Django's start-up, about a second per command)")
    results = []
    for count in (small, args.count):
        with tempfile.TemporaryDirectory(prefix="bench-ferry-") as tmp:
            if ledger_db.startswith("postgres"):
                _reset_postgres(ledger_db)
            profile = args.profile if args.profile and count == args.count else ""
            results.append(round_trip(Path(tmp), count, args.file_bytes, ledger_db, profile))
    for r in results:
        print(
            f"{r['count']:>6} submissions, package {r['package_mb']:.1f} MB | export {r['export_s']:.1f} s, "
            f"peak {r['export_mib']:.0f} MiB | import {r['import_s']:.1f} s = {r['import_per_s']:.0f}/s "
            f"(CPU of the process {r['import_cpu_s']:.1f} s, of the database server {r['server_cpu_s']:.1f} s), "
            f"peak {r['import_mib']:.0f} MiB | reverse export {r['reverse_export_s']:.1f} s "
            f"({r['reverse_export_mib']:.0f} MiB), apply {r['reverse_apply_s']:.1f} s ({r['reverse_apply_mib']:.0f} MiB)"
        )
    big, little = results[-1], results[0]
    print(
        f"import rate at {big['count']}: {big['import_per_s']:.0f}/s (goal ≥ 200/s); peak memory import "
        f"{little['import_mib']:.0f} → {big['import_mib']:.0f} MiB, export {little['export_mib']:.0f} → "
        f"{big['export_mib']:.0f} MiB for {big['count'] / little['count']:.0f}× the package"
    )


def _server_cpu(url: str) -> float:
    """CPU seconds the PostgreSQL cluster has used so far: its postmaster, the children it reaped (each
    connection's backend) and those still running (autovacuum, checkpointer, …); 0 when it cannot be read
    (SQLite, another machine, no permission to read the data directory)."""
    if not url.startswith("postgres"):
        return 0.0
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute("SELECT setting FROM pg_settings WHERE name = 'data_directory'").fetchone()
    try:
        postmaster = int((Path(row[0]) / "postmaster.pid").read_text().split()[0]) if row else 0
        procs = Path("/proc")
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for stat in procs.glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # gone meanwhile
            pid, ppid = int(stat.parent.name), int(fields[1])
            if pid == postmaster:
                total += sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
            elif ppid == postmaster:
                total += int(fields[11]) + int(fields[12])
    except (OSError, ValueError):
        return 0.0
    return total / ticks


def _reset_postgres(url: str) -> None:
    """An empty ledger database for each run (the throwaway database with_postgres.py made)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


if __name__ == "__main__":
    main()
