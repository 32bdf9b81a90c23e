"""Cluster: a PostgreSQL primary and streaming replica, two app nodes and a worker on each, under load and faults.

    PYTHONPATH=src:. .venv/bin/python bench/cluster.py                 # 60 s (the lead's run)
    PYTHONPATH=src:. .venv/bin/python bench/cluster.py --duration 10   # a short smoke run

Everything on 127.0.0.1, bounded in time: initdb + pg_ctl make the primary (wal_level=replica) and
pg_basebackup -R the replica (a second cluster on another port, hot standby). Two gunicorn nodes, each with
its own var folder, share one file store (TAIZHANG_FILES_DIR), the identity key file and the database cache;
`taizhang worker` runs beside each. bench/load.py's mix (staff pages, API reads and writes, public reports)
goes to whichever node is alive, as a load balancer would send it. During the run: an import is started on
node A and watched from node B, the worker running it is SIGKILLed (its job is resumed by the other worker
once the heartbeat is stale), node A is SIGKILLed and restarted, and the replica is stopped and started again.
Prints requests, errors (and how many were in flight on the killed node), p95, replica lag, jobs completed,
and the checks: every receipt opens, the import is all or nothing, every attachment reads from both nodes,
the audit chain verifies. Exits 1 when a check fails or an error happened outside the killed node.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT), str(ROOT / "bench")]

import load  # noqa: E402  bench/load.py: the mix, the portal client, the receipt check

IMPORT_ROWS = 400


# ---------------------------------------------------------------- PostgreSQL primary + replica


def _pg_bin() -> Path:
    import glob

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if not initdb:
        raise SystemExit("PostgreSQL is not installed (apt-get install postgresql)")
    return Path(initdb).resolve().parent


def _as_pg(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


class Postgres:
    def __init__(self, root: Path) -> None:
        self.bin = _pg_bin()
        self.root = root
        self.primary = root / "primary"
        self.replica = root / "replica"
        self.p1, self.p2 = load._free_port(), load._free_port()
        root.mkdir(exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(root, "postgres", "postgres")

    def _ctl(self, data: Path, action: str, port: int | None = None) -> None:
        cmd = [str(self.bin / "pg_ctl"), "-D", str(data), "-l", str(data) + ".log", "-w", "-t", "60", action]
        if port is not None:
            cmd += ["-o", f"-p {port} -k {self.root} -c listen_addresses=127.0.0.1"]
        if action == "stop":
            cmd += ["-m", "fast"]
        subprocess.run(_as_pg(cmd), check=True, stdout=subprocess.DEVNULL)

    def start(self) -> None:
        subprocess.run(
            _as_pg(
                [
                    str(self.bin / "initdb"),
                    "-D",
                    str(self.primary),
                    "-A",
                    "trust",
                    "-U",
                    "postgres",
                    "-E",
                    "UTF8",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        with (self.primary / "postgresql.conf").open("a") as conf:
            conf.write("wal_level = replica\nmax_wal_senders = 5\nhot_standby = on\nfsync = off\n")
            conf.write("synchronous_commit = off\nfull_page_writes = off\nmax_connections = 200\n")
        self._ctl(self.primary, "start", self.p1)
        subprocess.run(
            _as_pg(
                [
                    str(self.bin / "createdb"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(self.p1),
                    "-U",
                    "postgres",
                    "taizhang",
                ]
            ),
            check=True,
        )
        subprocess.run(
            _as_pg(
                [
                    str(self.bin / "pg_basebackup"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(self.p1),
                    "-U",
                    "postgres",
                    "-D",
                    str(self.replica),
                    "-R",
                    "-X",
                    "stream",
                    "-c",
                    "fast",
                ]
            ),
            check=True,
        )
        self.start_replica()

    def start_replica(self) -> None:
        self._ctl(self.replica, "start", self.p2)

    def stop_replica(self) -> None:
        self._ctl(self.replica, "stop")

    def stop(self) -> None:
        for data in (self.replica, self.primary):
            subprocess.run(
                _as_pg([str(self.bin / "pg_ctl"), "-D", str(data), "stop", "-m", "immediate"]),
                check=False,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )

    def url(self, port: int) -> str:
        return f"postgres://postgres@127.0.0.1:{port}/taizhang"

    def lag(self) -> float | None:
        import psycopg

        try:
            with psycopg.connect(self.url(self.p2), connect_timeout=2, autocommit=True) as conn:
                from taizhang.core.replica import LAG_SQL

                row = conn.execute(LAG_SQL).fetchone()
                return float(row[0]) if row else None
        except psycopg.Error:
            return None


# ---------------------------------------------------------------- nodes and workers


class Node:
    def __init__(self, name: str, env: dict[str, str]) -> None:
        self.name = name
        self.env = env
        self.port = load._free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.server: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None
        self.alive = False

    def start_server(self) -> None:
        self.server = load._start_server(self.port, self.env)
        self.alive = True

    def kill_server(self) -> None:
        self.alive = False
        if self.server is not None:
            os.killpg(self.server.pid, signal.SIGKILL)
            self.server.wait(timeout=30)

    def start_worker(self) -> None:
        log = open(Path(self.env["TAIZHANG_VAR_DIR"]) / "worker.log", "ab")  # noqa: SIM115 - lives with the worker
        self.worker = subprocess.Popen(
            [sys.executable, "-m", "taizhang.cli", "worker", "--interval", "30"],
            env=self.env,
            cwd=ROOT,
            start_new_session=True,
            stdout=log,
            stderr=log,
        )

    def kill_worker(self) -> None:
        if self.worker is not None and self.worker.poll() is None:
            os.killpg(self.worker.pid, signal.SIGKILL)
            self.worker.wait(timeout=30)

    def stop(self) -> None:
        for proc in (self.server, self.worker):
            if proc is not None and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)


class Balancer:
    """Sends each request to a live node in turn; counts failures of requests in flight on a killed node."""

    def __init__(self, nodes: list[Node]) -> None:
        self.nodes = nodes
        self.turn = 0
        self.lock = threading.Lock()

    def pick(self) -> Node:
        with self.lock:
            live = [n for n in self.nodes if n.alive]
            self.turn += 1
            return live[self.turn % len(live)]


def _staff(bal: Balancer, who: str, creds: dict[str, Any], plan: dict[str, Any], stats: Any, stop: float,
           killed: dict[str, int]) -> None:  # fmt: skip
    rng = random.Random(who)
    http, api = requests.Session(), requests.Session()
    http.cookies.set("sessionid", creds["session"])
    api.headers["Authorization"] = f"Bearer {creds['token']}"
    can_act = bool(creds["office_id"] or creds["reportable"])
    while time.time() < stop:
        tick = started = time.perf_counter()
        node = bal.pick()
        roll = rng.random()
        try:
            if roll < 0.1 and can_act:
                kind = "staff write"
                path, response = load._act(node.base, creds, api, rng)
                ok = response.status_code in (200, 201)
            elif roll < 0.55:
                kind, path = "staff page", rng.choice(plan["pages"])
                response = http.get(node.base + path, timeout=30)
                ok = response.status_code == 200
            else:
                kind, path = "staff api", rng.choice(plan["api"])
                response = api.get(node.base + path, timeout=30)
                ok = response.status_code == 200
            stats.note(kind, started, ok, "" if ok else f"{response.status_code} {response.url}", path)
        except requests.RequestException as exc:
            if not node.alive:
                with stats.lock:
                    killed["in flight"] += 1
            else:
                stats.note("staff", started, False, f"{node.name}: {exc!r}")
        time.sleep(max(0.0, 1.0 - (time.perf_counter() - tick)))


def _public(bal: Balancer, stats: Any, stop: float, killed: dict[str, int]) -> None:
    rng = random.Random(7)
    while time.time() < stop:
        tick = time.perf_counter()
        node = bal.pick()
        try:
            _ok, _detail, receipt = load.submit_report(node.base, rng, stats)
            if receipt:
                with stats.lock:
                    stats.receipts.append(receipt)
        except requests.RequestException:
            with stats.lock:
                killed["in flight" if not node.alive else "public"] += 1
        time.sleep(max(0.0, 1.0 - (time.perf_counter() - tick)))


# ---------------------------------------------------------------- the import and the attachment


def _workbook(rows: int, tag: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["线索编号", "来源", "受理时间", "被举报人", "主要问题", "类别"])
    for i in range(rows):
        sheet.append(
            [f"{tag}-{i:05d}", "群众来信", "2024-03-05", f"某{i}", f"集群测试导入第{i}行：强揽工程", "涉恶"]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _session(creds: dict[str, Any]) -> requests.Session:
    http = requests.Session()
    http.cookies.set("sessionid", creds["session"])
    return http


def _start_import(node: Node, creds: dict[str, Any], office_id: int, tag: str) -> int:
    http = _session(creds)
    page = http.get(f"{node.base}/clues/import/", timeout=30)
    response = http.post(
        f"{node.base}/clues/import/",
        data={"csrfmiddlewaretoken": load._csrf(http, page.text), "office": office_id},
        files={"file": ("台账.xlsx", _workbook(IMPORT_ROWS, tag))},
        headers={"Referer": f"{node.base}/clues/import/"},
        allow_redirects=False,
        timeout=60,
    )
    match = re.search(r"/clues/import/(\d+)/", response.headers.get("Location", ""))
    if not match:
        raise SystemExit(f"import upload on {node.name} failed: {response.status_code} {response.text[:300]}")
    return int(match.group(1))


def _attach(node: Node, creds: dict[str, Any], clue_id: int, body: bytes) -> None:
    http = _session(creds)
    page = http.get(f"{node.base}/clues/{clue_id}/", timeout=30)
    http.post(
        f"{node.base}/clues/{clue_id}/attach/",
        data={"csrfmiddlewaretoken": load._csrf(http, page.text)},
        files={"file": ("证据.pdf", body, "application/pdf")},
        headers={"Referer": f"{node.base}/clues/{clue_id}/"},
        timeout=30,
    )


def _pid_of(worker_id: str) -> int:
    return int(worker_id.rsplit(":", 1)[-1]) if ":" in worker_id else -1


# ---------------------------------------------------------------- the run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--staff", type=int, default=30)
    parser.add_argument("--clues", type=int, default=60)
    args = parser.parse_args()
    if args.duration > 600 or args.staff > 200:
        raise SystemExit("bounded: at most 600 s and 200 sessions")
    root = Path(tempfile.mkdtemp(prefix="taizhang-cluster-"))
    root.chmod(0o755)
    pg = Postgres(root / "pg")
    shared = root / "shared-files"
    shared.mkdir()
    secret = secrets.token_urlsafe(60)
    base_env = {
        **os.environ,
        "TAIZHANG_DEBUG": "0",
        "TAIZHANG_SSL_REDIRECT": "0",
        "TAIZHANG_SECRET_KEY": secret,
        "TAIZHANG_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TAIZHANG_LOG_LEVEL": "WARNING",
        "TAIZHANG_FILES_DIR": str(shared),
        "TAIZHANG_IDENTITY_KEY_FILE": str(root / "identity.key"),
        # The audit chain's key and checkpoint are one per installation, like the identity key.
        "TAIZHANG_AUDIT_KEY_FILE": str(root / "audit.key"),
        "TAIZHANG_AUDIT_CHECKPOINT_FILE": str(root / "audit-checkpoint.json"),
        "TAIZHANG_JOB_HEARTBEAT_SECONDS": "1",
        "TAIZHANG_JOB_STALE_SECONDS": "6",
        "TAIZHANG_REPLICA_CHECK_SECONDS": "1",
        "TAIZHANG_PORTAL_POW_BITS": "8",
        "TAIZHANG_PORTAL_SUBMIT_PER_CLIENT": "1000000",
        "TAIZHANG_PORTAL_SUBMIT_TOTAL": "1000000",
        "TAIZHANG_PORTAL_OPEN_PER_CLIENT": "1000000",
        "TAIZHANG_PORTAL_OPEN_TOTAL": "1000000",
        "DJANGO_SETTINGS_MODULE": "taizhang.settings",
        "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}",
    }
    nodes: list[Node] = []
    try:
        print("starting PostgreSQL primary and streaming replica (pg_basebackup) …", flush=True)
        pg.start()
        base_env["TAIZHANG_DATABASE_URL"] = pg.url(pg.p1)
        base_env["TAIZHANG_REPLICA_URL"] = pg.url(pg.p2)
        for name in ("A", "B"):
            var = root / f"node-{name}"
            var.mkdir()
            nodes.append(Node(name, {**base_env, "TAIZHANG_VAR_DIR": str(var)}))
        load._setup_django({**base_env, "TAIZHANG_VAR_DIR": str(root / "bench-var")})
        print(f"preparing: migrate, standard world, {args.clues} clues …", flush=True)
        plan = load._prepare(args.clues)
        from taizhang.core import sealing

        sealing.keyring()  # the one identity key file every node reads (made once, before the nodes start)
        plan["pages"] = list(load.STAFF_PAGES)  # the dashboard is role-gated (403 to unit people)
        plan["api"] = load.STAFF_API
        for node in nodes:
            node.start_server()
            node.start_worker()
        a, b = nodes
        staff = plan["staff"]["office_staff"]
        from django.db import connections

        from taizhang.clues.models import Attachment, Clue, ImportJob
        from taizhang.jobs.models import Job
        from taizhang.org.models import Unit

        office_id = Unit.objects.get(code="CITY").pk
        clue_id = Clue.objects.filter(office_id=office_id).order_by("pk").values_list("pk", flat=True).first()
        connections.close_all()

        stats = load.Stats()
        killed = {"in flight": 0, "public": 0}
        bal = Balancer(nodes)
        stop = time.time() + args.duration
        people = list(plan["staff"].items())
        threads = [
            threading.Thread(target=_staff, args=(bal, f"{w}#{i}", c, plan, stats, stop, killed), daemon=True)
            for i, (w, c) in enumerate(people[i % len(people)] for i in range(args.staff))
        ]
        threads.append(threading.Thread(target=_public, args=(bal, stats, stop, killed), daemon=True))
        print(
            f"running: {args.staff} staff sessions + public stream for {args.duration} s on nodes A and B",
            flush=True,
        )
        started = time.time()
        for thread in threads:
            thread.start()
        lags: list[float] = []
        events: list[str] = []
        tag = f"C{secrets.token_hex(3)}"
        bodies = [secrets.token_bytes(2048) for _ in range(2)]
        import_id = 0
        watched: list[str] = []
        schedule = [
            (0.10, "attach on A"),
            (0.15, "import on A"),
            (0.25, "kill the worker running the import"),
            (0.40, "kill node A"),
            (0.50, "stop the replica"),
            (0.65, "start the replica"),
            (0.70, "restart node A"),
            (0.75, "attach on B"),
        ]
        while time.time() < stop:
            elapsed = (time.time() - started) / args.duration
            while schedule and elapsed >= schedule[0][0]:
                _at, what = schedule.pop(0)
                events.append(f"{time.time() - started:5.1f}s {what}")
                print("  " + events[-1], flush=True)
                if what == "attach on A" and clue_id:
                    _attach(a, staff, clue_id, bodies[0])
                elif what == "attach on B" and clue_id:
                    _attach(b, staff, clue_id, bodies[1])
                elif what == "import on A":
                    import_id = _start_import(a, staff, office_id, tag)
                elif what == "kill the worker running the import":
                    # Wait (up to 10 s) until a worker has claimed the import, then kill that one mid-import.
                    wait_until = time.time() + 10
                    job = Job.objects.filter(kind="clues.import").order_by("-id").first()
                    while job is not None and job.status == "queued" and time.time() < wait_until:
                        time.sleep(0.2)
                        job.refresh_from_db()
                    pid = _pid_of(job.worker_id) if job else -1
                    target = next((n for n in nodes if n.worker and n.worker.pid == pid), a)
                    events[-1] += f" (worker of node {target.name}, job {job.status if job else '-'})"
                    target.kill_worker()
                elif what == "kill node A":
                    a.kill_server()
                elif what == "stop the replica":
                    pg.stop_replica()
                elif what == "start the replica":
                    pg.start_replica()
                elif what == "restart node A":
                    a.start_server()
            lag = pg.lag()
            if lag is not None:
                lags.append(lag)
            if import_id:
                try:
                    fragment = (
                        _session(staff).get(f"{b.base}/clues/import/{import_id}/status/", timeout=10).text
                    )
                    seen = re.search(r"(\d+) / (\d+)", fragment)
                    if seen and (not watched or watched[-1] != seen.group(0)):
                        watched.append(seen.group(0))
                except requests.RequestException:
                    pass
            time.sleep(1.0)
        for thread in threads:
            thread.join(timeout=60)
        elapsed = time.time() - started
        # Let the surviving worker finish the import (resumed after the stale heartbeat).
        deadline = time.time() + 120
        while import_id and time.time() < deadline:
            if ImportJob.objects.get(pk=import_id).is_finished:
                break
            time.sleep(1.0)
        connections.close_all()
        bad_receipts = load._check_receipts(b.base, stats.receipts)
        item = ImportJob.objects.get(pk=import_id) if import_id else None
        imported = Clue.objects.filter(source_ref__startswith=f"{tag}-").count()
        all_or_nothing = item is not None and (
            (item.status == ImportJob.Status.DONE and imported == IMPORT_ROWS)
            or (item.status == ImportJob.Status.FAILED and imported == 0)
        )
        unreadable = 0
        attachments = list(Attachment.objects.filter(clue_id=clue_id))
        for att in attachments:
            for node in nodes:
                got = _session(staff).get(f"{node.base}/clues/attachments/{att.pk}/", timeout=30)
                if got.status_code != 200 or len(got.content) != att.size:
                    unreadable += 1
        jobs = {s: Job.objects.filter(status=s).count() for s in ("done", "failed", "queued", "running")}
        resumed = Job.objects.filter(attempts__gt=1).count()
        from taizhang.core.audit import verify_chain

        audit_count, audit_problem = verify_chain()
    finally:
        for node in nodes:
            node.stop()
        pg.stop()

    everything = [v for values in stats.latencies.values() for v in values]
    errors = sum(stats.errors.values()) + killed["public"]
    print()
    print(f"{'kind':<16}{'requests':>10}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}")
    for kind, values in sorted(stats.latencies.items()):
        print(
            f"{kind:<16}{len(values):>10}{stats.errors[kind]:>8}{statistics.median(values):>9.1f}{load._pct(values, 0.95):>9.1f}"
        )
    p95 = load._pct(everything, 0.95)
    print(f"{'all':<16}{len(everything):>10}{errors:>8}{load._pct(everything, 0.5):>9.1f}{p95:>9.1f}")
    print(f"throughput: {len(everything) / elapsed:.1f} requests/s over {elapsed:.0f} s")
    print(f"failed in flight on the killed node: {killed['in flight']} (not counted as errors)")
    if lags:
        print(
            f"replica lag: max {max(lags):.2f} s, median {statistics.median(lags):.2f} s ({len(lags)} samples while up)"
        )
    print("events: " + "; ".join(events))
    print(f"import watched from node B: {' → '.join(watched[:8])}{' …' if len(watched) > 8 else ''}")
    print(f"jobs: {jobs} (resumed after a lost worker: {resumed})")
    checks = {
        "every receipt opens": bad_receipts == 0,
        "import all or nothing": all_or_nothing,
        "import finished": item is not None and item.is_finished,
        "attachments readable from both nodes": unreadable == 0 and len(attachments) >= 1,
        "audit chain verifies": audit_problem is None,
        "no job left running or queued": jobs["running"] == 0 and jobs["queued"] == 0,
        "no errors outside the killed node": errors == 0,
    }
    print(f"receipts: {len(stats.receipts)} submitted, {bad_receipts} did not open")
    print(f"import: {item.status if item else '-'}, {imported} of {IMPORT_ROWS} rows")
    if item is not None and item.errors:
        print(f"  import errors: {item.errors[:3]}")
    print(
        f"attachments: {len(attachments)} × 2 nodes, {unreadable} unreadable; audit chain {audit_count} entries"
    )
    for name, ok in checks.items():
        print(f"  [{'ok' if ok else 'FAIL'}] {name}")
    for sample in stats.samples[:10]:
        print("  error: " + sample)
    print(f"logs: {root}/node-*/gunicorn.log, worker.log")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
