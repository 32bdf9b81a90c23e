"""A long legacy import does not lock other people out: while it is half-way through its one transaction,
someone else signs in (which writes an audit entry) without waiting, and afterwards the chain is whole.

Separate threads, separate connections, PostgreSQL (SQLite has one writer at a time whatever the code does).
Before, every audit entry of the import locked the chain's head until the import committed, so the sign-in
waited for the whole import (six minutes for 4,000 rows)."""

from __future__ import annotations

import importlib
import tempfile
import threading
import time
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection, connections
from django.test import Client

from taizhang.clues import imports
from taizhang.clues.models import Clue
from taizhang.core.audit import verify_chain
from taizhang.core.models import AuditEntry
from tests.clues.test_export_import import GOOD, _ledger
from tests.conftest import build_world

HOLD = 15.0  # how long the import waits half-way for the sign-in before it goes on anyway


@pytest.mark.django_db(transaction=True)
def test_a_sign_in_during_a_long_import_does_not_wait_for_it():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the concurrency proof needs PostgreSQL (make test runs it)")
    importlib.import_module("taizhang.org.migrations.0002_seed_roles").seed(apps, None)
    world = build_world()
    with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as handle:
        handle.write(_ledger(GOOD))
    rows, errors = imports.read_workbook(Path(handle.name), world.units["city"])
    assert not errors
    # A first sign-in warms up what any first request loads (and gives the time a sign-in takes here).
    started = time.monotonic()
    Client().post("/accounts/login/", {"username": "handler", "password": "pw-for-tests-123"})
    baseline = time.monotonic() - started
    midway, signed_in = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def report(done: int) -> None:
        if done == 1:
            midway.set()
            signed_in.wait(HOLD)

    def run_import() -> None:
        try:
            imports.write_rows(rows, world.units["city"], world.people["office_staff"], report)
        except BaseException as exc:
            failures.append(exc)
        finally:
            connections.close_all()

    worker = threading.Thread(target=run_import)
    worker.start()
    assert midway.wait(30)
    started = time.monotonic()
    response = Client().post("/accounts/login/", {"username": "handler", "password": "pw-for-tests-123"})
    elapsed = time.monotonic() - started
    signed_in.set()
    worker.join(60)
    assert not failures, failures
    assert response.status_code == 302
    assert elapsed < baseline + HOLD / 3, (
        f"the sign-in waited {elapsed:.1f} s for the import ({baseline:.1f} s alone)"
    )
    assert Clue.objects.count() == len(GOOD)
    assert AuditEntry.objects.filter(action="clue.import").count() == len(GOOD)
    count, problem = verify_chain()
    assert problem is None and count == AuditEntry.objects.count()
