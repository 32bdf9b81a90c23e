"""Submitting a report: exactly one clue and one receipt, all or nothing, nothing about the network kept."""

from __future__ import annotations

import itertools
import re

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.urls import reverse

from taizhang.clues.choices import Channel, ReporterKind
from taizhang.clues.models import Attachment, Clue, Reporter
from taizhang.core.models import AuditEntry
from taizhang.portal import credentials
from taizhang.portal.models import Receipt
from tests.portal.helpers import receipt_of, submit


def test_it_creates_one_clue_and_one_receipt(world, client):
    response = submit(client)
    assert response.status_code == 200
    assert Clue.objects.count() == 1 and Receipt.objects.count() == 1
    clue = Clue.objects.get()
    assert clue.channel == Channel.PORTAL and clue.office == world.units["city"]
    assert clue.status == "registered" and clue.registered_by is None
    assert "【发生地点】河东镇砂石码头" in clue.facts and clue.subjects.get().name == "刘某某"
    assert clue.reporter.kind == ReporterKind.ANONYMOUS and clue.reporter.sealed_identity == ""
    code, passphrase = receipt_of(response)
    receipt = Receipt.objects.get()
    assert receipt.clue == clue and receipt.code == code and re.fullmatch(r"\d{16}", code)
    # Only an argon2id hash at OWASP's minimum or above; the passphrase itself is nowhere.
    assert receipt.passphrase_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert passphrase not in receipt.passphrase_hash
    assert credentials.verify_passphrase(receipt.passphrase_hash, passphrase)


def test_a_chosen_passphrase_is_used_and_not_shown(world, client):
    response = submit(client, passphrase="我自己记得住的一句话")
    body = response.content.decode()
    assert "我自己记得住的一句话" not in body
    assert credentials.verify_passphrase(Receipt.objects.get().passphrase_hash, "我自己记得住的一句话")


def test_a_short_chosen_passphrase_is_refused(world, client):
    response = submit(client, passphrase="short")
    assert response.status_code == 400 and Clue.objects.count() == 0


def test_a_database_failure_halfway_leaves_nothing_behind(world, client, monkeypatch, settings):
    audit_before = AuditEntry.objects.count()

    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(Receipt.objects, "create", broken)
    client.raise_request_exception = False
    photo = SimpleUploadedFile("证据.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
    response = submit(client, files={"attachments": [photo]})
    assert response.status_code == 500
    assert Clue.objects.count() == 0 and Receipt.objects.count() == 0
    assert Reporter.objects.count() == 0 and Attachment.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before
    stored = [p for p in (settings.MEDIA_ROOT).rglob("*") if p.is_file() and "tmp" not in p.parts]
    assert stored == []


def test_a_failure_after_the_clue_rolls_back_the_clue_too(world, client, monkeypatch):
    from taizhang.portal import actions

    def broken(*args, **kwargs):
        raise DatabaseError("connection lost")

    monkeypatch.setattr(actions, "_issue_receipt", broken)
    client.raise_request_exception = False
    assert submit(client).status_code == 500
    assert Clue.objects.count() == 0 and Receipt.objects.count() == 0


def test_a_receipt_code_already_taken_is_drawn_again_with_nothing_left_behind(world, client, monkeypatch):
    taken, _p = receipt_of(submit(client))
    draws = iter([taken, taken, "1234567890123456"])
    monkeypatch.setattr(credentials, "new_receipt_code", lambda: next(draws))
    code, passphrase = receipt_of(submit(client))
    assert code == "1234567890123456"
    assert Clue.objects.count() == 2 and Receipt.objects.count() == 2
    # The retried attempts rolled back whole: the numbers stay gapless and one audit entry per report.
    numbers = sorted(Clue.objects.values_list("number", flat=True))
    assert [n[-6:] for n in numbers] == ["000001", "000002"]
    assert AuditEntry.objects.filter(action="clue.register").count() == 2


def test_a_receipt_code_taken_three_times_fails_cleanly(world, client, monkeypatch):
    taken, _p = receipt_of(submit(client))
    monkeypatch.setattr(credentials, "new_receipt_code", lambda: taken)
    client.raise_request_exception = False
    assert submit(client).status_code == 500
    assert Clue.objects.count() == 1 and Receipt.objects.count() == 1


def test_the_receipt_is_not_derivable_from_the_clue(world, client):
    codes = []
    for _ in range(3):
        code, _p = receipt_of(submit(client))
        codes.append(code)
    for receipt in Receipt.objects.select_related("clue"):
        digits = re.sub(r"\D", "", receipt.clue.number)
        assert digits not in receipt.code and str(receipt.clue.pk).zfill(16) != receipt.code
    assert len(set(codes)) == 3
    # Consecutive reports get unrelated codes, not neighbours.
    ints = sorted(int(c) for c in codes)
    assert all(b - a > 1000 for a, b in itertools.pairwise(ints))
    many = {credentials.new_receipt_code() for _ in range(2000)}
    assert len(many) == 2000 and all(len(c) == 16 and c.isdigit() for c in many)


def test_real_name_identity_is_sealed_and_the_name_is_nowhere_in_clear(world, client):
    response = submit(
        client,
        reporter_kind="real_name",
        reporter_name="王实名",
        reporter_phone="13912345678",
        reporter_id_number="110101199001011234",
        wants_feedback="on",
    )
    assert response.status_code == 200
    reporter = Reporter.objects.get()
    assert reporter.kind == ReporterKind.REAL_NAME and reporter.wants_feedback
    assert reporter.sealed_identity.startswith("v1:")
    for secret in ("王实名", "13912345678", "110101199001011234"):
        assert secret not in reporter.sealed_identity
        assert secret not in _database_text()


def test_real_name_without_a_name_is_refused(world, client):
    assert submit(client, reporter_kind="real_name").status_code == 400
    assert Clue.objects.count() == 0


def _database_text() -> str:
    """Every row of every Taizhang table, as text."""
    parts = []
    for model in apps.get_models():
        if not model._meta.label.startswith(("clues.", "portal.", "core.", "reporters.", "sessions.")):
            continue
        for row in model._default_manager.all().values():
            parts.append(repr(row))
    return "\n".join(parts)


def test_no_network_detail_is_stored(world, client):
    client.defaults.update(
        REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="AgentSmith/9.9", HTTP_X_FORWARDED_FOR="198.51.100.23"
    )
    assert submit(client).status_code == 200
    text = _database_text()
    for trace in ("203.0.113.77", "AgentSmith", "198.51.100.23"):
        assert trace not in text


def test_an_umbrella_is_recorded_as_an_official_and_flags_the_clue(world, client):
    submit(client, umbrella_name="赵某", umbrella_position="某派出所副所长", umbrella_details="多次通风报信")
    clue = Clue.objects.get()
    assert clue.is_umbrella and clue.alleges_umbrella
    assert clue.subjects.filter(name="赵某", is_official=True).exists()
    assert "【“保护伞”情况】多次通风报信" in clue.facts


def test_portal_pages_change_nothing_on_get(world, client):
    from taizhang.gate.models import RateCounter, SpentChallenge
    from taizhang.portal.models import Message

    models = (Clue, Receipt, Message, RateCounter, SpentChallenge, AuditEntry)
    before = [m.objects.count() for m in models]
    for name in ("portal:index", "portal:report", "portal:followup", "portal:thread"):
        assert client.get(reverse(name)).status_code in (200, 302)
    assert [m.objects.count() for m in models] == before


@pytest.mark.parametrize("name", ["portal:index", "portal:report", "portal:followup"])
def test_pages_are_csp_clean_and_self_contained(world, client, name):
    response = client.get(reverse(name))
    body = response.content.decode()
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "no-store" and response["Referrer-Policy"] == "same-origin"
    assert not re.search(r"<script(?![^>]*\bsrc=)", body), "inline script"
    assert not re.search(r"\sstyle=", body) and not re.search(r"<style", body), "inline style"
    assert not re.search(r"\son[a-z]+=", body), "inline handler"
    assert "http://" not in body and "https://" not in body and "//cdn" not in body
    assert "tz-navbar" not in body  # the public look, not the staff layout


def test_csrf_is_enforced(world):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("portal:report"), {"summary": "x"})
    assert response.status_code == 403 and Clue.objects.count() == 0


