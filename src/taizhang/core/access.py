"""Who may open a page, asked once: by the view before it runs and by every link to it before it is shown.

A view declares its check with `@page_rule(check)`; `check(user, **url_kwargs) -> bool`. The view answers
`deny` (404 by default, like a record one may not see; 403 where the page says so) when the check refuses,
and `allowed_url(user, name, *args)` gives the link only when the same check agrees, so a person is never
offered a link that leads to a refusal (tests/proof/test_crawl.py walks every persona's links).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import NoReverseMatch, Resolver404, get_script_prefix, resolve, reverse

Check = Callable[..., bool]


def page_rule(check: Check, *, deny: type[Exception] = Http404) -> Callable[[Any], Any]:
    """Guard a view with `check(user, **url_kwargs)`, and attach the check for links (see allowed_url)."""

    def decorate(view: Any) -> Any:
        @functools.wraps(view)
        def guarded(request: Any, *args: Any, **kwargs: Any) -> Any:
            if not check(request.user, **kwargs):
                raise deny()
            return view(request, *args, **kwargs)

        guarded.page_check = check  # type: ignore[attr-defined]
        return guarded

    return decorate


def may_open(user: Any, path: str) -> bool:
    """Whether the page at `path` lets the person in, by its view's own check (True when it has none)."""
    if user is None or not user.is_authenticated:
        return False
    try:
        match = resolve(path.split("?")[0])
    except Exception:
        return False
    check = getattr(match.func, "page_check", None)
    return True if check is None else bool(check(user, **match.kwargs))


@functools.lru_cache(maxsize=256)
def _page(name: str, prefix: str) -> tuple[str, Check | None, dict[str, Any]] | None:
    """A page without arguments: its URL and its view's check, found once (reverse and resolve cost ~0.1 ms,
    and every page's navigation asks for ten). `prefix`, the script prefix, is part of the URL."""
    try:
        url = reverse(name)
        match = resolve(url)
    except (NoReverseMatch, Resolver404):
        return None
    return url, getattr(match.func, "page_check", None), match.kwargs


def allowed_url(user: Any, name: str, *args: Any, **kwargs: Any) -> str:
    """The URL of the named page if the person may open it, else ''."""
    if not args and not kwargs:
        if user is None or not user.is_authenticated:
            return ""
        page = _page(name, get_script_prefix())
        if page is None:
            return ""
        url, check, url_kwargs = page
        return url if check is None or check(user, **url_kwargs) else ""
    try:
        url = reverse(name, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""
    return url if may_open(user, url) else ""


__all__ = ["PermissionDenied", "allowed_url", "may_open", "page_rule"]
