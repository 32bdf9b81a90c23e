"""Load: 50 staff sessions browsing and acting (~1 action/s each) plus a steady stream of public reports.

Each staff session reads pages and the API, and about one action in ten is a write through the API: office
staff register clues, unit people file progress reports on the clues their unit is verifying.

    PYTHONPATH=src:. python scripts/with_postgres.py -- python bench/load.py            # 60 s, the figures
    PYTHONPATH=src:. python scripts/with_postgres.py -- python bench/load.py --duration 10 --staff 10

Bounded and loopback only: gunicorn (2 workers × 4 threads) on 127.0.0.1 against the database in
TAIZHANG_DATABASE_URL (PostgreSQL from scripts/with_postgres.py; SQLite under a temporary var/ otherwise,
which is not what the goals are about). Afterwards every receipt a citizen got must open its report, and the
audit chain must verify. Prints requests, errors, throughput and p50/p95/p99 per kind; exits 1 when an
error happened, a receipt does not open, the chain is broken or p95 ≥ 300 ms. Also prints the CPU the
server, PostgreSQL and the load generator used (they share the machine's cores) and the load average.
BENCH_SERVER_WORKERS / BENCH_SERVER_THREADS (default 2 and 4) change gunicorn's shape for experiments; it runs with
--preload as production does (BENCH_SERVER_PRELOAD=0 without).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
P95_GOAL_MS = 300.0
RSS_GOAL_MIB = 110.0
# The server's shape (BENCH_SERVER_WORKERS / BENCH_SERVER_THREADS change it for experiments): one gthread
# worker per core, since a Python process runs one thread at a time; its threads overlap database waits.
WORKERS = int(os.environ.get("BENCH_SERVER_WORKERS", "2"))
THREADS = int(os.environ.get("BENCH_SERVER_THREADS", "4"))
# --preload, as production runs it (README): the application is loaded once and its pages shared by the
# workers (taizhang.wsgi). BENCH_SERVER_PRELOAD=0 measures without it.
PRELOAD = os.environ.get("BENCH_SERVER_PRELOAD", "1") != "0"


@dataclass
class Stats:
    """Latencies by kind of request, errors with a sample of what went wrong."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    # The same latencies by path (ids folded), to tell which page dominates the tail.
    by_path: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: list[str] = field(default_factory=list)
    receipts: list[tuple[str, str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, kind: str, started: float, ok: bool, detail: str = "", path: str = "") -> None:
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.latencies[kind].append(elapsed)
            if path:
                self.by_path[re.sub(r"/\d+", "/<id>", path)].append(elapsed)
            if not ok:
                self.errors[kind] += 1
                if len(self.samples) < 20:
                    self.samples.append(f"{kind}: {detail}")


def _cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each of these processes so far (Linux /proc; a gone one is left out)."""
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
    return found


def _processes(match: Any) -> list[int]:
    """Pids whose (pid, parent pid, process group, command line) satisfy `match`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if match(int(entry.name), int(fields[1]), int(fields[2]), cmdline):
            found.append(int(entry.name))
    return found


def _cpu_accounts(server: subprocess.Popen[bytes], database_url: str) -> dict[str, list[int]]:
    """Which processes are the server and which the database (a loopback PostgreSQL on the URL's port)."""
    accounts = {"server": _processes(lambda pid, ppid, pgrp, cmd: pgrp == server.pid)}
    port = re.search(r":(\d+)/", database_url or "")
    if port:
        master = _processes(lambda pid, ppid, pgrp, cmd: "postgres" in cmd and f"-p {port.group(1)} " in cmd)
        accounts["postgres"] = master + _processes(lambda pid, ppid, pgrp, cmd: ppid in master)
    return accounts


def _worker_memory_mib(server: subprocess.Popen[bytes]) -> list[dict[str, float]]:
    """Each gunicorn worker's memory (the server's processes but its arbiter), MiB, from smaps_rollup:
    resident (RSS: every page it maps, shared or not), proportional (PSS: shared pages divided among the
    processes sharing them, so the workers' PSS add up to what they cost together) and private (pages only it
    holds: what one more worker costs)."""
    workers = _processes(lambda pid, ppid, pgrp, cmd: ppid == server.pid)
    sizes = []
    for pid in workers:
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        kb = {key: int(value) for key, value in re.findall(r"^(\w+):\s+(\d+) kB", rollup, re.MULTILINE)}
        sizes.append(
            {
                "rss": kb["Rss"] / 1024,
                "pss": kb["Pss"] / 1024,
                "private": (kb["Private_Clean"] + kb["Private_Dirty"]) / 1024,
            }
        )
    return sorted(sizes, key=lambda size: size["rss"])


def _machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / os.sysconf("SC_CLK_TCK"), sum(values) / os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def _prepare(clues: int) -> dict[str, Any]:
    """Migrate, build the standard world, some clues in every state, sessions and tokens for the staff."""
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from taizhang.accounts.models import ApiToken
    from taizhang.accounts.twofactor import requires_2fa
    from taizhang.clues.choices import ClueStatus
    from taizhang.clues.models import Clue
    from tests.clues.conftest import Walk
    from tests.conftest import build_world

    call_command("migrate", verbosity=0)
    world = build_world()
    walk = Walk(world)
    builders = [
        walk.register,
        walk.triaged,
        walk.assigned,
        walk.verifying,
        walk.under_review,
        walk.transferred,
    ]
    for index in range(clues):
        builders[index % len(builders)](summary=f"负载测试线索{index}：某某团伙强揽工程")
    staff = {}
    for key, user in world.people.items():
        if requires_2fa(user):
            continue
        client = Client()
        client.force_login(user)
        # What this person can do besides reading: register a clue for their office (office staff), or
        # file a progress report on a clue their unit is verifying (the unit's people).
        office = user.unit if user.unit.kind == "office" and user.has_role("office_staff") else None
        reportable = (
            list(
                Clue.objects.filter(status=ClueStatus.VERIFYING, responsible_unit=user.unit).values_list(
                    "pk", flat=True
                )
            )
            if user.has_role("liaison", "handler", "unit_leader")
            else []
        )
        staff[key] = {
            "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "token": ApiToken.issue(user, "load")[1],
            "office_id": office.pk if office else None,
            "reportable": reportable,
        }
    return {"staff": staff, "clue_ids": list(Clue.objects.values_list("pk", flat=True))}


def _start_server(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "gunicorn", "taizhang.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS), "--threads", str(THREADS),
        "--worker-class", "gthread", "--log-level", "warning", "--timeout", "60",
        # Keep idle connections open longer than a session waits between requests (as nginx would), so a
        # client never reuses a connection the server is closing at that moment.
        "--keep-alive", "30",
    ] + (["--preload"] if PRELOAD else [])  # fmt: skip
    log = open(Path(env["TAIZHANG_VAR_DIR"]) / "gunicorn.log", "ab")  # noqa: SIM115 - lives as long as the server
    server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True, stdout=log, stderr=log)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return server
        except requests.RequestException:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


