"""The internet portal site: no ledger app, table, route or key in it, and nothing it holds opens a report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import taizhang
from taizhang.site_guard import PORTAL_PACKAGES
from tests.ferry.sites import CITIZEN_SUBMITS, Site, pair

pytestmark = pytest.mark.slow

# Every package of taizhang the portal site must not load: found on disk, so a new app is covered at once.
STAFF_APPS = tuple(
    sorted(
        p.name
        for p in Path(taizhang.__file__).parent.iterdir()
        if (p / "__init__.py").exists() and p.name not in PORTAL_PACKAGES
    )
)

BOUNDARY = """
import importlib, sys
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import Resolver404, resolve
c = Client()
pages = {url: c.get(url).status_code for url in ["/report/", "/report/new/", "/report/follow-up/", "/report/survey/"]}
routes = {}
for url in ["/clues/", "/accounts/login/", "/admin/", "/api/", "/reporters/", "/ferry/", "/supervision/",
            "/publicity/", "/publicity/answer/1/"]:
    try:
        resolve(url)
        routes[url] = True
    except Resolver404:
        routes[url] = False
loaded = sorted(m for m in sys.modules if m.startswith("taizhang.") and m.split(".")[1] in PARAMS["staff"])
blocked = {}
for name in ["taizhang.clues.views", "taizhang.clues.models", "taizhang.reporters.views", "taizhang.org.models",
             "taizhang.core.models", "taizhang.ferry.ledger_side", "taizhang.accounts.views", "taizhang.api"]:
    try:
        importlib.import_module(name)
        blocked[name] = ""
    except Exception as exc:
        blocked[name] = type(exc).__name__ + " " + str(exc)
print(json.dumps({"apps": settings.INSTALLED_APPS, "tables": connection.introspection.table_names(),
                  "pages": pages, "routes": routes, "loaded": loaded, "blocked": blocked}))
"""


def test_the_portal_site_has_no_staff_app_table_route_or_key(tmp_path):
    portal, _ledger = pair(tmp_path)
    seen = portal.py(BOUNDARY, staff=list(STAFF_APPS))
    assert set(seen["pages"].values()) == {200}
    assert not any(seen["routes"].values()), seen["routes"]
    # Vocabularies (choices) may load; no model, view, action or API of a staff app does.
    assert [m for m in seen["loaded"] if not m.endswith((".choices",)) and m.count(".") > 1] == [], seen[
        "loaded"
    ]
    assert all(v.startswith("ImportError") for v in seen["blocked"].values()), seen["blocked"]
    assert {t.split("_")[0] for t in seen["tables"]} <= {"gate", "ferry", "django"}, seen["tables"]
    assert "django_session" in seen["tables"] and not any(t.startswith("clues") for t in seen["tables"])
    site = json.loads((portal.var / "ferry" / "site.json").read_text())
    assert site["role"] == "portal" and "sealing_key" not in site
    held = json.loads((portal.var / "ferry" / "peer.json").read_text())
    assert set(held) == {"site_id", "role", "verify_key", "sealing_public"}


SECRETS = ("刘某某纠集十余人强迫运输车辆", "王举报", "13900001111", "砂石场收据原件照片")

TRY_KEYS = """
import base64, hashlib
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, SealedBox
from django.conf import settings
from taizhang.gate.models import SealedReport
site = json.load(open(settings.FERRY_DIR / "site.json"))
candidates = [bytes.fromhex(site["signing_key"]), hashlib.sha256(settings.SECRET_KEY.encode()).digest()]
report = SealedReport.objects.get()
opened = 0
for key in candidates:
    for blob in (report.for_ledger, report.own_copy):
        try:
            SealedBox(PrivateKey(key)).decrypt(base64.b64decode(blob))
            opened += 1
        except CryptoError:
            pass
print(json.dumps({"opened": opened}))
"""


def _everything_under(site: Site) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(site.var.rglob("*")) if p.is_file())


def test_with_the_portals_database_files_and_settings_the_report_is_not_recoverable(tmp_path):
    portal, _ledger = pair(tmp_path)
    sent = portal.py(
        CITIZEN_SUBMITS, summary="码头问题", facts=SECRETS[0] + "，不从者被打砸车辆。", file=SECRETS[3]
    )
    assert sent["status"] == 200
    portal.run("ferry", "export", "--out", str(portal.drop))
    # Database (SQLite file and its log), stored files, key folder, secret key: all of the portal's var folder,
    # and the package it wrote.
    held = _everything_under(portal) + b"".join(p.read_bytes() for p in portal.packages())
    settings_text = portal.run("diffsettings", "--all").stdout.encode()
    for secret in SECRETS:
        for form in (secret.encode(), json.dumps(secret).encode(), secret.encode("utf-16-le")):
            assert form not in held and form not in settings_text, secret
    assert portal.py(TRY_KEYS)["opened"] == 0
    # The same bytes were readable before sealing: the test would see them (checked on the ledger's side).
    _ledger.run("ferry", "import", str(portal.packages()[0]))
    assert SECRETS[3].encode() in _everything_under(_ledger)


def test_the_guard_refuses_ledger_modules_and_keeps_what_the_public_pages_use():
    from taizhang.site_guard import refused

    for name in (
        "taizhang.clues.views.ledger",
        "taizhang.clues.models",
        "taizhang.portal.actions",
        "taizhang.urls",
        "taizhang.core.audit",
        "taizhang.core.models",
        "taizhang.ferry.ledger_side",
        "taizhang.org.visibility",
    ):
        assert refused(name), name
    for name in (
        "taizhang.clues",
        "taizhang.clues.choices",
        "taizhang.portal.views",
        "taizhang.portal.forms",
        "taizhang.core.files",
        "taizhang.core.errors",
        "taizhang.gate.models",
        "taizhang.ferry.portal_side",
        "taizhang.wsgi",
        "taizhang.settings",
    ):
        assert not refused(name), name
