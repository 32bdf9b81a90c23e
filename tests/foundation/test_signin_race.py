"""Parallel wrong passwords: at most LOGIN_FAILURE_LIMIT of them are ever checked (count-and-refuse is one step).

Separate threads, separate connections, real commits. Before, each attempt counted the failures, checked the
password and only then wrote its failure, so guesses sent together all passed the count (16 of 16)."""

from __future__ import annotations

import importlib
import threading

import pytest
from django.apps import apps
from django.db import connection, connections
from django.test import Client

from taizhang.core.models import AuditEntry
from tests.conftest import build_world

PARALLEL = 16


@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_are_counted_before_they_are_checked(settings):
    if connection.vendor == "sqlite":
        pytest.skip(
            "the test database is SQLite in memory (shared cache locks tables); make test runs PostgreSQL"
        )
    # A hasher that takes a while, as argon2 does in production: the window a check-then-write race needs.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    importlib.import_module("taizhang.org.migrations.0002_seed_roles").seed(apps, None)
    world = build_world()
    world.people["handler"].set_password("pw-for-tests-123")
    world.people["handler"].save()
    barrier = threading.Barrier(PARALLEL)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def guess(i: int) -> None:
        try:
            barrier.wait()
            statuses.append(
                Client()
                .post("/accounts/login/", {"username": "handler", "password": f"guess-{i}"})
                .status_code
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(PARALLEL)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    evaluated = AuditEntry.objects.filter(action="auth.login_failed", object_id="handler").count()
    refused = AuditEntry.objects.filter(action="auth.login_refused_locked", object_id="handler").count()
    assert evaluated + refused == PARALLEL
    assert evaluated <= settings.LOGIN_FAILURE_LIMIT
    assert statuses.count(429) == refused >= PARALLEL - settings.LOGIN_FAILURE_LIMIT
    # And the right password is refused too now.
    assert (
        Client().post("/accounts/login/", {"username": "handler", "password": "pw-for-tests-123"}).status_code
        == 429
    )
