"""/healthz (core.views.healthz: the process and its database answer), /readyz (this node can serve:
django-health-check, in taizhang.readiness, loaded by the first probe) and /metrics.

/readyz fails (500) when the primary database, the cache or the file store is unusable: the load balancer
takes the node out. A lagging or down replica and a missing worker are reported as warnings but keep the
node in: reads fall back to the primary, and queued jobs wait for a worker.
/metrics (django-prometheus, plus the jobs, worker and replica gauges below) answers only with
`Authorization: Bearer $TAIZHANG_METRICS_TOKEN` or to a signed-in system administrator.
Wiring like urls.py, so it sits beside it, above the apps whose state it reads (the job queue, the roles).
"""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client.core import GaugeMetricFamily

from taizhang.org.choices import RoleCode


def worker_age(now: dt.datetime | None = None) -> float | None:
    from taizhang.jobs.models import WorkerBeat

    newest = WorkerBeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    if newest is None:
        return None
    return ((now or timezone.now()) - newest).total_seconds()


@transaction.non_atomic_requests  # as HealthCheckView.dispatch marks the view it makes
async def readyz(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """/readyz: taizhang.readiness's view, imported by the first probe."""
    from taizhang import readiness  # health_check imports dnspython: loaded where probed, not in every worker

    response: HttpResponse = await readiness.readyz(request, *args, **kwargs)
    return response


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
