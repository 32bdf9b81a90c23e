"""The staff home page and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults

from taizhang.core.discovery import app_modules


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Greets the person with their unit and roles; each app may add a panel (its `panels.home_panels`)."""
    panels = []
    for module in app_modules("panels"):
        panels.extend(module.home_panels(request))
    return render(request, "core/home.html", {"panels": panels})


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for a load balancer: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404: the JSON error shape under /api/ (a path no operation matches), the usual page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "message": _("记录不存在或您无权查看。")}, status=404)
    return defaults.page_not_found(request, exception or Http404())


def server_error(request: HttpRequest) -> HttpResponse:
    """500: the JSON error shape under /api/, the usual page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "server_error", "message": _("服务器内部错误，已记录。请稍后重试。")}, status=500
        )
    return defaults.server_error(request)
