"""Template tags for the header: the unread notification count."""

from __future__ import annotations

from typing import Any

from django import template

from taizhang.supervision.notify import unread_count as _unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_count(context: Any) -> int:
    """The signed-in person's unread notifications (0 for anonymous), counted once per request."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None:
        return 0
    cached = getattr(request, "_tz_unread", None)
    if cached is None:
        cached = _unread_count(user)
        request._tz_unread = cached
    return cached


@register.inclusion_tag("supervision/_calendar_warning.html", takes_context=True)
def calendar_warning(context: Any) -> dict[str, Any]:
    """The unknown years that deadlines computed for this page ran through (rendered after the view ran)."""
    from taizhang.core.deadlines import guessed_years

    request = context.get("request")
    user = getattr(request, "user", None)
    years = guessed_years()
    if not years or user is None or not user.is_authenticated:
        return {"years": []}
    from taizhang.org.choices import RoleCode

    return {"years": years, "is_admin": user.has_role(RoleCode.SYSADMIN)}


@register.filter("step_label")
@register.filter
def step_name(code: str) -> str:
    """A deadline step's Chinese name (转交 → 移交移送), never the internal code."""
    from taizhang.supervision.choices import step_label

    return step_label(code)
