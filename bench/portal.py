"""Public-portal submissions per second through gunicorn (2 workers) on 127.0.0.1 against PostgreSQL.

    PYTHONPATH=src python scripts/with_postgres.py -- python bench/portal.py [--count 120] [--seconds 90]

In the same run it measures the ceiling the deliberate costs set: the argon2id passphrase hash alone (by
default RFC 9106's low-memory profile, 64 MiB, 3 passes, 4 lanes; --hash-profile owasp measures at OWASP's
minimum, 19 MiB, 2 passes, 1 lane, below which it never goes) and the proof-of-work check alone, each as many
per second as the machine can do (the best of one process up to as many as the server can hash at once,
workers × threads). The machine may be shared, so the ceiling is measured before and after the load and the
submissions are held against the mean of the two. Whole submissions (form GET + solving + POST) should reach
at least 80% of it with zero errors; afterwards every receipt is opened through the follow-up page and must
show its own report. The load generator is bounded: a fixed number of submissions, a fixed number of threads
and a time limit.

Only the hash is a deliberate cost of a submission: the server hashes the passphrase once and never verifies it
on submit (verifying happens when a receipt is opened, outside the timed window).

The load generator shares the machine's CPUs with the server, so it is kept light (threads with http.client,
one regex per page) and its own CPU time is printed, beside the server's and the database backends' CPU time
per submission, so the figures show where a submission's time goes. It solves the proof-of-work at a low
difficulty (--pow-bits, default 8, about 256 SHA-256 tries) inside the timed window, as a browser would: the
server's check is one HMAC and one SHA-256 whatever the difficulty, so the figure for the server does not
depend on it.

The ratio to the ceiling flatters a heavier hash (the fixed overhead weighs less beside it); the overhead's
own CPU milliseconds (server minus the hash, database, load generator) are the measure of the rest of the code.

BENCH_SERVER_WORKERS / BENCH_SERVER_THREADS (default 2 and 2) change gunicorn's shape for experiments: 2×2,
2×4 and 4×2 gave about the same rate, because the machine's two CPUs, not the per-office number or the audit
chain's head row (both locked until commit), are what a submission waits for.
"""

from __future__ import annotations

import argparse
import html
import http.client
import multiprocessing
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
WORKERS = int(os.environ.get("BENCH_SERVER_WORKERS", "2"))
# argon2-cffi releases the GIL while hashing, so a second thread per worker does the rest of a request (templates,
# database round trips) while the first hashes; still two worker processes.
THREADS_PER_WORKER = int(os.environ.get("BENCH_SERVER_THREADS", "2"))
NEW_CONNECTIONS = os.environ.get("BENCH_NEW_CONNECTIONS", "") == "1"
# --hash-profile: the passphrase hash's (memory KiB, passes, lanes); "settings" leaves the environment as it is.
HASH_PROFILES = {"owasp": (19 * 1024, 2, 1), "rfc9106": (64 * 1024, 3, 4)}
_CHALLENGE = re.compile(r'name="challenge" value="([^"]+)"')
_CODE = re.compile(r"data-receipt-code>([\d ]+)<")
_PASS = re.compile(r"data-passphrase>([^<]+)<")


def _env(var_dir: str, pow_bits: int, hash_profile: str) -> dict[str, str]:
    env = dict(os.environ)
    if hash_profile in HASH_PROFILES:
        memory, passes, lanes = HASH_PROFILES[hash_profile]
        env.update(
            TAIZHANG_PORTAL_ARGON2_MEMORY_KIB=str(memory),
            TAIZHANG_PORTAL_ARGON2_TIME_COST=str(passes),
            TAIZHANG_PORTAL_ARGON2_PARALLELISM=str(lanes),
        )
    env.update(
        PYTHONPATH=str(ROOT / "src"),
        TAIZHANG_VAR_DIR=var_dir,
        # Production mode (cached templates, no debug); plain HTTP on loopback, so no TLS redirect.
        TAIZHANG_DEBUG="0",
        TAIZHANG_SECRET_KEY="bench-" + "k" * 60,
        TAIZHANG_SSL_REDIRECT="0",
        TAIZHANG_PORTAL_POW_BITS=str(pow_bits),
        # The limits are what is measured around, not what is measured: lift them for the load generator.
        TAIZHANG_PORTAL_SUBMIT_PER_CLIENT="1000000",
        TAIZHANG_PORTAL_SUBMIT_TOTAL="1000000",
        TAIZHANG_PORTAL_OPEN_PER_CLIENT="1000000",
        TAIZHANG_PORTAL_OPEN_TOTAL="1000000",
        TAIZHANG_DB_CONN_MAX_AGE="600",
    )
    return env