# ---- what a staff member does: pages and API calls that exist; extended as features land ----
# Pages every staff member may open (role-gated pages such as the dashboard would answer 403 to some).
STAFF_PAGES = ["/", "/org/units/", "/clues/", "/supervision/", "/reports/", "/search/?q=团伙"]
STAFF_API = ["/api/org/me", "/api/org/units", "/api/clues/", "/api/clues/?status=verifying"]


def _existing(base: str, session: str, paths: list[str], api: bool, token: str) -> list[str]:
    """Keep the paths this build serves (a feature not merged yet is skipped, and said so)."""
    found = []
    for path in paths:
        headers = {"Authorization": f"Bearer {token}"} if api else {}
        cookies = {} if api else {"sessionid": session}
        status = requests.get(base + path, headers=headers, cookies=cookies, timeout=30).status_code
        if status == 200:
            found.append(path)
        else:
            print(f"  (skipping {path}: {status})")
    return found


def _act(base: str, creds: dict[str, Any], api: requests.Session, rng: random.Random) -> tuple[str, Any]:
    """One write through the API: register a clue (office staff) or file a progress report (unit people)."""
    if creds["office_id"]:
        payload = {
            "office_id": creds["office_id"],
            "channel": "letter",
            "received_at": time.strftime("%Y-%m-%dT%H:%M:%S+08:00"),
            "summary": f"负载登记线索{rng.randint(1, 10**9)}",
            "facts": "群众来信反映某某团伙强揽工程。",
            "subjects": [{"name": "某某"}],
        }
        return "/api/clues/", api.post(f"{base}/api/clues/", json=payload, timeout=30)
    clue_id = rng.choice(creds["reportable"])
    path = f"/api/clues/{clue_id}/reports"
    body = {"stage": "progress", "body": "核查组正在调取工程合同，约谈相关人员。"}
    return path, api.post(base + path, json=body, timeout=30)


