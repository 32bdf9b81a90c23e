"""core/files.store: content in memory (a list of chunks) is stored as streamed content is — the same name,
digest, size, bytes and file mode — and identical content is stored once."""

from __future__ import annotations

import contextvars
import hashlib
import stat

import pytest

from taizhang.core import files
from taizhang.core.errors import ActionError


def test_in_memory_and_streamed_content_are_stored_alike(db):
    body = bytes(range(256)) * 300 + b"ferry"
    in_memory = files.store([body])
    streamed = files.store(iter([body[:1000], body[1000:]]))
    assert in_memory == streamed
    assert in_memory.sha256 == hashlib.sha256(body).hexdigest() and in_memory.size == len(body)
    assert in_memory.storage_path.endswith(f"/{in_memory.sha256}")
    assert files.read_bytes(in_memory.storage_path) == body
    assert files.verify(in_memory.storage_path, in_memory.sha256)
    path = files.open_stored(in_memory.storage_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    # Stored again (in memory, in two chunks, under a prefix): one file per content and prefix.
    assert files.store([body[:10], body[10:]]) == in_memory
    prefixed = files.store([body], prefix="generated/")
    assert prefixed.storage_path == f"generated/{in_memory.storage_path}"
    assert files.read_bytes(prefixed.storage_path) == body


def test_in_memory_content_over_the_limit_is_refused_and_not_written(db):
    with pytest.raises(ActionError):
        files.store([b"y" * 2048], max_bytes=1024)
    digest = hashlib.sha256(b"y" * 2048).hexdigest()
    assert not files.storage().exists(f"{digest[:2]}/{digest[2:4]}/{digest}")


def test_a_failed_block_removes_the_files_it_wrote_unless_a_row_points_at_them(db, settings, tmp_path):
    from taizhang.clues.models import ImportJob
    from tests.factories import UnitFactory, UserFactory

    settings.MEDIA_ROOT = tmp_path / "files"
    earlier = files.store([b"stored before the block"])
    office = UnitFactory(code="F-OFF")
    with pytest.raises(RuntimeError), files.removed_on_failure():
        assert files.store([b"stored before the block"]) == earlier  # not written here: never removed
        alone = files.store([b"written by the block"])
        linked = files.store(iter([b"written, ", b"then linked"]))  # streamed through a temporary file
        with files.removed_on_failure():  # an inner block that succeeded hands its files to the outer one
            inner = files.store([b"written by an inner block"])
        # A row pointing at a file (as one committed meanwhile by someone storing the same content would).
        ImportJob.objects.create(
            office=office,
            created_by=UserFactory(unit=office),
            original_name="台账.xlsx",
            sha256=linked.sha256,
            storage_path=linked.storage_path,
        )
        raise RuntimeError("the import failed")
    assert files.storage().exists(earlier.storage_path)
    assert files.storage().exists(linked.storage_path)
    assert not files.storage().exists(alone.storage_path)
    assert not files.storage().exists(inner.storage_path)
    # A block that succeeds keeps what it wrote.
    with files.removed_on_failure():
        kept = files.store([b"written by a block that succeeded"])
    assert files.storage().exists(kept.storage_path)


@pytest.mark.parametrize("streamed", [False, True], ids=["in memory", "streamed"])
def test_a_failed_block_keeps_a_file_someone_else_stored_meanwhile(db, settings, tmp_path, streamed):
    """Another request stores the same content while the import runs; its row is not committed when the import
    fails, so no row points at the file yet — the reuse itself must keep it."""
    settings.MEDIA_ROOT = tmp_path / "files"
    content = b"the same scanned letter, by two ways at once"

    def elsewhere() -> files.StoredFile:  # outside the block (a fresh context: another request's)
        chunks = iter([content[:10], content[10:]]) if streamed else [content]
        return contextvars.Context().run(files.store, chunks)

    with pytest.raises(RuntimeError), files.removed_on_failure():
        written = files.store([content])
        assert elsewhere() == written
        alone = files.store([b"only the import wrote this"])
        raise RuntimeError("the import failed")
    assert files.read_bytes(written.storage_path) == content
    assert not files.storage().exists(alone.storage_path)
    assert not list((tmp_path / "files").rglob("*.removing-*"))
