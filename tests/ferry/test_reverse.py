"""The reverse package: office replies, status, released wording and feedback go back sealed to the reporter."""

from __future__ import annotations

import pytest
from nacl.exceptions import CryptoError

from taizhang.clues.models import Clue
from taizhang.core import files
from taizhang.ferry.journal import AlreadyApplied
from taizhang.gate import sealing
from taizhang.gate.actions import find_sealed
from taizhang.gate.models import SealedFile, SealedReport, SectorOption, ThreadMessage
from taizhang.org.models import Sector
from taizhang.reporters.actions import do_release_outcome, do_reply_to_reporter


@pytest.fixture
def delivered(sites, world):
    issued = sites.submit(1, passphrase="my own passphrase 123")[0]
    sites.apply(sites.export())
    return issued


def test_replies_and_wording_reach_only_the_reporter(sites, world, delivered):
    clue = Clue.objects.get()
    do_reply_to_reporter(clue.pk, actor=world.people["office_staff"], body="已收到，正在核查。")
    do_release_outcome(clue.pk, actor=world.people["office_staff"], text="问题属实，已移送。")
    log = sites.apply_back(sites.export_back())
    assert log.counts["replies"] == 1 and log.counts["statuses"] == 1
    report = SealedReport.objects.get()
    reply = ThreadMessage.objects.get(report=report, sender="office")
    assert "已收到" not in reply.for_reporter and "问题属实" not in report.status_sealed
    found = find_sealed(delivered.code, "my own passphrase 123")
    assert found is not None
    _report, secret = found
    assert sealing.open_json(secret, reply.for_reporter)["body"] == "已收到，正在核查。"
    state = sealing.open_json(secret, report.status_sealed)
    assert state["outcome"] == "问题属实，已移送。" and state["status"] == "received"
    assert find_sealed(delivered.code, "another passphrase 1") is None
    other = sites.submit(1)[0]
    with pytest.raises(CryptoError):
        sealing.open_json(find_sealed(other.code, other.passphrase)[1], reply.for_reporter)


def test_a_reverse_package_applies_once_and_nothing_unchanged_is_sent_again(sites, world, delivered):
    clue = Clue.objects.get()
    do_reply_to_reporter(clue.pk, actor=world.people["office_staff"], body="请补充车牌号。")
    back = sites.export_back()
    sites.apply_back(back)
    with pytest.raises(AlreadyApplied):
        sites.apply_back(back)
    assert ThreadMessage.objects.filter(sender="office").count() == 1
    assert sites.export_back() is None  # nothing new: no package


def test_sectors_travel_and_delivered_copies_are_forgotten(
    sites, world, delivered, django_capture_on_commit_callbacks
):
    Sector.objects.filter(code="transport").update(is_active=False)  # retired sectors are not offered
    paths = list(SealedFile.objects.values_list("storage_path", flat=True))
    assert paths and all(files.open_stored(p).exists() for p in paths)
    with django_capture_on_commit_callbacks(execute=True):
        sites.apply_back(sites.export_back())
    offered = list(
        Sector.objects.filter(is_active=True).order_by("sort_order", "id").values_list("code", "name")
    )
    assert offered and list(SectorOption.objects.values_list("code", "name")) == offered
    # The ledger acknowledged package 1: the portal keeps no copy sealed for it any more.
    assert SealedReport.objects.get().for_ledger == ""
    assert not SealedFile.objects.exists()
    assert not any(files.open_stored(p).exists() for p in paths)