def _staff_loop(
    base: str, who: str, creds: dict[str, Any], plan: dict[str, Any], stats: Stats, stop: float
) -> None:
    rng = random.Random(who)
    # A browser (session cookie) and an API client (bearer token), each keeping its connection open as
    # real ones do, so the figures are the server's work and not a TCP handshake per request.
    http = requests.Session()
    http.cookies.set("sessionid", creds["session"])
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {creds['token']}"
    can_act = bool(creds["office_id"] or creds["reportable"])
    while time.time() < stop:
        tick = time.perf_counter()
        roll = rng.random()
        started = time.perf_counter()
        path = ""
        try:
            if roll < 0.1 and can_act:
                kind = "staff write"
                path, response = _act(base, creds, api, rng)
                ok = response.status_code in (200, 201)
            elif roll < 0.55 and plan["pages"]:
                kind, path = "staff page", rng.choice(plan["pages"])
                response = http.get(base + path, timeout=30)
                ok = response.status_code == 200
            elif roll < 0.8 and plan["api"]:
                kind, path = "staff api", rng.choice(plan["api"])
                response = api.get(base + path, timeout=30)
                ok = response.status_code == 200
            else:
                kind = "staff detail"
                path = f"/api/clues/{rng.choice(plan['clue_ids'])}"
                response = api.get(base + path, timeout=30)
                # Not every clue is visible to everyone: 404 is the right answer then.
                ok = response.status_code in (200, 404)
            # The body is decoded only to show what went wrong: guessing the encoding of every JSON answer
            # would cost the load generator more CPU than the server spends on some of them.
            detail = "" if ok else f"{response.status_code} {response.url} {response.text[:200]}"
            stats.note(kind, started, ok, detail, path)
        except requests.RequestException as exc:
            stats.note("staff", started, False, repr(exc))
        time.sleep(max(0.0, 1.0 - (time.perf_counter() - tick)))


def _public_loop(base: str, rate: float, stats: Stats, stop: float, submit: Any) -> None:
    rng = random.Random(7)
    while time.time() < stop:
        tick = time.perf_counter()
        started = time.perf_counter()
        try:
            _ok, _detail, receipt = submit(base, rng, stats)
            if receipt:
                with stats.lock:
                    stats.receipts.append(receipt)
        except requests.RequestException as exc:
            stats.note("public submit", started, False, repr(exc))
        time.sleep(max(0.0, 1.0 / rate - (time.perf_counter() - tick)))


def _csrf(http: requests.Session, html: str) -> str:
    # Production mode marks cookies Secure; this loopback client speaks plain HTTP, so send them anyway.
    for cookie in http.cookies:
        cookie.secure = False
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return match.group(1) if match else http.cookies.get("csrftoken", "")


def _guard(html: str) -> dict[str, str]:
    """Solve the portal's proof-of-work as a browser would (the bench lowers its difficulty)."""
    from taizhang.portal.abuse import solve

    challenge = re.search(r'name="challenge" value="([^"]*)"', html)
    bits = re.search(r'data-pow-bits="(\d+)"', html)
    if not challenge:
        return {}
    return {
        "challenge": challenge.group(1),
        "pow_answer": solve(challenge.group(1), int(bits.group(1)) if bits else 8),
    }


