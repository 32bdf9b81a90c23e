"""The read replica: tolerant reads go to it when it is fit, to the primary when it is down, lags beyond the
bound, or the person wrote something a moment ago (sticky to the primary, on whichever node)."""

from __future__ import annotations

import contextlib
import socket

import dj_database_url
import psycopg
import pytest
from django.db import connection, connections, transaction
from django.test import RequestFactory
from django.urls import reverse

from taizhang.clues.models import Clue
from taizhang.core import replica
from taizhang.org.models import Unit


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _allow_in_this_test(conn) -> None:
    """Django's test case refuses connections to aliases it was not told of (it patches ensure_connection
    for the test's duration); this alias is added by the test itself, so let its connection be made."""
    import types

    from django.db.backends.base.base import BaseDatabaseWrapper

    patched = BaseDatabaseWrapper.ensure_connection
    for cell in getattr(patched, "__closure__", None) or ():
        value = cell.cell_contents
        if callable(value) and getattr(value, "__name__", "") == "ensure_connection":
            conn.ensure_connection = types.MethodType(value, conn)


@pytest.fixture
def replica_at():
    """Configure the "replica" alias (as TAIZHANG_REPLICA_URL does) for one test."""
    added = []

    def configure(url: str | None = None, same_as_primary: bool = False) -> None:
        if same_as_primary:
            cfg = dict(connections.settings["default"])
            cfg["TEST"] = {}
        else:
            cfg = dj_database_url.parse(url or "")
            cfg["OPTIONS"] = {"connect_timeout": 1}
        filled = connections.configure_settings(
            {"default": dict(connections.settings["default"]), replica.ALIAS: cfg}
        )
        connections.settings[replica.ALIAS] = filled[replica.ALIAS]
        added.append(replica.ALIAS)
        _allow_in_this_test(connections[replica.ALIAS])

    yield configure
    for alias in added:
        connections[alias].close()
        connections.settings.pop(alias, None)
        with contextlib.suppress(AttributeError, KeyError):
            del connections[alias]
    replica.health.reset()


def test_without_a_replica_everything_reads_the_primary(db):
    with replica.tolerant():
        assert replica.ReplicaRouter().db_for_read(Clue) is None
        assert Clue.objects.all().db == "default"


def test_a_down_replica_falls_back_to_the_primary_and_the_page_still_answers(
    transactional_db, world, replica_at
):
    replica_at(f"postgres://taizhang:x@127.0.0.1:{_free_port()}/taizhang")
    from django.conf import settings

    assert replica.ALIAS in settings.DATABASES
    with pytest.raises(psycopg.OperationalError):
        replica.measure_lag()  # really tried, really down
    ok, lag = replica.replica_state(force=True)
    assert (ok, lag) == (False, None)
    with replica.tolerant():
        assert Clue.objects.all().db == "default"
    # The bulletin and the leader's ledger list (tolerant reads) answer from the primary.
    leader = world.client_for("office_leader")
    assert leader.get(reverse("clues:list")).status_code == 200
    assert leader.get(reverse("reports:dashboard")).status_code == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="replay lag is PostgreSQL's")
def test_a_fit_replica_takes_tolerant_reads_and_a_lagging_one_does_not(
    transactional_db, replica_at, settings
):
    replica_at(same_as_primary=True)  # a primary answers lag 0: fit
    assert replica.replica_state(force=True) == (True, 0.0)
    router = replica.ReplicaRouter()
    with replica.tolerant():
        assert router.db_for_read(Clue) == replica.ALIAS
        assert router.db_for_read(Unit) == replica.ALIAS
        with transaction.atomic():
            assert router.db_for_read(Clue) is None  # inside a transaction: with its writes
    assert router.db_for_read(Clue) is None  # not a tolerant read
    from taizhang.jobs.models import Job

    with replica.tolerant():
        assert router.db_for_read(Job) is None  # jobs, sessions, audit: always the primary
    settings.REPLICA_MAX_LAG_SECONDS = -1  # any lag is beyond the bound
    assert replica.replica_state(force=True)[0] is False
    with replica.tolerant():
        assert router.db_for_read(Clue) is None


def test_which_requests_are_tolerant(world):
    factory = RequestFactory()

    def request(method: str, who: str, cookies: dict | None = None):
        req = getattr(factory, method)("/")
        req.user = world.people[who]
        req.COOKIES.update(cookies or {})
        return req

    assert replica.wants_replica(request("get", "office_staff"), "reports:dashboard")
    assert replica.wants_replica(request("get", "office_staff"), "search:index")
    assert not replica.wants_replica(request("post", "office_staff"), "reports:dashboard")
    assert replica.wants_replica(request("get", "office_leader"), "clues:list")
    assert not replica.wants_replica(request("get", "office_staff"), "clues:list")  # staff work on it
    assert not replica.wants_replica(request("get", "office_staff"), "clues:detail")


def test_a_write_pins_the_person_to_the_primary_for_the_sticky_window(world, settings):
    from django.core import signing

    client = world.client_for("office_leader")
    response = client.post(reverse("clues:list"))  # any write request, whatever its answer
    cookie = response.cookies[replica.STICKY_COOKIE]
    assert int(cookie["max-age"]) == settings.REPLICA_STICKY_SECONDS
    factory = RequestFactory()
    after = factory.get("/")
    after.user = world.people["office_leader"]
    after.COOKIES[replica.STICKY_COOKIE] = cookie.value
    assert replica.sticky(after) and not replica.wants_replica(after, "reports:dashboard")
    forged = factory.get("/")
    forged.user = world.people["office_leader"]
    forged.COOKIES[replica.STICKY_COOKIE] = signing.dumps(1, salt="other")
    assert not replica.sticky(forged)
    settings.REPLICA_STICKY_SECONDS = 0  # the window has passed
    import time

    time.sleep(1.1)
    assert not replica.sticky(after)


def test_a_replica_that_fails_mid_request_is_marked_down_and_the_page_answers_from_the_primary(
    transactional_db, world, replica_at
):
    replica_at(f"postgres://taizhang:x@127.0.0.1:{_free_port()}/taizhang")
    import time

    # Its last check said fit (it went away since): the read fails on it, and the page is served anyway.
    with replica.health.lock:
        replica.health.ok, replica.health.lag, replica.health.checked = True, 0.0, time.monotonic() + 60
    response = world.client_for("office_staff").get(reverse("search:index"), {"q": "团伙"})
    assert response.status_code == 200
    assert replica.health.ok is False


def test_the_tolerant_mark_does_not_leak_to_the_next_request(world, replica_at):
    replica_at(f"postgres://taizhang:x@127.0.0.1:{_free_port()}/taizhang")
    world.client_for("office_leader").get(reverse("reports:dashboard"))
    assert replica._tolerant.get() is False


def test_the_replica_is_never_migrated():
    assert replica.ReplicaRouter().allow_migrate(replica.ALIAS, "clues") is False
    assert replica.ReplicaRouter().allow_migrate("default", "clues") is True


def test_citizens_get_no_sticky_cookie(client, db):
    response = client.post("/report/new/", {})
    assert replica.STICKY_COOKIE not in response.cookies
