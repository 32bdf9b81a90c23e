"""Template context every page gets: the navigation and the person's unit and roles."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from taizhang.core import drafts
from taizhang.core.access import allowed_url

# (url name, label): an area appears once its app defines the URL.
NAVIGATION = [
    ("clues:list", _("线索台账")),
    ("cases:list", _("案件")),
    ("publicity:index", _("宣传")),
    ("supervision:board", _("督办")),
    ("rectification:list", _("整改")),
    ("drives:list", _("排查")),
    ("reviews:list", _("评查回访")),
    ("people:list", _("人员关系")),
    ("reports:index", _("报送")),
    ("reports:dashboard", _("统计")),
]


def _nav(request: HttpRequest) -> list[dict[str, Any]]:
    items = []
    for name, label in NAVIGATION:
        # An area appears only to people its page lets in (the page's own check, core/access.py).
        url = allowed_url(request.user, name)
        if not url:
            continue
        items.append({"url": url, "label": label, "active": request.path.startswith(url)})
    return items


def taizhang(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {
        "nav_items": _nav(request),
        "me_roles": user.role_labels(),
        "me_unit": user.unit,
        # Called by base.html only (a template calls it when it reads it): a refused form's typed values.
        "kept_draft": lambda: drafts.take(request),
    }
