"""Find every URL pattern Django serves and every operation the JSON API offers, as matrix keys."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    """One URL pattern: its matrix key ("namespace:name"), the pattern text and its parameter names."""

    key: str
    pattern: str
    params: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Operation:
    """One API operation: its matrix key ("GET /api/org/units") and its path parameters."""

    key: str
    method: str
    path: str
    params: tuple[str, ...] = field(default_factory=tuple)


# The API's URL patterns are matched as operations (below), except its documentation pages and root.
_API_PAGES = {"api:openapi-json", "api:openapi-view", "api:api-root"}


def _params(pattern: object) -> tuple[str, ...]:
    converters = getattr(pattern, "converters", None)
    if converters:
        return tuple(converters)
    regex = getattr(pattern, "regex", None)
    return tuple(regex.groupindex) if regex is not None else ()


def _walk(resolver: URLResolver, prefix: str, namespaces: tuple[str, ...], params: tuple[str, ...]):
    for entry in resolver.url_patterns:
        text = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from _walk(entry, text, ns, params + _params(entry.pattern))
        elif isinstance(entry, URLPattern):
            name = entry.name or text
            yield Route(
                key=":".join((*namespaces, name)), pattern=text, params=params + _params(entry.pattern)
            )


def page_routes() -> dict[str, Route]:
    """Every URL pattern outside the API's operations, keyed "namespace:name" (the pattern when unnamed)."""
    routes = {}
    for route in _walk(get_resolver(), "/", (), ()):
        if route.key.startswith("api:") and route.key not in _API_PAGES:
            continue
        routes[route.key] = route
    return routes


def _path_view(callback: object) -> object | None:
    # django-ninja serves each path through a closure over its PathView, which lists the operations.
    for cell in getattr(callback, "__closure__", None) or ():
        contents = cell.cell_contents
        if hasattr(contents, "operations"):
            return contents
    return None


def api_operations() -> dict[str, Operation]:
    """Every operation the API serves (read from the URL patterns Django actually routes), by method."""
    ops = {}
    for route, callback in _api_patterns():
        path_view = _path_view(callback)
        if path_view is None:
            continue
        for op in path_view.operations:
            for method in op.methods:
                key = f"{method} {route.pattern}"
                ops[key] = Operation(key=key, method=method, path=route.pattern, params=route.params)
    return ops


def _api_patterns():
    def walk(resolver, prefix, namespaces, params):
        for entry in resolver.url_patterns:
            text = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                ns = (*namespaces, entry.namespace) if entry.namespace else namespaces
                yield from walk(entry, text, ns, params + _params(entry.pattern))
            elif namespaces[:1] == ("api",):
                route = Route(key=entry.name or text, pattern=text, params=params + _params(entry.pattern))
                yield route, entry.callback

    yield from walk(get_resolver(), "/", (), ())
