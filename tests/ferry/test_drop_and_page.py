"""Drop folders watched by the worker, and the office's ferry page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from taizhang.clues.models import Clue
from taizhang.ferry import drop
from taizhang.ferry.models import PackageLog

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_the_worker_imports_in_sequence_and_sets_refused_packages_aside(sites, settings, tmp_path):
    sites.submit()
    first = sites.export()
    sites.submit()
    second = sites.export()
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    settings.FERRY_INBOX, settings.FERRY_OUTBOX = str(inbox), ""
    second.rename(inbox / second.name)
    sites.as_ledger()
    assert drop.run(NOW) == 0  # number 1 missing: package 2 waits in the inbox
    assert (inbox / second.name).exists() and Clue.objects.count() == 0
    first.rename(inbox / first.name)
    junk = inbox / "zz-broken.pkg"
    junk.write_bytes(b"not a package")
    assert drop.run(NOW) == 2
    assert Clue.objects.count() == 2
    assert sorted(p.name for p in (inbox / "done").iterdir()) == sorted([first.name, second.name])
    assert [p.name for p in (inbox / "refused").iterdir()] == ["zz-broken.pkg"]
    assert drop.run(NOW) == 0
    assert PackageLog.objects.filter(direction="in", outcome="refused").count() == 2  # gap once, junk once


def test_the_worker_exports_to_the_outbox(sites, settings, tmp_path):
    settings.FERRY_INBOX, settings.FERRY_OUTBOX = "", str(tmp_path / "outbox")
    sites.submit()
    sites.as_portal()
    assert drop.run(NOW) == 1
    assert drop.run(NOW) == 0
    assert len(list((tmp_path / "outbox").glob("*.pkg"))) == 1


@pytest.mark.parametrize(
    ("persona", "status"), [("office_staff", 200), ("office_leader", 200), ("handler", 404), ("liaison", 404)]
)
def test_the_ferry_page_is_for_the_office(sites, world, persona, status):
    sites.submit()
    sites.apply(sites.export())
    bad = sites.drop / "bad.pkg"
    bad.write_bytes(b"TAIZHANG-FERRY\nxx")
    with pytest.raises(Exception, match="有效"):
        sites.apply(bad)
    response = world.client_for(persona).get(reverse("ferry:state"))
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert "第 1 号" in page and "已拒收" in page and "bad.pkg" in page


def test_the_ferry_page_wants_a_signed_in_person(client):
    assert client.get(reverse("ferry:state")).status_code == 302
