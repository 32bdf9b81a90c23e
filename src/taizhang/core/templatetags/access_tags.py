"""`{% allowed_url 'app:name' arg as url %}`: the link only when the person may open it (core/access.py)."""

from __future__ import annotations

from typing import Any

from django import template

from taizhang.core import access

register = template.Library()


@register.simple_tag(takes_context=True)
def allowed_url(context: Any, name: str, *args: Any) -> str:
    """The page's URL if the signed-in person may open it, '' otherwise."""
    request = context.get("request")
    return access.allowed_url(getattr(request, "user", None), name, *args)
