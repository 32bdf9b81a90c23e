"""/readyz's checks and view (django-health-check; what fails it and what only warns: taizhang.health).

Imported by taizhang.health.readyz on the first probe, not at the server's start: the package imports its DNS
check, hence dnspython (2.6 MiB in each worker, #25). Nor is it in INSTALLED_APPS: ReadyView answers JSON where
the package would render its template, and nothing else here uses the app.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable, ServiceWarning
from health_check.views import HealthCheckView

from taizhang.health import worker_age


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
