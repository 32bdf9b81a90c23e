"""SIGKILL in the middle of a write leaves no partial records; after a restart everything is consistent.

Each scenario runs against an installation of its own (a var/ directory, and a SQLite file or a fresh
PostgreSQL database on the suite's server), in separate processes: the one that writes is stopped inside
its transaction (tests/proof/fault_hooks.py) and killed with SIGKILL; then a new process checks that every
table holds exactly what it held before, the audit chain verifies, and the next write works (numbers
continue without a gap).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

_PRELUDE = """
import django, json, os, sys
django.setup()
"""

COUNTS = """
from taizhang.core.backup import _models
print(json.dumps({m._meta.label_lower: m._base_manager.count() for m in _models()
                  if m._meta.label_lower not in {"accounts.signinfailure"}}))
"""

VERIFY = """
from taizhang.core.audit import verify_chain
count, problem = verify_chain()
print(json.dumps({"count": count, "problem": problem.message if problem else None}))
"""

SETUP_WORLD = """
from django.core.management import call_command
call_command("migrate", verbosity=0)
from tests.conftest import build_world
from tests.clues.conftest import Walk
world = build_world()
Walk(world).assigned(summary="故障测试前已有的线索")
print(json.dumps({"ok": True}))
"""

REGISTER = """
from tests.clues.conftest import Walk
from tests.conftest import World
from taizhang.org.models import Unit, User
world = World(units={"city": Unit.objects.get(code="CITY")},
              people={"office_staff": User.objects.get(username="office_staff")})