def test_the_cached_blank_form_carries_a_fresh_challenge_and_token_each_time(world):
    from django.test import Client

    first, second = Client().get(reverse("portal:report")), Client().get(reverse("portal:report"))
    challenge = re.compile(r'name="challenge" value="([^"]+)"')
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    a, b = first.content.decode(), second.content.decode()
    assert challenge.search(a).group(1) != challenge.search(b).group(1)
    assert token.search(a).group(1) != token.search(b).group(1)
    assert "@@" not in a and first.cookies.get("csrftoken")


@pytest.mark.django_db
def test_the_receipt_is_a_one_time_page_after_a_redirect(world, client):
    from django.contrib.sessions.models import Session

    from tests.portal.helpers import REPORT, guarded

    data = {**REPORT, **guarded(client, "/report/new/")}
    posted = client.post("/report/new/", data)
    assert posted.status_code == 302 and posted["Location"] == "/report/new/receipt/"
    # Between the POST and the page, the receipt exists only sealed: no session row holds it in plain text.
    stored = "".join(str(s.get_decoded()) for s in Session.objects.all())
    shown = client.get("/report/new/receipt/")
    code, passphrase = receipt_of(shown)
    assert code.replace(" ", "") not in stored.replace(" ", "") and passphrase not in stored
    assert "抄写" in shown.content.decode() and "只显示这一次" in shown.content.decode()
    again = client.get("/report/new/receipt/")  # a reload: no re-post, no receipt, a plain explanation
    assert again.status_code == 200
    body = again.content.decode()
    assert "data-receipt-code" not in body and passphrase not in body and "回执只显示一次" in body
    assert "安全校验未通过" not in body


@pytest.mark.django_db
def test_the_staff_timeline_names_the_portal_in_chinese(world, client):
    from tests.portal.helpers import submit

    submit(client)
    clue = Clue.objects.latest("pk")
    page = world.client_for("office_staff").get(f"/clues/{clue.pk}/").content.decode()
    assert "举报人（网络举报平台）" in page
    assert not re.search(r"[>\s]portal[<\s]", page)
