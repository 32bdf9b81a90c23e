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


@register.filter
def step_label(code: str) -> str:
    """A deadline step's Chinese name (`register_transfer` → 接收登记); never the code itself."""
    from taizhang.supervision.choices import DeadlineStep

    labels = dict(DeadlineStep.choices)
    return str(labels.get(code, "")) if code else ""
