"""No GET route of the whole site shows a sealed identity; only the custodian's reveal POST does."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.reporters.helpers import NAME, PHONE, portal_clue, verified_client

SKIP = ("admin/", "accounts/logout", "i18n/")


def _routes(patterns=None, prefix="") -> list[str]:
    found: list[str] = []
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        route = str(p.pattern)
        if isinstance(p, URLResolver):
            found += _routes(p.url_patterns, prefix + route)
        elif isinstance(p, URLPattern):
            found.append(prefix + route)
    return found


def _concrete(route: str, clue_id: int) -> str | None:
    route = route.lstrip("^").rstrip("$").replace("\\Z", "")
    if any(ch in route for ch in "()[]*+?") or route.startswith(SKIP):
        return None
    path = re.sub(r"<(?:int:)?[a-z_]+>", str(clue_id), route)
    if "<" in path:
        return None
    return "/" + path


def _text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return body.decode("utf-8", "replace")


@pytest.mark.parametrize("persona", ["office_staff", "office_leader", "custodian", "sysadmin", "liaison"])
def test_no_get_route_reveals_the_identity(world, persona):
    clue = portal_clue()
    client = verified_client(world.people[persona])
    paths = {p for r in _routes() if (p := _concrete(r, clue.pk))}
    assert f"/clues/{clue.pk}/" in paths and f"/api/clues/{clue.pk}" in paths
    statuses = {}
    for path in sorted(paths):
        response = client.get(path)
        statuses[path] = response.status_code
        text = _text(response)
        assert NAME not in text and PHONE not in text, path
    if persona in ("office_staff", "office_leader", "custodian"):  # the check above ran over real pages
        assert statuses[f"/clues/{clue.pk}/"] == 200 and statuses[f"/api/clues/{clue.pk}"] == 200
        assert statuses[f"/reporters/clues/{clue.pk}/"] == 200