clue = Walk(world).register(summary=sys.argv[1])
print(json.dumps({"number": clue.number}))
"""


class Installation:
    """A var/ directory and a database of its own, driven through separate Python processes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("TAIZHANG_")}
        self.env.update(
            DJANGO_SETTINGS_MODULE="taizhang.settings",
            PYTHONPATH=f"{ROOT / 'src'}:{ROOT}",
            TAIZHANG_VAR_DIR=str(root),
            TAIZHANG_TESTING="1",
            TAIZHANG_LOG_LEVEL="ERROR",
            TAIZHANG_SECRET_KEY=secrets.token_urlsafe(50),
        )
        self.database: str | None = None
        cluster = os.environ.get("TAIZHANG_DATABASE_URL", "")
        if cluster.startswith("postgres"):
            self.database = f"taizhang_fault_{secrets.token_hex(4)}"
            self._admin(f'CREATE DATABASE "{self.database}"')
            parts = urlsplit(cluster)
            self.env["TAIZHANG_DATABASE_URL"] = urlunsplit(parts._replace(path="/" + self.database))

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(os.environ["TAIZHANG_DATABASE_URL"], autocommit=True) as conn:
            conn.execute(sql)

    def drop(self) -> None:
        if self.database:
            self._admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def run(self, code: str, *args: str) -> dict:
        result = subprocess.run(
            [sys.executable, "-c", _PRELUDE + textwrap.dedent(code), *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return json.loads(result.stdout.strip().splitlines()[-1])

    def start_paused(self, code: str, *args: str, pause: str) -> tuple[subprocess.Popen[str], Path]:
        """Start a writer that stops inside its transaction at `pause` ("module:function")."""
        marker = self.root / f"paused-{secrets.token_hex(3)}"
        env = {**self.env, "TAIZHANG_FAULT_PAUSE": pause, "TAIZHANG_FAULT_MARKER": str(marker)}
        prelude = _PRELUDE + "from tests.proof.fault_hooks import install_pause\ninstall_pause()\n"
        process = subprocess.Popen(
            [sys.executable, "-c", prelude + textwrap.dedent(code), *args],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        return process, marker


def wait_for(marker: Path, process: subprocess.Popen[str], timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while not marker.exists():
        if process.poll() is not None:
            raise AssertionError(f"the writer ended before its pause point: {process.stderr.read()[-2000:]}")
        if time.time() > deadline:
            raise AssertionError("the writer never reached its pause point")
        time.sleep(0.05)


def kill(process: subprocess.Popen[str]) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


@pytest.fixture(scope="module")
def installation(tmp_path_factory):
    inst = Installation(tmp_path_factory.mktemp("fault"))
    try:
        inst.run(SETUP_WORLD)
        yield inst
    finally:
        inst.drop()


def _assert_consistent_after_restart(inst: Installation, before: dict) -> None:
    after = inst.run(COUNTS)
    changed = {
        k: (before.get(k), after.get(k)) for k in set(before) | set(after) if before.get(k) != after.get(k)
    }
    changed.pop("sessions.session", None)
    assert not changed, f"rows left behind by the killed write: {changed}"
    chain = inst.run(VERIFY)
    assert chain["problem"] is None and chain["count"] > 0, chain


def test_a_registration_killed_mid_transaction_leaves_nothing(installation):
    before = installation.run(COUNTS)
    numbers_before = installation.run(
        "from taizhang.clues.models import Clue\nprint(json.dumps(sorted(Clue.objects.values_list('number', flat=True))))"
    )
    writer, marker = installation.start_paused(REGISTER, "被杀掉的登记", pause="taizhang.core.audit:record")
    wait_for(marker, writer)
    kill(writer)
    _assert_consistent_after_restart(installation, before)
    # The next registration works, and its number follows the last one: the killed one left no gap.
    number = installation.run(REGISTER, "重启后的登记")["number"]
    last = int(numbers_before[-1].rsplit("-", 1)[-1])
    assert int(number.rsplit("-", 1)[-1]) == last + 1, (numbers_before, number)


# ---- the server killed while it writes: an import (background thread) and a public submission ----

SESSION = """
from django.conf import settings
from django.test import Client
from taizhang.org.models import User
client = Client()
client.force_login(User.objects.get(username=sys.argv[1]))
print(json.dumps({"session": client.cookies[settings.SESSION_COOKIE_NAME].value}))
"""

IMPORT_STATE = """
from taizhang.clues.models import Clue, ImportJob
print(json.dumps({"imported": Clue.objects.exclude(import_key="").count(),
                  "jobs": list(ImportJob.objects.order_by("id").values_list("status", flat=True))}))
"""


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(inst: Installation, *, pause: str = "") -> tuple[subprocess.Popen[bytes], str, Path]:
    """gunicorn (1 worker, 4 threads) on a free loopback port; with `pause`, writes stop mid-transaction."""
    import requests

    port = _free_port()
    marker = inst.root / f"paused-{secrets.token_hex(3)}"
    env = {**inst.env, "TAIZHANG_FAULT_PAUSE": pause, "TAIZHANG_FAULT_MARKER": str(marker)}
    log = (inst.root / "gunicorn.log").open("ab")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "taizhang.wsgi:application", "-c", str(ROOT / "tests/proof/fault_hooks.py"),
         "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4", "--worker-class", "gthread"],
        env=env, cwd=ROOT, stdout=log, stderr=log, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            if requests.get(base + "/healthz", timeout=2).status_code == 200:
                return server, base, marker
        except requests.RequestException:
            time.sleep(0.3)
    os.killpg(server.pid, signal.SIGKILL)
    raise AssertionError("gunicorn did not start: " + (inst.root / "gunicorn.log").read_text()[-2000:])


def _ledger_xlsx(rows: int) -> bytes:
    import io

    import openpyxl

    from taizhang.clues.exports import COLUMNS

    book = openpyxl.Workbook()
    book.active.append(COLUMNS)
    for i in range(rows):
        book.active.append(
            {COLUMNS.index("线索编号") + 1: f"旧-2024-{i:04d}", COLUMNS.index("来源") + 1: "群众来信",
             COLUMNS.index("受理时间") + 1: "2024-03-05", COLUMNS.index("被举报人") + 1: f"某甲{i}",
             COLUMNS.index("主要问题") + 1: f"旧台账第{i}条：强揽工程"}
        )  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _post_import(base: str, session: str, content: bytes, office_id: int) -> int:
    import re

    import requests

    http = requests.Session()
    http.cookies.set("sessionid", session)
    page = http.get(base + "/clues/import/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = http.post(
        base + "/clues/import/",
        data={"csrfmiddlewaretoken": token, "office": str(office_id)},
        files={"file": ("旧台账.xlsx", content)},
        timeout=60,
        allow_redirects=False,
    )
    return response.status_code


WORKER = """
from taizhang.jobs import runner
runner.IN_WORKER = True
print(json.dumps({"ran": runner.run_ready()}))
"""

RESUME = """
from django.test.utils import override_settings
from taizhang.jobs import runner
with override_settings(JOB_STALE_SECONDS=0):
    reaped = runner.reap()
print(json.dumps({"reaped": reaped, "ran": runner.run_ready()}))
"""


def test_the_worker_killed_during_an_import_leaves_no_partial_import_and_the_job_resumes(installation):
    session = installation.run(SESSION, "office_staff")["session"]
    office_id = installation.run(
        "from taizhang.org.models import Unit\nprint(json.dumps(Unit.objects.get(code='CITY').pk))"
    )
    content = _ledger_xlsx(30)
    before = installation.run(COUNTS)
    # The page queues the import as a job; a worker runs it. Stop that worker after the first row and kill it.
    server, base, _marker = start_server(installation)
    try:
        assert _post_import(base, session, content, office_id) == 302
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
    worker, marker = installation.start_paused(WORKER, pause="taizhang.clues.imports:_write_row")
    try:
        wait_for(marker, worker)
    finally:
        kill(worker)
    state = installation.run(IMPORT_STATE)
    assert state["imported"] == 0, "rows of the killed import were committed"
    assert state["jobs"] == ["running"]
    chain = installation.run(VERIFY)
    assert chain["problem"] is None, chain
    after = installation.run(COUNTS)
    grown = {k for k in after if after[k] != before.get(k)}
    assert grown <= {
        "clues.importjob",
        "sessions.session",
        "core.auditentry",
        "core.audithead",
        "jobs.job",
        "jobs.workerbeat",
        "django_tasks_database.dbtaskresult",
    }, grown
    # Another worker finds the job's heartbeat stale, resumes it, and the same file imports whole, once.
    resumed = installation.run(RESUME)
    assert resumed["reaped"]["resumed"] == 1 and resumed["ran"] == 1, resumed
    state = installation.run(IMPORT_STATE)
    assert state["imported"] == 30 and state["jobs"] == ["done"], state
    assert installation.run(VERIFY)["problem"] is None


def _portal_submit(base: str, summary: str):
    import re

    import requests

    from taizhang.portal.abuse import solve

    http = requests.Session()
    page = http.get(base + "/report/new/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    challenge = re.search(r'name="challenge" value="([^"]*)"', page.text).group(1)
    bits = int(re.search(r'data-pow-bits="(\d+)"', page.text).group(1))
    data = {
        "csrfmiddlewaretoken": token,
        "challenge": challenge,
        "pow_answer": solve(challenge, bits),
        "reporter_kind": "anonymous",
        "summary": summary,
        "facts": "该人长期纠集闲散人员，强占村集体土地。",
        "subject_0_kind": "person",
        "subject_0_name": "赵某某",
    }
    return http.post(base + "/report/new/", data=data, timeout=60, headers={"Referer": base + "/report/new/"})


# Every portal clue has its receipt, and every receipt its clue (the two are written in one transaction).
PORTAL_PAIRS = """
from taizhang.clues.models import Clue
from taizhang.portal.models import Receipt
portal = Clue.objects.filter(channel="portal")
print(json.dumps({"clues": portal.count(), "without_receipt": portal.filter(receipt__isnull=True).count(),
                  "receipts": Receipt.objects.count()}))
"""


def _interrupted_submission(base: str) -> None:
    # The server is killed while this request waits for its answer: the broken connection is the point.
    import contextlib

    import requests

    with contextlib.suppress(requests.RequestException):
        _portal_submit(base, "被中断的举报")


def test_the_server_killed_during_a_public_submission_leaves_nothing(installation):
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("portal:report")
    except NoReverseMatch:
        pytest.skip("the public portal is not in this build yet")
    installation.env["TAIZHANG_PORTAL_POW_BITS"] = "4"
    before = installation.run(COUNTS)
    server, base, marker = start_server(installation, pause="taizhang.core.audit:record")
    try:
        import threading

        # The request never answers: the worker is stopped inside the submission's transaction.
        threading.Thread(target=_interrupted_submission, args=(base,), daemon=True).start()
        wait_for(marker, server)
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
    after = installation.run(COUNTS)
    grown = {k for k in after if after[k] != before.get(k)}
    # Rate counters and spent challenges are written outside the submission, on purpose (abuse limits).
    assert grown <= {"gate.ratecounter", "gate.spentchallenge", "sessions.session"}, grown
    assert installation.run(VERIFY)["problem"] is None
    pairs = installation.run(PORTAL_PAIRS)
    assert pairs["without_receipt"] == 0 and pairs["receipts"] == pairs["clues"], pairs
    server, base, _marker = start_server(installation)
    try:
        response = _portal_submit(base, "重启后的举报")
        assert response.status_code == 200 and "data-receipt-code" in response.text
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
    assert installation.run(VERIFY)["problem"] is None
    after_restart = installation.run(PORTAL_PAIRS)
    # The submission after the restart is whole: one more clue, with its receipt.
    assert after_restart == {
        "clues": pairs["clues"] + 1,
        "without_receipt": 0,
        "receipts": pairs["receipts"] + 1,
    }, after_restart
