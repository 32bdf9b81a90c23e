"""/healthz (core.views.healthz: the process and its database answer), /readyz (this node can serve: django-health-check) and /metrics.

/readyz fails (500) when the primary database, the cache or the file store is unusable: the load balancer
takes the node out. A lagging or down replica and a missing worker are reported as warnings but keep the
node in: reads fall back to the primary, and queued jobs wait for a worker.
/metrics (django-prometheus, plus the jobs, worker and replica gauges below) answers only with
`Authorization: Bearer $TAIZHANG_METRICS_TOKEN` or to a signed-in system administrator.
Wiring like urls.py, so it sits beside it, above the apps whose state it reads (the job queue, the roles).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hmac
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable, ServiceWarning
from health_check.views import HealthCheckView
from prometheus_client.core import GaugeMetricFamily

from taizhang.org.choices import RoleCode


@dataclasses.dataclass
class ReplicaLag(HealthCheck):
    def run(self) -> None:
        from taizhang.core import replica

        if replica.ALIAS not in settings.DATABASES:
            return
        ok, lag = replica.replica_state(force=True)
        if lag is None:
            raise ServiceWarning("replica unreachable; reads go to the primary")
        if not ok:
            raise ServiceWarning(f"replica {lag:.1f}s behind; reads go to the primary")


@dataclasses.dataclass
class WorkerHeartbeat(HealthCheck):
    def run(self) -> None:
        from django.db import connection

        try:
            age = worker_age()
        finally:
            connection.close()  # checks run in the view's executor threads: leave no connection behind
        if age is None:
            raise ServiceWarning("no worker has ever beaten")
        if age > settings.WORKER_STALE_SECONDS:
            raise ServiceWarning(f"newest worker heartbeat {age:.0f}s old")


@dataclasses.dataclass
class FilesWritable(HealthCheck):
    """The file store (default_storage) takes a write, gives it back and deletes it."""

    def run(self) -> None:
        from health_check.checks import Storage

        try:
            Storage().run()
        except ServiceUnavailable:
            raise
        except Exception as exc:
            raise ServiceUnavailable("file store not writable") from exc


def worker_age(now: dt.datetime | None = None) -> float | None:
    from taizhang.jobs.models import WorkerBeat

    newest = WorkerBeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    if newest is None:
        return None
    return ((now or timezone.now()) - newest).total_seconds()


class ReadyView(HealthCheckView):
    checks = (
        "health_check.checks.Database",
        "health_check.checks.Cache",
        FilesWritable,
        ReplicaLag,
        WorkerHeartbeat,
    )

    async def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = await super().get(request, *args, **kwargs)
        # Warnings (replica, worker) keep the node in the pool; only real failures take it out.
        if response.status_code == 500 and all(
            r.error is None or isinstance(r.error, ServiceWarning) for r in self.results
        ):
            response.status_code = 200
        return response

    def render_to_response(self, context: dict[str, Any], **response_kwargs: Any) -> HttpResponse:
        """The machine answer (JSON) where the package would render its HTML page (a browser's Accept):
        /readyz is for load balancers and probes, not a page for people."""
        return self.render_to_response_json(response_kwargs.get("status", 200))


readyz = never_cache(ReadyView.as_view())


class TaizhangCollector:
    """Jobs by state, the newest worker heartbeat's age and the replica's lag, read at scrape time."""

    def collect(self) -> Any:
        from django.db.models import Count

        from taizhang.core import replica
        from taizhang.jobs.choices import JobStatus
        from taizhang.jobs.models import Job

        jobs = GaugeMetricFamily("taizhang_jobs", "Jobs by state", labels=["status"])
        counts = dict(Job.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
        for status in JobStatus.values:
            jobs.add_metric([status], counts.get(status, 0))
        yield jobs
        age = worker_age()
        yield GaugeMetricFamily(
            "taizhang_worker_heartbeat_age_seconds",
            "Seconds since the newest worker heartbeat (-1: none)",
            value=-1 if age is None else age,
        )
        if replica.ALIAS in settings.DATABASES:
            _ok, lag = replica.replica_state()
            yield GaugeMetricFamily(
                "taizhang_replica_lag_seconds",
                "Replica replay lag (-1: unreachable)",
                value=-1 if lag is None else lag,
            )


_collector: TaizhangCollector | None = None


def _register() -> None:
    global _collector
    if _collector is None:
        from prometheus_client import REGISTRY

        _collector = TaizhangCollector()
        REGISTRY.register(_collector)


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    allowed = bool(token) and hmac.compare_digest(given.encode(), token.encode())
    user = getattr(request, "user", None)
    if not allowed and not (user is not None and user.is_authenticated and user.has_role(RoleCode.SYSADMIN)):
        raise Http404()
    import os

    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # gunicorn's worker processes each count their own requests: add them up from the shared folder.
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(TaizhangCollector())
    else:
        _register()
        registry = REGISTRY
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
