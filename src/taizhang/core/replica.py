"""Reads that tolerate a few seconds of staleness go to the streaming replica (TAIZHANG_REPLICA_URL).

Which reads: the views named in TOLERANT_VIEWS (dashboard, bulletin, exports, search) and the ledger list
when a leader reads it. ReplicaMiddleware marks such a request; ReplicaRouter then sends its reads of the
domain apps to "replica" unless
- the person changed something within REPLICA_STICKY_SECONDS (a signed cookie set after every write request,
  so it holds on whichever node the next request lands): they read their own write from the primary;
- the replica is down, or lags more than REPLICA_MAX_LAG_SECONDS behind (pg_last_xact_replay_timestamp(),
  counted as 0 when it has replayed everything it received), checked at most every REPLICA_CHECK_SECONDS;
- the read is inside a transaction (it belongs with the writes around it).
Everything else (sessions, accounts, cache, jobs, audit) always reads the primary; nothing migrates the replica.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import connections
from django.http import HttpRequest, HttpResponse

log = logging.getLogger("taizhang.replica")

ALIAS = "replica"
STICKY_COOKIE = "tz_primary"
# url names (namespace:name) whose reads may come from the replica; "clues:list" only for leaders.
TOLERANT_VIEWS = {
    "reports:dashboard",
    "reports:dashboard_data",
    "reports:bulletin",
    "reports:figures",
    "reports:summary_xlsx",
    "reports:assessment",
    "clues:export",
    "cases:export",
    "search:index",
}
LEADER_VIEWS = {"clues:list", "cases:list"}
# Apps whose rows a tolerant read may take from the replica.
ROUTED_APPS = {"clues", "cases", "rectification", "reports", "search", "supervision", "org", "reporters"}

_tolerant: contextvars.ContextVar[bool] = contextvars.ContextVar("taizhang_replica_ok", default=False)


@contextmanager
def tolerant(ok: bool = True) -> Iterator[None]:
    """Within this block, reads of the domain apps may come from the replica (when it is fit)."""
    token = _tolerant.set(ok)
    try:
        yield
    finally:
        _tolerant.reset(token)


class _Health:
    """The replica's fitness, asked at most every REPLICA_CHECK_SECONDS per process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.checked = 0.0
        self.ok = False
        self.lag: float | None = None

    def reset(self) -> None:
        with self.lock:
            self.checked = 0.0


health = _Health()


LAG_SQL = (
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0"
    " WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
    " ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 1e9) END"
)


def measure_lag(alias: str = ALIAS) -> float:
    """Seconds the replica is behind (0 when it has replayed all it received); raises when it is unreachable.

    A short connection of its own (connect_timeout 2 s), apart from the request's, so a hung replica costs
    the probe and never a request."""
    import psycopg

    cfg = settings.DATABASES[alias]
    with psycopg.connect(
        host=cfg.get("HOST") or None,
        port=cfg.get("PORT") or None,
        dbname=cfg.get("NAME") or None,
        user=cfg.get("USER") or None,
        password=cfg.get("PASSWORD") or None,
        connect_timeout=2,
        autocommit=True,
    ) as conn:
        row = conn.execute(LAG_SQL).fetchone()
    return float(row[0]) if row else 1e9


def replica_state(force: bool = False) -> tuple[bool, float | None]:
    """(fit to read from, lag in seconds or None when unreachable)."""
    if ALIAS not in settings.DATABASES:
        return False, None
    now = time.monotonic()
    with health.lock:
        if not force and now - health.checked < settings.REPLICA_CHECK_SECONDS:
            return health.ok, health.lag
        health.checked = now
    try:
        lag: float | None = measure_lag()
    except Exception as exc:
        log.warning("replica unreachable, reading from the primary: %s", exc)
        lag = None
    ok = lag is not None and lag <= settings.REPLICA_MAX_LAG_SECONDS
    if lag is not None and not ok:
        log.warning(
            "replica %.1fs behind (bound %ss), reading from the primary",
            lag,
            settings.REPLICA_MAX_LAG_SECONDS,
        )
    with health.lock:
        health.ok, health.lag = ok, lag
    return ok, lag


class ReplicaRouter:
    """Sends tolerant reads of the domain apps to the replica when it is fit; everything else to the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if not _tolerant.get() or model._meta.app_label not in ROUTED_APPS:
            return None
        if connections["default"].in_atomic_block:
            return None
        ok, _lag = replica_state()
        return ALIAS if ok else None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db != ALIAS


def _is_leader(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_leader())


def sticky(request: HttpRequest) -> bool:
    """True while the person's last write is younger than REPLICA_STICKY_SECONDS."""
    raw = request.COOKIES.get(STICKY_COOKIE)
    if not raw:
        return False
    try:
        signing.loads(raw, salt=STICKY_COOKIE, max_age=settings.REPLICA_STICKY_SECONDS)
    except signing.BadSignature:
        return False
    return True


def wants_replica(request: HttpRequest, url_name: str) -> bool:
    if request.method not in ("GET", "HEAD") or sticky(request):
        return False
    return url_name in TOLERANT_VIEWS or (url_name in LEADER_VIEWS and _is_leader(request))


class ReplicaMiddleware:
    """Marks tolerant requests for the router; after a write request, pins the person to the primary."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            response = self.get_response(request)
        finally:
            token = getattr(request, "_replica_token", None)
            if token is not None:
                _tolerant.reset(token)
        user = getattr(request, "user", None)
        # Staff only: citizens on the public portal never read from the replica and get no cookie of ours.
        if (
            request.method not in ("GET", "HEAD", "OPTIONS")
            and response.status_code < 500
            and user is not None
            and user.is_authenticated
        ):
            response.set_cookie(
                STICKY_COOKIE,
                signing.dumps(1, salt=STICKY_COOKIE),
                max_age=settings.REPLICA_STICKY_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=not settings.DEBUG,
            )
        return response

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        match = request.resolver_match
        name = match.view_name if match else ""
        if ALIAS in settings.DATABASES and wants_replica(request, name):
            token = _tolerant.set(True)
            request._replica_token = token  # type: ignore[attr-defined]
            request._replica_view = (view, args, kwargs)  # type: ignore[attr-defined]
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """The replica went away between its last check and this read: mark it down and answer from the
        primary (a tolerant request is a GET, so running the view again changes nothing)."""
        from django.db import InterfaceError, OperationalError

        saved = getattr(request, "_replica_view", None)
        if (
            saved is None
            or not isinstance(exception, OperationalError | InterfaceError)
            or not _tolerant.get()
        ):
            return None
        log.warning("replica failed during a read, answering from the primary: %s", exception)
        with health.lock:
            health.ok, health.lag, health.checked = False, None, time.monotonic()
        connections[ALIAS].close()
        _tolerant.set(False)
        view, args, kwargs = saved
        response: HttpResponse = view(request, *args, **kwargs)
        return response
