"""A longer schemathesis run against every API operation; prints requests, statuses and problems.

    PYTHONPATH=src:. python scripts/with_postgres.py -- python bench/fuzz_api.py --examples 100

In-process through WSGI against a fresh database (SQLite under a temporary var/ unless
TAIZHANG_DATABASE_URL is set), with the standard test world and its context clues. Exits 1 on any problem.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100, help="examples per operation and mode")
    parser.add_argument("--seeded", action="store_true", help="derandomize (same cases every run)")
    args = parser.parse_args()

    os.environ.setdefault("TAIZHANG_VAR_DIR", tempfile.mkdtemp(prefix="taizhang-fuzz-"))
    os.environ["TAIZHANG_TESTING"] = "1"
    os.environ.setdefault("TAIZHANG_LOG_LEVEL", "ERROR")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from taizhang.org.models import User
    from tests.proof import apifuzz
    from tests.proof.conftest import build_proof

    if User.objects.filter(username="office_staff").exists():
        print("the database already holds the test world; use an empty one")
        return 2
    proof = build_proof()
    schema = apifuzz.load_schema()
    ops = apifuzz.operations(schema)
    report = apifuzz.FuzzReport()
    started = time.perf_counter()
    for sender in [None, "office_leader", "liaison", "police_liaison", "discipline_handler", "sysadmin"]:
        headers = {"Authorization": f"Bearer {proof.tokens[sender]}"} if sender else {}
        for op in ops:
            apifuzz.fuzz_operation(
                op,
                report,
                headers=headers,
                who=sender or "anonymous",
                max_examples=args.examples,
                derandomize=args.seeded,
            )
    elapsed = time.perf_counter() - started
    print(f"operations: {len(ops)}  requests: {report.requests}  time: {elapsed:.1f} s")
    print("statuses: " + ", ".join(f"{code}×{n}" for code, n in sorted(report.statuses.items())))
    print(f"problems: {len(report.problems)}")
    for line in report.problems[:50]:
        print("  " + line)
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
