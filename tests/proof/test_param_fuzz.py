"""Every route, every query parameter and every posted field any view reads, fed oversized integers and junk:
never a 500.

The parameter names are collected from the source (every `GET.get("…")`, `params.get("…")`, `GET["…"]` and
the list filters' form fields), so a new parameter is fuzzed the day it is read. Each request sets all of them
at once; path ids are an existing record's, and an oversized one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import transaction

from tests.proof.discovery import page_routes

SRC = Path(__file__).resolve().parents[2] / "src" / "taizhang"
_READS = re.compile(r"""(?:GET|params|values|data|query)(?:\.get\(|\[)\s*["']([a-z_][a-z0-9_]*)["']""")
_FORM_FIELDS = re.compile(r"^\s{4}([a-z_][a-z0-9_]*) = forms\.\w+Field\(", re.M)
_POSTED = re.compile(r"""(?:POST|p)(?:\.get\(|\.getlist\(|\[)\s*["']([a-z_][a-z0-9_]*)["']""")
JUNK = ["99999999999999999999", "-99999999999999999999", "1e309", "%ff'\"<x>", "2026-99-99", "Q9"]


def parameter_names() -> list[str]:
    names: set[str] = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        names.update(_READS.findall(text))
        if path.name == "filters.py":
            names.update(_FORM_FIELDS.findall(text))
    names -= {"csrfmiddlewaretoken", "next"}
    return sorted(names)


def test_the_collection_finds_the_known_parameters():
    names = parameter_names()
    assert {"page", "period", "sector", "unit", "year", "kind"} <= set(names), names


def _urls(proof) -> list[str]:
    own = proof.clues["own"].pk
    urls = []
    for route in page_routes().values():
        if route.key.startswith(("admin:", "api:")) or "<path:" in route.pattern:
            continue
        text = route.pattern
        for value in (str(own), "99999999999999999999"):
            urls.append(re.sub(r"<(?:int:)?[a-z_]+>", value, text))
    return sorted(set(urls))


@pytest.mark.parametrize("persona", ["office_leader", "liaison"])
def test_no_query_parameter_makes_a_server_error(proof, db, persona):
    names = parameter_names()
    client = proof.client(persona)
    problems = []
    for url in _urls(proof):
        for junk in JUNK:
            response = client.get(url, {name: junk for name in names})
            if response.status_code >= 500:
                problems.append(f"{url} ({junk!r}): {response.status_code}")
    assert not problems, "\n".join(problems)


def posted_names() -> list[str]:
    """Every field a view reads from a POST (`POST.get("…")`, `POST["…"]`, `p.get("…")` of `p = request.POST`)
    and every field of every form class: a new field is fuzzed the day it is read."""
    names: set[str] = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        names.update(_POSTED.findall(text))
        names.update(_FORM_FIELDS.findall(text))
    names -= {"csrfmiddlewaretoken", "next"}
    return sorted(names)


def test_the_collection_finds_the_known_posted_fields():
    assert {"clue", "decision", "version", "finding", "decided_on", "person_name"} <= set(posted_names())


# Routes that end the session the rest of the requests use.
_SESSION_ENDING = ("logout",)


@pytest.mark.parametrize("persona", ["office_leader", "liaison"])
def test_no_posted_field_makes_a_server_error(proof, db, persona):
    """The same for POST: every route, every field set at once to junk (the test client skips the CSRF check)."""
    names = posted_names()
    client = proof.client(persona)
    problems = []
    for url in _urls(proof):
        if any(word in url for word in _SESSION_ENDING):
            continue
        for junk in ("99999999999999999999", "%ff'\"<x>", "2026-99-99", "a\x00b"):
            try:
                # A savepoint each: a request that breaks its transaction does not break the next ones.
                with transaction.atomic():
                    status = client.post(url, {name: junk for name in names}).status_code
            except Exception as exc:  # the test client re-raises what the view raised
                status = f"{type(exc).__name__}: {str(exc)[:80]}"
            if not isinstance(status, int) or status >= 500:
                problems.append(f"POST {url} ({junk!r}): {status}")
    assert not problems, "\n".join(problems)