def _setup(env: dict[str, str]) -> None:
    py = sys.executable
    subprocess.run([py, "-m", "taizhang.cli", "migrate", "--no-input", "-v", "0"], env=env, check=True)
    if env.get("TAIZHANG_SITE") == "portal":
        _portal_keys(env)
        return
    script = (
        "import django; django.setup();"
        "from taizhang.org.models import Unit;"
        "Unit.objects.get_or_create(code='BENCH', defaults={'name': '基准市扫黑办', 'kind': 'office'})"
    )
    subprocess.run([py, "-c", script], env={**env, "DJANGO_SETTINGS_MODULE": "taizhang.settings"}, check=True)


def _portal_keys(env: dict[str, str]) -> None:
    """The portal site seals every submission to the ledger's public key: make a ledger's keys in a scratch
    folder (its own SQLite database) and have the portal trust its public key, as docs/portal.md sets them up."""
    py = sys.executable
    var = Path(env["TAIZHANG_VAR_DIR"])
    ledger = {k: v for k, v in env.items() if k != "TAIZHANG_DATABASE_URL"}
    ledger.update(TAIZHANG_SITE="ledger", TAIZHANG_VAR_DIR=str(var / "ledger"))
    (var / "ledger").mkdir()
    cli = [py, "-m", "taizhang.cli"]
    subprocess.run([*cli, "migrate", "--no-input", "-v", "0"], env=ledger, check=True)
    for site, site_env in (("ledger", ledger), ("portal", env)):
        subprocess.run([*cli, "ferry", "keys", "init", "--site-id", site], env=site_env, check=True)
    subprocess.run([*cli, "ferry", "keys", "public", str(var / "ledger.pub")], env=ledger, check=True)
    subprocess.run([*cli, "ferry", "keys", "trust", str(var / "ledger.pub")], env=env, check=True)


# --- the ceiling --------------------------------------------------------------------------------------------


def _hash_loop(seconds: float) -> int:
    from taizhang.portal import credentials

    end, n = time.perf_counter() + seconds, 0
    while time.perf_counter() < end:
        credentials.hash_passphrase("k7pm-x3qa-9tfe-2hwd")
        n += 1
    return n


def _pow_loop(seconds: float) -> int:
    from taizhang.portal import abuse

    challenge = abuse.new_challenge()
    answer = abuse.solve(challenge, abuse.pow_bits())
    end, n = time.perf_counter() + seconds, 0
    while time.perf_counter() < end:
        abuse.check_challenge(challenge, answer)
        n += 1
    return n


def _most_at_once() -> int:
    return max((os.cpu_count() or 1) + 1, WORKERS * THREADS_PER_WORKER)


def _hash_cpu_ms() -> float:
    """CPU milliseconds one passphrase hash costs in this process (what a worker spends on it)."""
    from taizhang.portal import credentials

    start = time.process_time()
    for _ in range(5):
        credentials.hash_passphrase("k7pm-x3qa-9tfe-2hwd")
    return (time.process_time() - start) * 1000 / 5


def _init_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "taizhang.settings"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def _parallel_rate(func: object, seconds: float, env: dict[str, str]) -> float:
    ctx = multiprocessing.get_context("fork")
    best = 0.0
    # As many per second as the machine can do: the best of one process up to as many hashes as the server can
    # run at once (workers × threads; argon2id is memory-bound, so more processes than CPUs can help, or hurt).
    for procs in range(1, _most_at_once() + 1):
        with ctx.Pool(procs, initializer=_init_django, initargs=(env,)) as pool:
            start = time.perf_counter()
            counts = pool.map(func, [seconds] * procs)  # type: ignore[arg-type]
            elapsed = time.perf_counter() - start
        best = max(best, sum(counts) / elapsed)
    return best


