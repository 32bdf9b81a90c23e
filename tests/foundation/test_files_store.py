"""core/files.store: content in memory (a list of chunks) is stored as streamed content is — the same name,
digest, size, bytes and file mode — and identical content is stored once."""

from __future__ import annotations

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
