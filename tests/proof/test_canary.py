"""The canary test (#16): no marker of a record a persona must not see reaches that persona by any path.

tests/proof/canary.py plants a unique marker in every text field of every record some persona must not see
(every context clue and its children, every record of records.py, sealed identities, reveal reasons, a 保护伞
screening note) and runs the actions that carry text elsewhere (notifications, the worker's reminders and
urging, emails, digests). Then, for every persona: every page reachable from home (breadth first, bounded),
every record page and API operation of the authorization matrix for every record, the persona's
notifications and the mail addressed to them, and every export and document reached (.xlsx and .docx read as
text). A marker the persona must not read fails the test, naming the path that showed it.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from collections import deque
from typing import Any

import pytest
from django.db import transaction

from taizhang.supervision.models import Notification
from tests.proof import matrix
from tests.proof.canary import Canary, plant
from tests.proof.conftest import build_proof, fill
from tests.proof.discovery import api_operations, page_routes
from tests.proof.test_matrix import _contexts, _values

# Pages a crawl reads per persona (a deeper list page adds nothing new to a leak hunt).
CRAWL_LIMIT = 250
_HREF = re.compile(r"""(?:href|action|hx-get)\s*=\s*["']([^"'#]+)""")
# Links a crawl does not follow: signing out, language switching, static files, the admin's change forms.
_SKIP = re.compile(r"logout|/i18n/|^/static/|^/media/|/admin/.+/(add|delete|history)/|\?.*page=\d{2,}")


@pytest.fixture(scope="module")
def canary(django_db_setup: Any, django_db_blocker: Any):
    """The proof world with its markers planted; everything is rolled back when the module ends."""
    started = time.monotonic()
    with django_db_blocker.unblock(), transaction.atomic():
        proof = build_proof()
        planted = plant(proof)
        print(
            f"\ncanary: world built and {len(planted.readers)} markers planted in {time.monotonic() - started:.1f}s"
        )
        yield proof, planted
        transaction.set_rollback(True)


def _text(response: Any) -> str:
    """What a person reads in an answer: the page, the JSON, or the text of a .xlsx / .docx file."""
    body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    kind = response.get("Content-Type", "")
    if body[:2] == b"PK" or "officedocument" in kind:
        try:
            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                # Every XML part: sheets, shared strings, document, headers, comments.
                return "\n".join(
                    archive.read(name).decode("utf-8", "replace")
                    for name in archive.namelist()
                    if name.endswith(".xml")
                )
        except zipfile.BadZipFile:
            pass
    return body.decode("utf-8", "replace") + " " + " ".join(f"{k}: {v}" for k, v in response.items())


def _crawl(client: Any, persona: str, planted: Canary, found: list[str]) -> int:
    seen: set[str] = set()
    todo = deque(["/"])
    while todo and len(seen) < CRAWL_LIMIT:
        url = todo.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code in (301, 302):
            location = response.get("Location", "")
            if location.startswith("/") and location not in seen and not _SKIP.search(location):
                todo.append(location)
            continue
        text = _text(response)
        for leak in planted.forbidden_in(text, persona):
            found.append(f"GET {url} ({response.status_code}) shows {leak}")
        if "html" not in response.get("Content-Type", ""):
            continue
        for link in _HREF.findall(text):
            link = link.replace("&amp;", "&")
            if (
                link.startswith("/")
                and not link.startswith("//")
                and not _SKIP.search(link)
                and link not in seen
            ):
                todo.append(link)
    return len(seen)


def _record_routes(proof: Any) -> list[tuple[str, bool, str]]:
    """(url, is_api, context) of every GET route of the matrix about one record, for each of its records."""
    urls = []
    pages = page_routes()
    ops = api_operations()
    for table, api in ((matrix.PAGES, False), (matrix.API, True)):
        for key, rule in table.items():
            if rule.method != "GET" or rule.obj in (None, "missing"):
                continue
            route = ops.get(key) if api else pages.get(key)
            if route is None:
                continue
            pattern = route.path if api else route.pattern
            for context in _contexts(rule):
                url = fill(pattern, _values(route.params, rule, proof, context))
                urls.append((url + (f"?{rule.query}" if rule.query else ""), api, context or ""))
    return urls


@pytest.mark.parametrize("persona", matrix.PERSONAS)
def test_no_marker_reaches_who_must_not_see_it(canary, db, persona):
    proof, planted = canary
    started = time.monotonic()
    found: list[str] = []
    client = proof.client(persona)
    pages = _crawl(client, persona, planted, found)
    api_client = proof.api_client(persona)
    routes = _record_routes(proof)
    for url, api, _context in routes:
        response = (api_client if api else client).get(url)
        for leak in planted.forbidden_in(_text(response), persona):
            found.append(f"GET {url} ({response.status_code}) shows {leak}")
    user = proof.world.people[persona]
    for n in Notification.objects.filter(user=user):
        for leak in planted.forbidden_in(f"{n.title} {n.body} {n.url}", persona):
            found.append(f"notification {n.key} shows {leak}")
    address = f"{user.username}@example.invalid"
    for message in planted.outbox:
        if address in message.to:
            for leak in planted.forbidden_in(f"{message.subject}\n{message.body}", persona):
                found.append(f"email '{message.subject}' shows {leak}")
    print(
        f"\ncanary {persona}: {pages} pages, {len(routes)} record routes, {time.monotonic() - started:.1f}s"
    )
    assert not found, f"{persona} reads what they must not:\n  " + "\n  ".join(sorted(set(found))[:60])


def test_the_canary_reaches_who_may_see_it(canary, db):
    """The markers are really there: the office leader reads the 保护伞 clue's and a unit its own."""
    proof, planted = canary
    leader = proof.client("office_leader").get(f"/clues/{proof.clues['umbrella'].pk}/").content.decode()
    assert any(m in leader for m, readers in planted.readers.items() if "office_leader" in readers)
    liaison = proof.client("liaison").get(f"/clues/{proof.clues['own'].pk}/").content.decode()
    assert any(m in liaison for m, readers in planted.readers.items() if "liaison" in readers)
    assert planted.outbox, "the worker pass sent no mail"
