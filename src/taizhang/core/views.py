"""The staff home page and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from taizhang.core.discovery import PanelsHook, hooks


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Greets the person with their unit and roles; each app may add a panel (its `panels.home_panels`)."""
    panels = []
    for module in hooks("panels", PanelsHook):
        panels.extend(module.home_panels(request))
    return render(request, "core/home.html", {"panels": panels})


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for a load balancer: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
