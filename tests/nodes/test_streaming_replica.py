"""A real streaming replica (pg_basebackup -R, a second cluster on another port): the router's probe reads its
replay lag, finds it fit once it has replayed the primary's writes, and falls back when it is stopped."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connection

from taizhang.core import replica

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql"
    or not (shutil.which("pg_ctl") or list(Path("/usr/lib/postgresql").glob("*/bin/initdb"))),
    reason="PostgreSQL's own replication (run under scripts/with_postgres.py)",
)


@pytest.fixture
def streaming_pair():
    from bench.cluster import Postgres

    root = Path(tempfile.mkdtemp(prefix="taizhang-replica-test-"))
    root.chmod(0o755)
    pg = Postgres(root / "pg")
    try:
        pg.start()
        yield pg
    finally:
        pg.stop()
        shutil.rmtree(root, ignore_errors=True)


def test_a_real_replica_is_fit_after_replaying_and_unfit_when_stopped(streaming_pair, settings, monkeypatch):
    import psycopg

    pg = streaming_pair
    # What TAIZHANG_REPLICA_URL configures (the probe connects on its own; no request reads it here).
    monkeypatch.setitem(
        settings.DATABASES,
        replica.ALIAS,
        {
            "ENGINE": "django.db.backends.postgresql",
            "HOST": "127.0.0.1",
            "PORT": str(pg.p2),
            "NAME": "taizhang",
            "USER": "postgres",
            "PASSWORD": "",
        },
    )
    with psycopg.connect(pg.url(pg.p1), autocommit=True) as primary:
        primary.execute("CREATE TABLE probe (n int)")
        primary.execute("INSERT INTO probe VALUES (42)")
    deadline = time.time() + 30
    seen = None
    while time.time() < deadline:
        try:
            with psycopg.connect(pg.url(pg.p2), autocommit=True) as standby:
                seen = standby.execute("SELECT n FROM probe").fetchone()
                assert standby.execute("SELECT pg_is_in_recovery()").fetchone() == (True,)
            break
        except psycopg.errors.UndefinedTable:
            time.sleep(0.2)
    assert seen == (42,)
    lag = replica.measure_lag()
    assert 0 <= lag <= settings.REPLICA_MAX_LAG_SECONDS
    assert replica.replica_state(force=True) == (True, lag)
    pg.stop_replica()
    assert replica.replica_state(force=True) == (False, None)
    pg.start_replica()
    deadline = time.time() + 30
    while time.time() < deadline and not replica.replica_state(force=True)[0]:
        time.sleep(0.5)
    assert replica.replica_state(force=True)[0] is True