def submit_report(
    base: str, rng: random.Random, stats: Stats
) -> tuple[bool, str, tuple[str, str, str] | None]:
    """A citizen files an anonymous report through /report/new/ and keeps the receipt and passphrase.

    The form (GET) and the submission (POST) are timed as two requests; solving the proof-of-work between
    them is the citizen's browser's time, not the server's.
    """
    http = requests.Session()
    started = time.perf_counter()
    page = http.get(f"{base}/report/new/", timeout=30)
    stats.note("public form", started, page.status_code == 200, f"GET {page.status_code}", "GET /report/new/")
    if page.status_code != 200:
        return False, f"GET /report/new/ {page.status_code}", None
    summary = f"反映某村霸强占集体土地{rng.randint(1, 10**9)}"
    data = {
        "csrfmiddlewaretoken": _csrf(http, page.text),
        **_guard(page.text),
        "reporter_kind": "anonymous",
        "summary": summary,
        "facts": "该人长期纠集闲散人员，强占村集体土地，威胁村民，群众敢怒不敢言。",
        "subject_0_name": "赵某某",
        "subject_0_kind": "person",
        "place": "某某镇",
    }
    started = time.perf_counter()
    response = http.post(
        f"{base}/report/new/",
        data=data,
        timeout=30,
        headers={"Referer": f"{base}/report/new/"},
        allow_redirects=False,
    )
    if response.status_code in (302, 303):
        # The receipt is shown once, by the GET after the redirect (post/redirect/get), in the session whose
        # cookie is Secure in production mode: follow the redirect by hand.
        _csrf(http, "")
        response = http.get(urljoin(base + "/", response.headers["Location"]), timeout=30)
    code = re.search(r"data-receipt-code>([^<]+)<", response.text)
    passphrase = re.search(r"data-passphrase>([^<]+)<", response.text)
    ok = response.status_code == 200 and bool(code and passphrase)
    stats.note("public submit", started, ok, f"POST {response.status_code}", "POST /report/new/")
    if not ok or not code or not passphrase:
        return False, f"POST /report/new/ {response.status_code}", None
    return True, "", (code.group(1).strip(), passphrase.group(1).strip(), summary)


