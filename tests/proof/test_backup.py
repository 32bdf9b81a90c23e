"""`taizhang backup` and `taizhang restore`: everything comes back byte for byte, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from taizhang.clues.actions import ReporterData
from taizhang.clues.models import Attachment, Reporter
from taizhang.core import audit_key, files, sealing
from taizhang.core.audit import verify_chain
from taizhang.core.backup import _models, installation_is_empty, iter_rows, row_line
from taizhang.core.migrations import _triggers
from tests.clues.conftest import Walk
from tests.conftest import build_world


def dump_rows() -> dict[str, list[str]]:
    """Every table's rows as canonical lines (what the archive stores), for comparing two installations."""
    return {m._meta.label_lower: [row_line(r) for r in iter_rows(m)] for m in _models()}


def file_hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "tmp" not in p.relative_to(root).parts
    }


@pytest.fixture
def installation(settings, tmp_path):
    """Attachments and the identity key in a directory of this test's own (a machine of its own)."""
    settings.MEDIA_ROOT = str(tmp_path / "files")
    settings.IDENTITY_KEY = ""
    settings.IDENTITY_KEY_FILE = str(tmp_path / "keys" / "identity.key")
    settings.AUDIT_KEY, settings.AUDIT_KEY_FILE = "", str(tmp_path / "keys" / "audit.key")
    sealing.reset_keyring_cache()
    audit_key.reset_key_cache()
    yield tmp_path
    sealing.reset_keyring_cache()
    audit_key.reset_key_cache()


def _populate():
    world = build_world()
    walk = Walk(world)
    walk.transferred(
        reporter=ReporterData(
            kind="real_name", identity={"name": "王举报", "phone": "13800000000"}, wants_feedback=True
        )
    )
    umbrella = walk.assigned(unit="discipline", umbrella=True, summary="保护伞：<script>alert(1)</script>")
    stored = files.store([b"%PDF-1.4 evidence\n", bytes(range(256))])
    Attachment.objects.create(
        clue=umbrella,
        original_name="证据.pdf",
        content_type="application/pdf",
        size=stored.size,
        sha256=stored.sha256,
        storage_path=stored.storage_path,
        uploaded_by=world.people["office_staff"],
        uploaded_at=timezone.now(),
    )
    return world


def _empty_installation(root: Path) -> None:
    """What a new machine looks like after `taizhang migrate`: no rows of ours, no files, no key yet."""
    if connection.vendor == "sqlite":
        _triggers.remove(connection)
    call_command("flush", interactive=False, verbosity=0)
    if connection.vendor == "sqlite":
        _triggers.install(connection)
    for path in sorted((root / "files").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    (root / "keys" / "identity.key").unlink()
    sealing.reset_keyring_cache()


@pytest.mark.django_db(transaction=True)
def test_restore_gives_back_everything_byte_for_byte(installation):
    _populate()
    archive = installation / "backup.tar.gz"
    call_command("backup", str(archive), "--quiet", stdout=io.StringIO())
    rows_before = dump_rows()
    files_before = file_hashes(installation / "files")
    key_before = (installation / "keys" / "identity.key").read_bytes()
    assert rows_before["core.auditentry"] and rows_before["clues.reporter"] and files_before

    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore", str(archive), "--quiet", stdout=io.StringIO())

    _empty_installation(installation)
    assert installation_is_empty()
    out = io.StringIO()
    call_command("restore", str(archive), "--quiet", stdout=out)
    assert "audit chain intact" in out.getvalue()

    assert dump_rows() == rows_before
    assert file_hashes(installation / "files") == files_before
    assert (installation / "keys" / "identity.key").read_bytes() == key_before
    count, problem = verify_chain()
    assert problem is None and count == len(rows_before["core.auditentry"])
    # The sealed identity opens with the restored key, and new rows get fresh ids after the restored ones.
    reporter = Reporter.objects.exclude(sealed_identity="").get()
    assert sealing.open_sealed(reporter.sealed_identity)["name"] == "王举报"
    walk = Walk(_world_from_db())
    walk.register(summary="恢复后新登记")
    assert verify_chain()[1] is None


def _world_from_db():
    from taizhang.org.models import Unit, User
    from tests.conftest import World

    units = {
        "city": Unit.objects.get(code="CITY"),
        "district": Unit.objects.get(code="DIST"),
    }
    return World(units=units, people={"office_staff": User.objects.get(username="office_staff")})


@pytest.mark.django_db(transaction=True)
def test_a_damaged_archive_is_refused_before_anything_is_touched(installation):
    _populate()
    archive = installation / "backup.tar"
    call_command("backup", str(archive), "--quiet", stdout=io.StringIO())
    damaged = installation / "damaged.tar"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name == "data/clues.clue.jsonl":
                data = data.replace("某某团伙".encode(), "无关人员".encode())
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    _empty_installation(installation)
    with pytest.raises(CommandError, match="checksum mismatch"):
        call_command("restore", str(damaged), "--quiet", stdout=io.StringIO())
    assert installation_is_empty()


@pytest.mark.django_db(transaction=True)
def test_archive_lists_checksums_and_holds_no_sessions(installation, client):
    world = _populate()
    client.force_login(world.people["office_staff"])
    archive = installation / "backup.tar"
    call_command("backup", str(archive), "--quiet", stdout=io.StringIO())
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        names = set(tar.getnames())
        for name, meta in manifest["members"].items():
            assert hashlib.sha256(tar.extractfile(name).read()).hexdigest() == meta["sha256"]
    assert names == {"manifest.json", *manifest["members"]}
    assert "keys/identity.key" in names and "keys/audit.key" in names
    assert "sessions.session" not in manifest["rows"]
    assert manifest["rows"]["core.auditentry"] > 0
    assert archive.stat().st_mode & 0o077 == 0  # readable by its owner only


@pytest.mark.django_db(transaction=True)  # backup takes its own snapshot transaction
def test_the_archive_is_private_while_it_is_written(installation, monkeypatch):
    """Mode 0600 from the first byte (the identity key goes in), not narrowed after the whole archive was
    written with the umask's 0644."""
    import os

    modes: list[int] = []
    real_addfile = tarfile.TarFile.addfile

    def watching(self, tarinfo, fileobj=None):  # type: ignore[no-untyped-def]
        partial = [p for p in installation.iterdir() if p.name.endswith(".partial")]
        modes.extend(p.stat().st_mode & 0o777 for p in partial)
        return real_addfile(self, tarinfo, fileobj)

    monkeypatch.setattr(tarfile.TarFile, "addfile", watching)
    old = os.umask(0o022)
    try:
        call_command("backup", str(installation / "backup.tar"), "--quiet", stdout=io.StringIO())
    finally:
        os.umask(old)
    assert modes and set(modes) == {0o600}, modes
