"""Content-addressed file storage under var/files (outside the database), with size limits and checksums."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from taizhang.core.errors import ActionError

_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


@dataclass(frozen=True)
class StoredFile:
    """Where a stored file lives (relative to MEDIA_ROOT) and what it is."""

    storage_path: str
    sha256: str
    size: int


def root() -> Path:
    path = Path(settings.MEDIA_ROOT)
    path.mkdir(parents=True, exist_ok=True)
    return path


def safe_name(name: str, default: str = "附件") -> str:
    """A display name with no directories, control characters or reserved characters (path traversal safe)."""
    base = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).strip(" .")
    return (base or default)[:200]


def store(chunks: Iterable[bytes], *, max_bytes: int | None = None) -> StoredFile:
    """Stream chunks to disk, refusing past `max_bytes`; identical content is stored once."""
    limit = max_bytes if max_bytes is not None else settings.ATTACHMENT_MAX_BYTES
    digest = hashlib.sha256()
    size = 0
    tmp_dir = root() / "tmp"
    tmp_dir.mkdir(exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=tmp_dir)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise ActionError(
                        "file_too_large",
                        _("文件超过大小限制（最大 %(mb)s MB）。") % {"mb": round(limit / 1024 / 1024, 1)},
                    )
                digest.update(chunk)
                out.write(chunk)
        sha = digest.hexdigest()
        relative = f"{sha[:2]}/{sha[2:4]}/{sha}"
        target = root() / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            os.unlink(tmp_name)
        else:
            os.replace(tmp_name, target)
        return StoredFile(storage_path=relative, sha256=sha, size=size)
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise


def open_stored(storage_path: str) -> Path:
    """The path of a stored file, refusing anything that escapes the storage root."""
    base = root().resolve()
    path = (base / storage_path).resolve()
    if not path.is_relative_to(base):
        raise ActionError("invalid_path", _("文件路径无效。"))
    return path


def verify(storage_path: str, sha256: str) -> bool:
    """True when the file on disk still has the recorded checksum."""
    digest = hashlib.sha256()
    with open_stored(storage_path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest() == sha256
