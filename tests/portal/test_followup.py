"""Following up with a receipt: identical answers for wrong passphrase and unknown receipt, throttling, the thread."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from taizhang.clues.models import Attachment
from taizhang.portal import credentials
from taizhang.portal.choices import PublicStatus, Sender, public_status
from taizhang.portal.models import Message, Receipt
from taizhang.reporters.actions import do_release_outcome, do_reply_to_reporter
from tests.portal.helpers import guarded, open_followup, receipt_of, submit


def _normalised(response) -> str:
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    return re.sub(r'name="challenge" value="[^"]+"', "", body)


def test_wrong_passphrase_and_unknown_receipt_look_identical(world, client, monkeypatch):
    code, _passphrase = receipt_of(submit(client))
    unknown = "1" + code[1:] if code[0] != "1" else "2" + code[1:]
    assert not Receipt.objects.filter(code=unknown).exists()
    verified = []
    real = credentials.hasher()

    class Counting:
        def verify(self, hash_, password):
            verified.append(hash_.split("$")[3])
            return real.verify(hash_, password)

        def hash(self, password):
            return real.hash(password)

    monkeypatch.setattr(credentials, "hasher", Counting)
    wrong = open_followup(client, code, "not-the-passphrase")
    missing = open_followup(client, unknown, "not-the-passphrase")
    assert wrong.status_code == missing.status_code == 400
    assert _normalised(wrong) == _normalised(missing)
    assert "回执码或查询密码不正确" in wrong.content.decode()
    # Both paths spend one argon2id verification with the same parameters (the unknown one on a dummy hash).
    assert verified == ["m=19456,t=2,p=1", "m=19456,t=2,p=1"]
    assert client.get(reverse("portal:thread")).status_code == 302


def test_follow_up_is_throttled_per_client_even_with_the_right_passphrase(world, client, settings):
    code, passphrase = receipt_of(submit(client))
    settings.PORTAL_OPEN_PER_CLIENT = 2
    for _ in range(2):
        assert open_followup(client, code, "wrong-wrong-wrong").status_code == 400
    blocked = open_followup(client, code, passphrase)
    assert blocked.status_code == 429 and "操作过于频繁" in blocked.content.decode()


def test_follow_up_is_throttled_per_receipt_across_clients(world, client, settings):
    code, passphrase = receipt_of(submit(client))
    settings.PORTAL_OPEN_PER_CODE = 2
    for i in range(2):
        client.defaults["REMOTE_ADDR"] = f"192.0.2.{i + 1}"
        open_followup(client, code, "wrong-wrong-wrong")
    client.defaults["REMOTE_ADDR"] = "192.0.2.99"
    assert open_followup(client, code, passphrase).status_code == 429


def test_the_thread_shows_status_outcome_and_both_sides(world, client):
    code, passphrase = receipt_of(submit(client))
    response = open_followup(client, code, passphrase)
    assert response.status_code == 302 and response["Location"] == reverse("portal:thread")
    page = client.get(reverse("portal:thread")).content.decode()
    assert "已受理" in page and "刘某某团伙强占砂石市场" in page
    receipt = Receipt.objects.get()
    assert receipt.clue.number not in page  # the internal clue number stays inside

    note = SimpleUploadedFile("补充.txt", "他们的车牌号是某A12345".encode())
    posted = client.post(
        reverse("portal:message"),
        {"body": "还有一个知情人姓李。", "attachments": [note], **guarded(client, reverse("portal:thread"))},
    )
    assert posted.status_code == 302
    message = Message.objects.get()
    assert message.sender == Sender.REPORTER and message.read_at is None
    assert message.files.get().attachment.from_reporter
    assert Attachment.objects.filter(clue=receipt.clue, from_reporter=True).count() == 1

    do_reply_to_reporter(receipt.clue_id, actor=world.people["office_staff"], body="已收到，我们会核实。")
    do_release_outcome(receipt.clue_id, actor=world.people["office_staff"], text="已依法处理。")
    page = client.get(reverse("portal:thread")).content.decode()
    assert "还有一个知情人姓李。" in page and "已收到，我们会核实。" in page and "已依法处理。" in page
    assert "office_staff" not in page  # staff names stay inside


def test_leaving_closes_the_thread(world, client):
    code, passphrase = receipt_of(submit(client))
    open_followup(client, code, passphrase)
    assert client.get(reverse("portal:thread")).status_code == 200
    client.post(reverse("portal:close"))
    assert client.get(reverse("portal:thread")).status_code == 302
    assert client.post(reverse("portal:message"), {"body": "x"}).status_code == 302
    assert Message.objects.count() == 0


def test_an_idle_thread_closes(world, client, settings):
    code, passphrase = receipt_of(submit(client))
    open_followup(client, code, passphrase)
    settings.PORTAL_FOLLOWUP_IDLE_SECONDS = -1
    assert client.get(reverse("portal:thread")).status_code == 302


def test_another_browser_cannot_reach_the_thread(world, client):
    from django.test import Client

    code, passphrase = receipt_of(submit(client))
    open_followup(client, code, passphrase)
    assert Client().get(reverse("portal:thread")).status_code == 302


def test_public_status_words():
    assert public_status("registered") == PublicStatus.RECEIVED
    assert public_status("verifying") == PublicStatus.VERIFYING
    assert public_status("transferred") == PublicStatus.VERIFYING
    assert public_status("concluded") == PublicStatus.CONCLUDED


def test_generated_passphrases_are_readable_and_random():
    phrases = {credentials.new_passphrase() for _ in range(500)}
    assert len(phrases) == 500
    assert all(re.fullmatch(r"[2-9a-z]{4}(-[2-9a-z]{4}){3}", p) for p in phrases)
    assert not any(ch in "".join(phrases) for ch in "01ilo")


def test_the_hash_never_drops_below_owasp_minimum(settings):
    settings.PORTAL_ARGON2_MEMORY_KIB = 1024
    settings.PORTAL_ARGON2_TIME_COST = 1
    settings.PORTAL_ARGON2_PARALLELISM = 0
    assert credentials.hash_passphrase("a passphrase here").startswith("$argon2id$v=19$m=19456,t=2,p=1$")