# --- where the CPU time goes -------------------------------------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process (all its threads) from /proc; 0 when it is gone or not readable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _database_backends() -> list[int]:
    """Process ids of the PostgreSQL backends serving this database (the server's persistent connections)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        pids = [int(row[0]) for row in cursor.fetchall()]
    connection.close()
    return pids


def _cpu_of(pids: list[int]) -> float:
    return sum(_cpu_seconds(pid) for pid in pids)


# --- the server and the load ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    proc = subprocess.Popen(
        [
            gunicorn,
            "taizhang.wsgi",
            "-w",
            str(WORKERS),
            "--threads",
            str(THREADS_PER_WORKER),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env={**env, "DJANGO_SETTINGS_MODULE": "taizhang.settings"},
        cwd=str(ROOT),
    )
    # The portal site serves only the public pages: its form is its probe.
    probe_path = "/report/" if env.get("TAIZHANG_SITE") == "portal" else "/healthz"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            probe = Browser(port)
            up = probe.request("GET", probe_path)[0] == 200
            probe.close()
            if up:
                return proc
        except OSError:
            pass
        time.sleep(0.2)
    proc.terminate()
    raise SystemExit("gunicorn did not start")


def _solve(challenge: str, bits: int) -> str:
    from taizhang.portal.abuse import solve

    return solve(challenge, bits)


class Browser:
    """A minimal cookie-keeping HTTP client on http.client: cheap, because it shares the CPUs with the server.

    Like a browser it keeps its connection open between the form and its submission (HTTP/1.1 keep-alive);
    BENCH_NEW_CONNECTIONS=1 opens one per request instead, as the load generator did before.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str, str]:
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            # Production cookies are Secure; over loopback HTTP the client sends them by hand.
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://127.0.0.1:{self.port}"
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        conn = self.conn
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        except BaseException:
            self.close()
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        if NEW_CONNECTIONS or response.will_close:
            self.close()
        return response.status, text, response.headers.get("Location", "")

    def form(self, path: str, bits: int) -> dict[str, str]:
        status, text, _loc = self.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path}: HTTP {status}")
        challenge = html.unescape(_CHALLENGE.search(text).group(1))  # type: ignore[union-attr]
        return {
            "csrfmiddlewaretoken": self.cookies.get("csrftoken", ""),
            "challenge": challenge,
            "pow_answer": _solve(challenge, bits),
        }


def submit_one(port: int, bits: int, marker: str) -> tuple[str, str]:
    """One whole submission as a browser makes it; returns (receipt code, passphrase)."""
    browser = Browser(port)
    data = browser.form("/report/new/", bits)
    data.update(
        reporter_kind="anonymous",
        subject_0_kind="person",
        subject_0_name="基准测试对象",
        summary=f"基准测试举报 {marker}",
        facts=f"这是一条基准测试举报，标记 {marker}，用于测量举报平台的吞吐量。",
    )
    try:
        status, text, location = browser.request("POST", "/report/new/", data)
        if status in (302, 303) and location:  # post/redirect/get: the receipt is the page it leads to
            status, text, _loc = browser.request("GET", location)
    finally:
        browser.close()
    if status != 200 or "data-receipt-code" not in text:
        raise RuntimeError(f"submission failed: HTTP {status}")
    code = _CODE.search(text).group(1).replace(" ", "")  # type: ignore[union-attr]
    passphrase = html.unescape(_PASS.search(text).group(1)).strip()  # type: ignore[union-attr]
    return code, passphrase


def opens_its_report(port: int, bits: int, code: str, passphrase: str, marker: str) -> bool:
    browser = Browser(port)
    data = browser.form("/report/follow-up/", bits)
    data.update(code=code, passphrase=passphrase)
    status, _text, location = browser.request("POST", "/report/follow-up/", data)
    if status != 302:
        return False
    status, text, _loc = browser.request("GET", location)
    browser.close()
    return status == 200 and marker in text and "data-status" in text


