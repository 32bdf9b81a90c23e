"""Home-page panel: the way in to figures from text, for the people who may use it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from taizhang.figures.views import USERS
from taizhang.org.visibility import scope_of


def home_panels(request: HttpRequest) -> list[dict[str, Any]]:
    scope = scope_of(request.user)
    if scope is None or scope.unit_id is None or not scope.has(*USERS):
        return []
    return [{"template": "figures/_panel.html", "width": 4, "title": _("从文本提取数据")}]
