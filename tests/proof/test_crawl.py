"""No dead ends, no internal words: every persona of the demo city walks every page the product offers them.

The walk (tests/proof/crawl.py) starts at the home page and follows every link, htmx GET and GET form default.
A 403, 404 or 500 reached through something the product itself showed is a dead end: a link is shown only to
people who may use it. Every page's visible text is also read for internal codes (snake_case names, dotted
codes such as `report.submit`), which must never reach a person.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from taizhang.accounts.twofactor import requires_2fa
from taizhang.org.demo import PEOPLE
from taizhang.org.models import User
from tests.conftest import CHOSEN_TEST_NOW, DEFAULT_TEST_NOW, shanghai
from tests.proof.crawl import Visit, crawl

PERSONAS = [username for username, *_ in PEOPLE]
DEAD_ENDS = (403, 404, 405, 500)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    if requires_2fa(user):
        device = TOTPDevice.objects.create(user=user, name="crawl", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


class Walks(dict):
    """Each persona's walk, taken the first time a test asks for it; and what building the city printed."""

    printed = ""
    mails_sent = 0

    def __missing__(self, username: str) -> list[Visit]:
        self[username] = crawl(_client(User.objects.get(username=username)))
        return self[username]


@pytest.fixture(scope="module")
def walks(django_db_setup: Any, django_db_blocker: Any):
    """Build the demo city once; every persona's walk; everything is rolled back at the end.

    The city is built and walked from a stated moment (ticking), as tests/proof/test_demo_shape.py builds it:
    the demo draws its clues' dates from the clock, so built at the real date the walk would depend on the day
    it runs (a reporter message once went, as office staff, to a 保护伞 clue drawn on that day)."""
    moment = shanghai(CHOSEN_TEST_NOW or DEFAULT_TEST_NOW)
    with django_db_blocker.unblock(), transaction.atomic(), time_machine.travel(moment, tick=True):
        out = io.StringIO()
        before = len(getattr(mail, "outbox", []))
        call_command("demo", stdout=out)
        walks = Walks()
        walks.printed = out.getvalue()
        walks.mails_sent = len(getattr(mail, "outbox", [])) - before
        yield walks
        transaction.set_rollback(True)


def test_the_demo_build_sends_no_mail_and_prints_the_receipt_last(walks: Walks, db: Any) -> None:
    assert walks.mails_sent == 0
    assert "Subject:" not in walks.printed
    tail = walks.printed.strip().splitlines()[-5:]
    assert tail[0].startswith("=") and tail[-1].startswith("=")
    assert any("回执编号" in line for line in tail) and any("查询密码" in line for line in tail)


def _where(visit: Visit) -> str:
    return f"{visit.url} ({visit.status}) reached from {visit.came_from or 'the start'}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_link_leads_to_a_dead_end(walks: Walks, db: Any, persona: str) -> None:
    visits = walks[persona]
    assert len(visits) > 5, f"{persona} reached almost nothing: {[v.url for v in visits]}"
    dead = [_where(v) for v in visits if v.status in DEAD_ENDS]
    assert not dead, f"{persona} was offered links that fail:\n" + "\n".join(dead)


# snake_case (two lowercase words joined by _) or a dotted code (report.submit, clues.conclusion_rate), in
# ASCII, standing alone: not part of a file name, an e-mail address or a web address.
INTERNAL_CODE = re.compile(r"(?<![\w@./:-])[a-z][a-z0-9]*(?:_[a-z0-9]+|\.[a-z][a-z0-9_]*)+(?![\w@/-])")
# Words a person may legitimately read in ASCII dotted form: file types and host names the product names.
ALLOWED = re.compile(r"^[\w.-]+\.(xlsx|docx|pdf|csv|txt|zip|jpg|png|com|cn|org|gov\.cn)$")


def internal_codes(text: str) -> list[str]:
    """The internal codes in a page's visible text."""
    return sorted({m for m in INTERNAL_CODE.findall(text) if not ALLOWED.match(m)})


def test_the_scan_finds_codes() -> None:
    assert internal_codes("办理记录 report.submit 王晓雯") == ["report.submit"]
    assert internal_codes("年度考评 (clues.conclusion_rate) 逾期 register_transfer") == [
        "clues.conclusion_rate",
        "register_transfer",
    ]
    assert internal_codes("导出 台账.xlsx，联系 admin@example.com http://a.cn/x_y 3.5 万元") == []


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_page_shows_an_internal_code(walks: Walks, db: Any, persona: str) -> None:
    found = {v.url: internal_codes(v.text) for v in walks[persona] if v.text}
    found = {url: codes for url, codes in found.items() if codes}
    assert not found, f"{persona} reads internal codes:\n" + "\n".join(f"{u}: {c}" for u, c in found.items())
