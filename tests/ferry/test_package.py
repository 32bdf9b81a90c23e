"""A package is applied all or nothing, exactly once, in sequence; anything wrong with it is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from taizhang.clues.models import Attachment, Clue
from taizhang.core.models import AuditEntry
from taizhang.ferry import keys, package
from taizhang.ferry.journal import AlreadyApplied
from taizhang.ferry.models import PackageLog
from taizhang.portal.models import Message, Receipt


def _flip(path: Path, index: int, bit: int = 0) -> Path:
    data = bytearray(path.read_bytes())
    data[index] ^= 1 << bit
    out = path.with_name(f"flipped-{index}-{bit}.pkg")
    out.write_bytes(bytes(data))
    return out


def _verify(sites, path: Path) -> package.Package:
    sites.as_ledger()
    held, own = keys.peer(), keys.own()
    return package.verify(
        path,
        sender_key=held.verify_key,
        sender=held.site_id,
        receiver=own.site_id,
        kind=package.PORTAL_TO_LEDGER,
    )


def test_it_works(sites):
    reports = sites.submit(2, data="收据".encode())
    sites.add_message(reports[0].report.pk, "补充：车牌 甲A12345")
    log = sites.apply(sites.export())
    assert log.counts == {"submissions": 2, "messages": 1, "files": 2}
    assert Clue.objects.filter(channel="portal").count() == 2
    assert Attachment.objects.filter(from_reporter=True).count() == 2
    assert Message.objects.filter(sender="reporter", body="补充：车牌 甲A12345").count() == 1
    assert set(Receipt.objects.values_list("passphrase_hash", flat=True)) == {""}
    entry = AuditEntry.objects.get(action="ferry.package_applied")
    assert entry.after["sequence"] == 1 and entry.after["digest"] == log.digest


def test_the_channel_is_the_configured_one(sites, settings):
    settings.FERRY_CHANNEL = "superior"
    sites.submit()
    sites.apply(sites.export())
    assert Clue.objects.get().channel == "superior"


def test_a_replay_changes_nothing(sites):
    sites.submit()
    path = sites.export()
    sites.apply(path)
    counts = (
        Clue.objects.count(),
        Attachment.objects.count(),
        AuditEntry.objects.count(),
        PackageLog.objects.count(),
    )
    with pytest.raises(AlreadyApplied, match="已经导入过"):
        sites.apply(path)
    assert counts == (
        Clue.objects.count(),
        Attachment.objects.count(),
        AuditEntry.objects.count(),
        PackageLog.objects.count(),
    )


def test_a_bit_flipped_anywhere_is_refused(sites):
    reports = sites.submit(1)
    sites.add_message(reports[0].report.pk, "补充")
    path = sites.export()
    size = path.stat().st_size
    assert _verify(sites, path).sequence == 1
    for index in range(size):
        flipped = _flip(path, index, bit=index % 8)
        with pytest.raises(package.PackageRefused):
            _verify(sites, flipped)
        flipped.unlink()


def test_a_flipped_package_changes_nothing_and_is_audited(sites):
    sites.submit()
    path = sites.export()
    flipped = _flip(path, path.stat().st_size - 5)
    with pytest.raises(package.PackageRefused, match="不符"):
        sites.apply(flipped)
    assert Clue.objects.count() == 0
    refused = AuditEntry.objects.get(action="ferry.package_refused")
    assert refused.after["sequence"] == 1 and refused.after["digest"]
    assert PackageLog.objects.get(direction="in").outcome == "refused"
    sites.apply(path)  # the real one still applies
    assert Clue.objects.count() == 1


def test_a_truncated_package_is_refused(sites):
    sites.submit()
    path = sites.export()
    cut = path.with_name("cut.pkg")
    cut.write_bytes(path.read_bytes()[:-1])
    with pytest.raises(package.PackageRefused, match="缺失"):
        sites.apply(cut)
    assert Clue.objects.count() == 0


def test_a_package_signed_with_another_key_is_refused(sites, tmp_path):
    sites.submit()
    path = sites.export()
    sites.as_portal()
    keys.rotate()  # the portal's new signing key, not yet handed to the ledger
    sites.submit()
    second = sites.export()
    with pytest.raises(package.PackageRefused, match="签名无效"):
        sites.apply(second)
    sites.apply(path)
    assert Clue.objects.count() == 1


def test_a_package_going_the_wrong_way_is_refused(sites):
    sites.submit()
    path = sites.export()
    with pytest.raises(package.PackageRefused):
        sites.apply_back(path)  # the portal's own package offered back to the portal
    backwards = _resign(
        sites, path, kind=package.LEDGER_TO_PORTAL
    )  # signed by the portal, claiming the other way
    with pytest.raises(package.PackageRefused, match="方向不符"):
        sites.apply(backwards)
    assert Clue.objects.count() == 0
    sites.apply(path)
    back = sites.export_back()
    with pytest.raises(package.PackageRefused, match="签名无效"):
        sites.apply(back)  # the ledger's own package offered to the ledger


def _resign(sites, path: Path, **changes) -> Path:
    """The same package with its manifest changed and signed again by the portal (a future version, say)."""
    with open(path, "rb") as handle:
        body, _sig, start = package.read_header(handle)
        rest = handle.read()
    manifest = {**json.loads(body), **changes}
    new_body = json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1).encode()
    sites.as_portal()
    sig = keys.own().signing_key.sign(new_body).signature.hex().encode()
    out = path.with_name("resigned.pkg")
    out.write_bytes(
        package.MAGIC + str(len(new_body)).encode() + b"\n" + new_body + b"\n" + sig + b"\n" + rest
    )
    return out


def test_a_package_from_a_future_format_is_refused(sites):
    sites.submit()
    future = _resign(sites, sites.export(), version=package.VERSION + 1)
    with pytest.raises(package.PackageRefused, match=f"版本 {package.VERSION + 1} 高于"):
        sites.apply(future)
    assert Clue.objects.count() == 0


def test_a_gap_is_refused_naming_the_missing_numbers_and_an_audited_override_applies(sites):
    sites.submit()
    first = sites.export()
    sites.submit()
    sites.export()
    sites.submit()
    third = sites.export()
    sites.apply(first)
    with pytest.raises(package.PackageRefused, match="缺少第 2 号"):
        sites.apply(third)
    assert Clue.objects.count() == 1
    sites.apply(third, accept_gap_reason="第2号包在网闸传输中丢失，已与对方核实")
    assert Clue.objects.count() == 2
    gap = AuditEntry.objects.get(action="ferry.gap_accepted")
    assert gap.after["missing"] == [2] and "网闸" in gap.after["reason"]


def test_every_manifest_written_matches_the_schema_in_the_repository(sites):
    import jsonschema

    schema = json.loads((Path(package.__file__).parent / "package.schema.json").read_text())
    reports = sites.submit(1)
    sites.add_message(reports[0].report.pk, "补充")
    sites.apply(sites.export())
    for path in [*sites.drop.glob("*.pkg"), sites.export_back()]:
        with open(path, "rb") as handle:
            body, _sig, _start = package.read_header(handle)
        jsonschema.validate(json.loads(body), schema)


def test_a_package_refused_after_its_reports_leaves_none_of_their_files(sites, settings, monkeypatch):
    from taizhang.ferry import ledger_side

    monkeypatch.setattr(ledger_side, "_BATCH", 1)  # each report written in a chunk of its own
    first = sites.submit(1)
    sites.export()  # never arrives
    sites.submit(1, data=b"photo one")
    sites.submit(1, data=b"photo two")
    sites.add_message(first[0].report.pk, "补充")  # on a report of the missing package
    second = sites.export()
    root = Path(settings.MEDIA_ROOT)
    before = {p for p in root.rglob("*") if p.is_file()}
    with pytest.raises(package.PackageRefused, match="找不到对应的举报"):
        sites.apply(second, accept_gap_reason="第1号包丢失")
    assert Clue.objects.count() == 0 and Attachment.objects.count() == 0
    assert {p for p in root.rglob("*") if p.is_file()} == before  # the two photos were stored, then removed
