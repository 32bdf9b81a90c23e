"""The registry and gaps on /exchange/: a leader of the exchange office accepts a gap (the worker then applies
the package waiting behind it, audited with the reason), revokes a key, or takes a partner out."""

from __future__ import annotations

import shutil

import pytest
from django.test import Client

from taizhang.core import clock
from taizhang.core.models import AuditEntry
from taizhang.exchange import worker_jobs
from taizhang.exchange.models import GapAcceptance, Partner, PartnerKey, Received
from taizhang.ferry import journal
from taizhang.org.choices import RoleCode
from tests.exchange.test_hand_down import hand_down
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def leader_client(levels) -> Client:
    client = Client()
    client.force_login(UserFactory(unit=levels.county_office, role_codes=[RoleCode.OFFICE_LEADER]))
    return client


def test_a_gap_accepted_on_the_page_is_applied_by_the_worker_with_the_reason(levels, settings, tmp_path):
    hand_down(levels)
    levels.send_down()  # number 1 never arrives
    hand_down(levels)
    second = levels.send_down()
    with pytest.raises(journal.GapRefused):
        levels.apply_below(second)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(second, inbox / second.name)
    settings.EXCHANGE_INBOX, settings.EXCHANGE_OUTBOX = inbox, None
    worker_jobs.run(clock.now())
    assert not Received.objects.exists()  # still waiting behind the gap

    url = f"/exchange/partners/{levels.parent.pk}/accept-gap/"
    staff = Client()
    staff.force_login(levels.county_staff)
    assert staff.post(url, {"reason": "x"}).status_code in (403, 404)  # staff see the page; leaders decide
    client = leader_client(levels)
    page = client.get("/exchange/").content.decode()
    assert "确认缺号" in page
    assert client.post(url, {"reason": ""}).status_code == 302
    assert not GapAcceptance.objects.exists()  # a reason is required
    client.post(url, {"reason": "上级确认第1号数据包作废"})
    assert GapAcceptance.objects.get().missing == "1"
    assert "等待下一次自动导入" in client.get("/exchange/").content.decode()

    worker_jobs.run(clock.now())
    assert Received.objects.count() == 1
    accepted = AuditEntry.objects.get(action="exchange.gap_accepted")
    assert "上级确认第1号数据包作废" in str(accepted.after)
    assert GapAcceptance.objects.get().used_at is not None


def test_a_key_revoked_and_a_partner_taken_out_on_the_page(levels):
    levels.as_lower()
    client = leader_client(levels)
    key = levels.parent.keys.get().verify_key
    base = f"/exchange/partners/{levels.parent.pk}"
    client.post(f"{base}/revoke-key/", {"key": key, "reason": "密钥泄露"})
    assert PartnerKey.objects.get(verify_key=key).revoked_at is not None
    client.post(f"{base}/leave/", {"reason": "机构调整"})
    assert Partner.objects.get(pk=levels.parent.pk).left_at is not None
    assert client.post(f"{base}/leave/", {"reason": "再次"}).status_code in (403, 404)