def _check_receipts(base: str, receipts: list[tuple[str, str, str]]) -> int:
    """Every receipt opens its own report (the thread shows the summary the citizen wrote)."""
    failed = 0
    for code, passphrase, summary in receipts:
        http = requests.Session()
        page = http.get(f"{base}/report/follow-up/", timeout=30)
        response = http.post(
            f"{base}/report/follow-up/",
            data={
                "csrfmiddlewaretoken": _csrf(http, page.text),
                **_guard(page.text),
                "code": code,
                "passphrase": passphrase,
            },
            timeout=30,
            headers={"Referer": f"{base}/report/follow-up/"},
            allow_redirects=False,
        )
        if response.status_code in (302, 303):
            # The thread's session cookie is Secure (production mode): follow the redirect by hand.
            _csrf(http, "")
            response = http.get(urljoin(base + "/", response.headers["Location"]), timeout=30)
        if response.status_code != 200 or summary not in response.text:
            failed += 1
    return failed


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--staff", type=int, default=50)
    parser.add_argument("--public-rate", type=float, default=2.0, help="public submissions per second")
    parser.add_argument("--clues", type=int, default=120)
    args = parser.parse_args()
    if args.duration > 600 or args.staff > 200:
        raise SystemExit("bounded: at most 600 s and 200 sessions")

    var_dir = tempfile.mkdtemp(prefix="taizhang-load-")
    env = {
        **os.environ,
        "TAIZHANG_VAR_DIR": var_dir,
        "TAIZHANG_DEBUG": "0",
        "TAIZHANG_SSL_REDIRECT": "0",
        "TAIZHANG_SECRET_KEY": secrets.token_urlsafe(60),
        "TAIZHANG_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TAIZHANG_LOG_LEVEL": "ERROR",
        # Every simulated citizen comes from 127.0.0.1: lift the per-client limits, keep the work small.
        "TAIZHANG_PORTAL_POW_BITS": "8",
        "TAIZHANG_PORTAL_SUBMIT_PER_CLIENT": "1000000",
        "TAIZHANG_PORTAL_SUBMIT_TOTAL": "1000000",
        "TAIZHANG_PORTAL_OPEN_PER_CLIENT": "1000000",
        "TAIZHANG_PORTAL_OPEN_TOTAL": "1000000",
        "DJANGO_SETTINGS_MODULE": "taizhang.settings",
        "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}",
    }
    if "TAIZHANG_DATABASE_URL" not in env:
        print("warning: no TAIZHANG_DATABASE_URL; run under scripts/with_postgres.py for the real figures")
    _setup_django(env)
    print(f"preparing: migrate, standard world, {args.clues} clues …", flush=True)
    plan = _prepare(args.clues)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _start_server(port, env)
    try:
        first = next(iter(plan["staff"].values()))
        plan["pages"] = _existing(base, first["session"], STAFF_PAGES, False, first["token"])
        plan["api"] = _existing(base, first["session"], STAFF_API, True, first["token"])
        portal = requests.get(f"{base}/report/new/", timeout=30).status_code == 200
        if not portal:
            print("  (skipping public submissions: /report/new/ is not served by this build)")
        stats = Stats()
        stop = time.time() + args.duration
        people = list(plan["staff"].items())
        threads = [
            threading.Thread(
                target=_staff_loop, args=(base, f"{who}#{i}", creds, plan, stats, stop), daemon=True
            )
            for i, (who, creds) in enumerate(people[i % len(people)] for i in range(args.staff))
        ]
        if portal:
            threads.append(
                threading.Thread(
                    target=_public_loop,
                    args=(base, args.public_rate, stats, stop, submit_report),
                    daemon=True,
                )
            )
        print(
            f"running: {args.staff} staff sessions + public stream for {args.duration} s on {base}"
            f" (gunicorn {WORKERS} workers × {THREADS} threads)",
            flush=True,
        )
        database_url = env.get("TAIZHANG_DATABASE_URL", "")
        cpu_before = {k: _cpu_seconds(pids) for k, pids in _cpu_accounts(server, database_url).items()}
        generator_before = time.process_time()
        machine_before = _machine_busy()
        started = time.time()
        for thread in threads:
            thread.start()
            time.sleep(1.0 / max(1, len(threads)))  # spread the starts over a second
        for thread in threads:
            thread.join(timeout=args.duration + 60)
        elapsed = time.time() - started
        # Database backends connect during the run: a process not there at the start counts from zero.
        cpu = {
            k: sum(v - cpu_before[k].get(pid, 0.0) for pid, v in _cpu_seconds(pids).items())
            for k, pids in _cpu_accounts(server, database_url).items()
        }
        cpu["load generator"] = time.process_time() - generator_before
        machine_after = _machine_busy()
        load_average = os.getloadavg()
        bad_receipts = _check_receipts(base, stats.receipts) if portal else 0
        worker_memory = _worker_memory_mib(server)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    from taizhang.core.audit import verify_chain

    audit_count, audit_problem = verify_chain()
    everything = [v for values in stats.latencies.values() for v in values]
    total_errors = sum(stats.errors.values())
    print()
    print(f"{'kind':<16}{'requests':>10}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for kind, values in sorted(stats.latencies.items()):
        print(
            f"{kind:<16}{len(values):>10}{stats.errors[kind]:>8}"
            f"{statistics.median(values):>9.1f}{_pct(values, 0.95):>9.1f}{_pct(values, 0.99):>9.1f}"
        )
    p95 = _pct(everything, 0.95)
    print(
        f"{'all':<16}{len(everything):>10}{total_errors:>8}{_pct(everything, 0.5):>9.1f}{p95:>9.1f}{_pct(everything, 0.99):>9.1f}"
    )
    print(f"throughput: {len(everything) / elapsed:.1f} requests/s over {elapsed:.0f} s")
    busy = machine_after[0] - machine_before[0]
    print(
        f"CPU during the run: machine {busy:.0f} s busy of {machine_after[1] - machine_before[1]:.0f} s; "
        + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in cpu.items())
        + f"; server {cpu['server'] / max(1, len(everything)) * 1000:.1f} ms per request"
    )
    print("load average at the end: " + " ".join(f"{value:.2f}" for value in load_average))
    print(
        f"memory per worker after the run (goal < {RSS_GOAL_MIB:.0f} MiB), resident / proportional / private: "
        + ", ".join(f"{m['rss']:.0f} / {m['pss']:.0f} / {m['private']:.0f} MiB" for m in worker_memory)
        + ("" if PRELOAD else " (without --preload)")
    )
    print("slowest paths by p95:")
    ranked = sorted(stats.by_path.items(), key=lambda item: -_pct(item[1], 0.95))
    for path, values in ranked[:12]:
        print(f"  {path:<40}{len(values):>7}{statistics.median(values):>9.1f}{_pct(values, 0.95):>9.1f}")
    print(f"receipts: {len(stats.receipts)} submitted, {bad_receipts} did not open their report")
    print(
        f"audit chain: {'intact' if audit_problem is None else 'BROKEN at ' + str(audit_problem.entry_id)} ({audit_count} entries)"
    )
    for sample in stats.samples:
        print("  error: " + sample)
    print(f"server log: {Path(var_dir) / 'gunicorn.log'}")
    failed = total_errors or bad_receipts or audit_problem is not None or p95 >= P95_GOAL_MS
    print("result: " + ("FAIL" if failed else "ok") + f" (goal: zero errors, p95 < {P95_GOAL_MS:.0f} ms)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
