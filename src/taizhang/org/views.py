"""The unit tree as the signed-in person may see it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from taizhang.org.models import Unit


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    units = Unit.objects.visible_to(request.user).select_related("parent").order_by("path")
    return render(request, "org/unit_list.html", {"units": units})