def run_load(port: int, bits: int, count: int, threads: int, seconds: float) -> dict[str, object]:
    lock = threading.Lock()
    issued: list[tuple[str, str, str]] = []
    errors: list[str] = []
    next_index = iter(range(count))
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        while time.perf_counter() < deadline:
            with lock:
                i = next(next_index, None)
            if i is None:
                return
            marker = f"B{i:05d}-{uuid.uuid4().hex[:8]}"
            try:
                code, passphrase = submit_one(port, bits, marker)
            except Exception as exc:
                with lock:
                    errors.append(str(exc))
                continue
            with lock:
                issued.append((marker, code, passphrase))

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    start = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - start
    return {"issued": issued, "errors": errors, "elapsed": elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=120, help="submissions to make (bounded)")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=120, help="time limit for the load")
    parser.add_argument("--ceiling-seconds", type=float, default=5)
    parser.add_argument("--pow-bits", type=int, default=8)
    parser.add_argument(
        "--hash-profile",
        choices=["settings", *HASH_PROFILES],
        default="settings",
        help="argon2id parameters: OWASP's minimum, RFC 9106's low-memory profile, or what the settings say "
        "(the default: RFC 9106's unless TAIZHANG_PORTAL_ARGON2_* say otherwise)",
    )
    parser.add_argument(
        "--site",
        choices=["combined", "portal"],
        default="combined",
        help="combined: one process, as `make run`; portal: the internet site alone, sealing each submission "
        "to the ledger's key at the door (docs/portal.md)",
    )
    args = parser.parse_args()

    db_url = os.environ.get("TAIZHANG_DATABASE_URL", "")
    if not db_url.startswith("postgres"):
        print("warning: TAIZHANG_DATABASE_URL is not PostgreSQL; run through scripts/with_postgres.py")
    var_dir = tempfile.mkdtemp(prefix="taizhang-bench-portal-")
    env = _env(var_dir, args.pow_bits, args.hash_profile)
    if args.site == "portal":
        env["TAIZHANG_SITE"] = "portal"
    _setup(env)
    _init_django(env)

    hash_rate = _parallel_rate(_hash_loop, args.ceiling_seconds, env)
    pow_rate = _parallel_rate(_pow_loop, args.ceiling_seconds, env)
    ceiling = 1 / (1 / hash_rate + 1 / pow_rate)
    from taizhang.portal.credentials import hasher

    params = hasher()
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    print(
        f"machine: {os.cpu_count()} CPUs; server: gunicorn, {WORKERS} workers × {THREADS_PER_WORKER} threads; database: {db_url.split('@')[-1]}"
    )
    print(
        f"argon2id (m={params.memory_cost} KiB, t={params.time_cost}, p={params.parallelism}) alone: "
        f"{hash_rate:8.1f} hashes/s (best of 1–{_most_at_once()} processes)"
    )
    print(f"proof-of-work check alone:                   {pow_rate:8.0f} checks/s (same)")
    print(f"ceiling (one hash + one check per submission): {ceiling:6.1f} submissions/s")

    port = _free_port()
    server = _start_server(env, port)
    try:
        for i in range(4):  # every worker thread imports and connects before the clock starts
            submit_one(port, args.pow_bits, f"warmup-{i}")
        hash_ms = _hash_cpu_ms()
        workers = _children(server.pid)
        backends = _database_backends() if db_url.startswith("postgres") else []
        local_backends = [pid for pid in backends if Path(f"/proc/{pid}").exists()]
        cpu_before = (_cpu_of(workers), _cpu_of(local_backends), time.process_time())
        load_before = os.getloadavg()[0]
        result = run_load(port, args.pow_bits, args.count, args.threads, args.seconds)
        cpu_after = (_cpu_of(workers), _cpu_of(local_backends), time.process_time())
        load_during = os.getloadavg()[0]
        issued = result["issued"]
        errors = result["errors"]
        assert isinstance(issued, list) and isinstance(errors, list)
        elapsed = float(result["elapsed"])  # type: ignore[arg-type]
        rate = len(issued) / elapsed
        done = max(len(issued), 1)
        server_ms, db_ms, client_ms = (
            (b - a) * 1000 / done for a, b in zip(cpu_before, cpu_after, strict=True)
        )
        print(
            f"submissions: {len(issued)} in {elapsed:.1f} s with {args.threads} client threads = {rate:.1f}/s "
            f"(load average {load_before:.1f} before, {load_during:.1f} after)"
        )
        print(
            f"CPU per submission: server {server_ms:.1f} ms (argon2id {hash_ms:.0f} ms of it), database {db_ms:.1f} ms"
            + ("" if local_backends else " (backends not on this machine: not counted)")
            + f", load generator {client_ms:.1f} ms (HTTP client, HTML regex, proof-of-work at {args.pow_bits} bits)"
        )
        overhead = server_ms - hash_ms + db_ms + client_ms
        print(
            f"overhead per submission beyond the hash: {overhead:.1f} ms of CPU "
            f"(server {server_ms - hash_ms:.1f}, database {db_ms:.1f}, load generator {client_ms:.1f}); "
            f"the hash's {hash_ms:.0f} ms is {hash_ms / (hash_ms + overhead):.0%} of a submission's CPU"
        )
        print(f"errors: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
        start = time.perf_counter()
        opened = sum(opens_its_report(port, args.pow_bits, code, pp, marker) for marker, code, pp in issued)
        print(
            f"receipts verified through the follow-up page: {opened}/{len(issued)} "
            f"({time.perf_counter() - start:.1f} s)"
        )
        # The machine may be shared and its load drift: measure the hash ceiling again after the load, and hold
        # the submissions against the mean of the two measurements that bracket them.
        hash_after = _parallel_rate(_hash_loop, args.ceiling_seconds, env)
        ceiling_after = 1 / (1 / hash_after + 1 / pow_rate)
        bracket = (ceiling + ceiling_after) / 2
        print(
            f"ceiling: {ceiling:.1f}/s before the load, {ceiling_after:.1f}/s after, mean {bracket:.1f}/s; "
            f"load average now {os.getloadavg()[0]:.1f}"
        )
        print(
            f"whole submissions at {rate / bracket:.0%} of the ceiling (goal ≥ 80%; "
            f"{rate / ceiling:.0%} of the one before, {rate / ceiling_after:.0%} of the one after)"
        )
        ok = not errors and opened == len(issued) == args.count and rate >= 0.8 * bracket
        print("RESULT:", "goal met" if ok else "goal NOT met")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
