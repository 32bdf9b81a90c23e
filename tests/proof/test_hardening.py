"""Security headers on every page, no inline code anywhere, and a clean deploy check in production mode."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from tests.production import production_env
from tests.proof import matrix
from tests.proof.conftest import fill
from tests.proof.discovery import page_routes

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
_HANDLER = re.compile(r"<[^>]+\s on[a-z]+\s*=", re.I | re.X)
_STYLE_ATTR = re.compile(r"<[^>]+\sstyle\s*=", re.I)
_STYLE_BLOCK = re.compile(r"<style[\s>]", re.I)
_EXTERNAL = re.compile(r"""(?:src|href)=["'](?:https?:)?//""", re.I)


def _check_headers(response, where: str) -> list[str]:
    problems = []
    csp = response.get("Content-Security-Policy", "")
    for part in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"):
        if part not in csp:
            problems.append(f"{where}: CSP lacks {part!r}: {csp!r}")
    if "unsafe-inline" in csp or "unsafe-eval" in csp:
        problems.append(f"{where}: CSP allows unsafe code: {csp!r}")
    expected = {
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    for header, value in expected.items():
        if response.get(header) != value:
            problems.append(f"{where}: {header} is {response.get(header)!r}, expected {value!r}")
    return problems


def _check_html(response, where: str) -> list[str]:
    if "text/html" not in response.get("Content-Type", ""):
        return []
    html = response.content.decode(errors="replace")
    problems = []
    for name, pattern in (
        ("inline <script>", _INLINE_SCRIPT),
        ("on*= handler", _HANDLER),
        ("style= attribute", _STYLE_ATTR),
        ("<style> block", _STYLE_BLOCK),
        ("resource from another site", _EXTERNAL),
    ):
        match = pattern.search(html)
        if match:
            problems.append(f"{where}: {name}: {html[max(0, match.start() - 40) : match.end() + 40]!r}")
    return problems


def _page_urls(proof):
    """Every GET page of the matrix, for one persona who may open it, with a record it may see."""
    routes = page_routes()
    for key, rule in sorted(matrix.PAGES.items()):
        if rule.method != "GET" or rule.obj == "missing" or not rule.allow:
            continue
        route = routes[key]
        contexts = [c for c in matrix.CLUE_CONTEXTS] if rule.obj == "clue" else [None]
        for context in contexts:
            viewers = matrix.VIEWERS[context] if context else matrix.STAFF
            allow = frozenset().union(*rule.allow.values()) if isinstance(rule.allow, dict) else rule.allow
            allowed = sorted(allow & viewers)
            if not allowed:
                continue
            persona = "office_leader" if "office_leader" in allowed else allowed[0]
            clue = proof.clues[context] if context else None
            if clue is None and set(route.params) - set(rule.params):
                break
            values = dict(rule.params)
            for name in route.params:
                values.setdefault(name, clue.number if name == "number" else clue.pk)
            yield key, persona, fill(route.pattern, values)
            break


def test_every_page_sends_the_headers_and_has_no_inline_code(proof, db):
    problems = []
    assets: dict[str, str] = {}
    for key, persona, url in _page_urls(proof):
        response = proof.client(persona).get(url)
        where = f"{key} {url} as {persona}"
        if response.status_code >= 500:
            problems.append(f"{where}: {response.status_code}")
        problems += _check_headers(response, where)
        problems += _check_html(response, where)
        if "text/html" in response.get("Content-Type", ""):
            for asset in re.findall(r"""(?:src|href)=["'](/static/[^"'?#]+)""", response.content.decode()):
                assets.setdefault(asset, where)
    # Every script, style and image a page links to is served (a missing file breaks the page silently).
    for asset, where in sorted(assets.items()):
        status = proof.client(None).get(asset).status_code
        if status != 200:
            problems.append(f"{where}: links {asset}, which answers {status}")
    anon = proof.client(None)
    for url in ("/accounts/login/", "/api/org/me", "/no-such-page/"):
        problems += _check_headers(anon.get(url), f"anonymous {url}")
    assert not problems, "\n".join(problems)


def test_api_docs_work_without_any_other_site(proof, db):
    """/api/docs is Swagger UI from our own static files, under the same CSP as everything else (for signed-in
    staff: in production, which the tests run as, anonymous visitors are sent to sign in)."""
    assert proof.client(None).get("/api/docs").status_code == 302
    response = proof.client("office_staff").get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert not _check_headers(response, "/api/docs")
    assert not _check_html(response, "/api/docs")
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert assets and all(a.startswith("/static/") for a in assets), assets
    for asset in assets:
        assert proof.client(None).get(asset).status_code == 200, asset
    schema = proof.client("office_staff").get("/api/openapi.json")
    assert schema.status_code == 200 and schema.json()["openapi"].startswith("3.")


def test_deploy_check_is_clean_in_production_mode(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "taizhang.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


_PROBE = """
import django, json
django.setup()
from django.conf import settings
from django.test import Client
c = Client()
tls = c.get("/accounts/login/", secure=True)
plain = c.get("/accounts/login/")
cookie = tls.cookies.get(settings.CSRF_COOKIE_NAME)
print(json.dumps({
    "hsts": tls.get("Strict-Transport-Security", ""),
    "plain_status": plain.status_code, "plain_location": plain.get("Location", ""),
    "plain_hsts": plain.get("Strict-Transport-Security", ""),
    "csrf_secure": bool(cookie and cookie["secure"]), "csrf_httponly": bool(cookie and cookie["httponly"]),
    "session_secure": settings.SESSION_COOKIE_SECURE, "session_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "cache": tls.get("Cache-Control", ""),
}))
"""


def test_production_mode_sends_hsts_over_tls_and_secure_cookies(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", _PROBE],
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert "max-age=31536000" in seen["hsts"] and "includeSubDomains" in seen["hsts"]
    assert seen["plain_hsts"] == ""  # only over TLS
    assert seen["plain_status"] == 301 and seen["plain_location"].startswith("https://")
    assert seen["csrf_secure"] and seen["csrf_httponly"]
    assert seen["session_secure"] and seen["session_httponly"]
    assert "no-store" in seen["cache"]


@pytest.mark.parametrize("bad_key", ["", "short-key"])
def test_production_mode_refuses_a_missing_or_short_secret_key(tmp_path, bad_key):
    env = production_env(tmp_path)
    env["TAIZHANG_SECRET_KEY"] = bad_key
    result = subprocess.run(
        [sys.executable, "-m", "taizhang.cli", "check"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and "TAIZHANG_SECRET_KEY" in result.stderr


def test_the_html_checker_itself_catches_inline_code():
    from django.http import HttpResponse

    for bad in (
        "<script>alert(1)</script>",
        '<a href="#" onclick="x()">',
        '<div style="color:red">',
        "<style>p{}</style>",
        '<script src="https://cdn.example.com/x.js"></script>',
    ):
        assert _check_html(HttpResponse(bad), "probe"), bad
    assert not _check_html(HttpResponse('<script src="/static/x.js"></script>'), "probe")
