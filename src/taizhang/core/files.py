"""Content-addressed file storage through Django's storage API (`default_storage`), with size limits and
checksums.

Every node reads and writes the same store: a folder every node mounts (FileSystemStorage on MEDIA_ROOT /
TAIZHANG_FILES_DIR, the default) or S3-compatible object storage (TAIZHANG_STORAGE_URL=s3://…, through
django-storages). An upload is streamed to a local temporary file while its size is checked and its SHA-256
computed, then saved under `ab/cd/<sha256>`; identical content is stored once. Content already in memory (a
list of byte strings: the portal's cleaned uploads, the ferry's opened attachments) is hashed and saved as it is,
without the temporary copy.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.apps import apps
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.db import DatabaseError
from django.db.transaction import TransactionManagementError
from django.utils.translation import gettext as _

from taizhang.core.errors import ActionError

_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")
log = logging.getLogger("taizhang.files")
_STORAGE_PATH = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./-]{0,199}$")


@dataclass(frozen=True)
class StoredFile:
    """Where a stored file lives (its name in the storage) and what it is."""

    storage_path: str
    sha256: str
    size: int


def storage() -> Storage:
    return default_storage


def root() -> Path:
    """The local folder of a filesystem store (backups copy it); object storage has none."""
    path = Path(settings.MEDIA_ROOT)
    path.mkdir(parents=True, exist_ok=True)
    return path


def safe_name(name: str, default: str = "附件") -> str:
    """A display name with no directories, control characters or reserved characters (path traversal safe)."""
    base = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).strip(" .")
    return (base or default)[:200]


def _checked(storage_path: str) -> str:
    """A storage name as recorded by store(): relative, no '..', nothing odd; anything else is refused."""
    if not _STORAGE_PATH.match(storage_path or "") or ".." in storage_path.split("/"):
        raise ActionError("invalid_path", _("文件路径无效。"))
    return storage_path


def _too_large(limit: int) -> ActionError:
    return ActionError(
        "file_too_large", _("文件超过大小限制（最大 %(mb)s MB）。") % {"mb": round(limit / 1024 / 1024, 1)}
    )


def _save_local(target: FileSystemStorage, name: str, content: bytes) -> tuple[str, bool]:
    """`_save` of bytes on a filesystem store: one exclusive create, as FileSystemStorage does, without its
    name checks and path building per file (a ferry package stores thousands); an existing file is the same
    content."""
    path = target.path(name)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        try:
            try:
                fd = os.open(path, flags, 0o666)
            except FileNotFoundError:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                fd = os.open(path, flags, 0o666)
            break
        except FileExistsError:
            if _mark_reused(path):
                return name, False
            # removed by a failed import's clean-up between the two calls: write it again
    with os.fdopen(fd, "wb") as out:
        out.write(content)
        if target.file_permissions_mode is not None:
            os.fchmod(out.fileno(), target.file_permissions_mode)
    return name, True


def _save(name: str, content: IO[bytes] | bytes) -> str:
    """Save under `name` unless it is there already (the same content); the name it was saved under. A file
    written here is noted for an enclosing `removed_on_failure`."""
    saved, created = _save_new(name, content)
    if (
        created
        and (noted := _created.get()) is not None
        and isinstance(target := storage(), FileSystemStorage)
    ):
        # The name with the modification time this write left: a later reuse moves it (_mark_reused).
        noted += f"{saved}\t{os.stat(target.path(saved)).st_mtime_ns}\n".encode()
    return saved


def _mark_reused(path: str) -> bool:
    """Mark an existing file as reused by moving its modification time on by a second (a failed import's
    clean-up then keeps it: `_remove_untouched`); False when it is gone (removed by such a clean-up just now),
    so the caller writes it again."""
    try:
        found = os.stat(path)
        os.utime(path, ns=(found.st_atime_ns, found.st_mtime_ns + 1_000_000_000))
    except FileNotFoundError:
        return False
    return True


def _save_new(name: str, content: IO[bytes] | bytes) -> tuple[str, bool]:
    """(the name it was saved under, whether this call wrote it)."""
    target = storage()
    # With a folders' mode set, Django's own way, which applies it.
    if (
        isinstance(content, bytes)
        and isinstance(target, FileSystemStorage)
        and target.directory_permissions_mode is None
    ):
        return _save_local(target, name, content)
    if target.exists(name) and (not isinstance(target, FileSystemStorage) or _mark_reused(target.path(name))):
        return name, False
    # Two nodes storing the same content at once: the second gets a suffixed name of the same bytes.
    if isinstance(content, bytes):
        return target.save(name, ContentFile(content, name=name)), True
    content.seek(0)
    return target.save(name, File(content, name=name)), True


# The files written inside the innermost `removed_on_failure`, one name a line (compact: a package may store
# 100,000 files).
_created: ContextVar[bytearray | None] = ContextVar("taizhang_files_created", default=None)


@contextmanager
def removed_on_failure() -> Iterator[None]:
    """Files this block writes to the store are removed again if it fails, once no row points at them.

    For work whose rows roll back on an error (a package's import): a file stored before the failure would be
    left with nothing linking to it. Only files the block wrote itself are candidates (content stored before is
    shared by the rows that link to it), and each is kept if a row of any model with a `storage_path` (committed
    meanwhile by someone who stored the same content) points at it, or if anyone stored the same content since
    (their row may not be committed yet): see `_remove_untouched`. Only a filesystem store cleans up; on an object
    store the files stay (nothing there can tell a reuse still in flight). Nested blocks hand what they wrote to
    the enclosing one when they succeed."""
    noted = bytearray()
    outer = _created.get()
    token = _created.set(noted)
    try:
        yield
    except BaseException:
        _created.reset(token)
        _remove_unreferenced(noted)
        raise
    _created.reset(token)
    if outer is not None:
        outer += noted


def _remove_unreferenced(noted: bytearray, batch: int = 500) -> None:
    written = dict(line.decode().split("\t") for line in noted.split(b"\n") if line)
    names = list(written)
    owners = [
        model
        for model in apps.get_models()
        if any(f.name == "storage_path" for f in model._meta.concrete_fields)
    ]
    for start in range(0, len(names), batch):
        chunk = names[start : start + batch]
        try:
            used = {
                name
                for model in owners
                for name in model._default_manager.filter(storage_path__in=chunk).values_list(
                    "storage_path", flat=True
                )
            }
        except (DatabaseError, TransactionManagementError):
            log.warning("stored files of a failed import kept: the database could not say they are unused")
            return
        for name in chunk:
            if name not in used:
                with suppress(OSError, ActionError, SuspiciousFileOperation):
                    _remove_untouched(_checked(name), int(written[name]))


def _remove_untouched(name: str, mtime_ns: int) -> None:
    """Remove a file this process wrote unless someone stored the same content since (its modification time
    moved: `_mark_reused`). The file is first renamed aside, so a writer arriving meanwhile finds it absent and
    writes it again; one that marked it before the rename has it put back (the same bytes either way)."""
    path = storage().path(name)
    aside = f"{path}.removing-{os.getpid()}"
    os.rename(path, aside)
    if os.stat(aside).st_mtime_ns != mtime_ns:
        os.rename(aside, path)
    else:
        os.unlink(aside)


def store(chunks: Iterable[bytes], *, max_bytes: int | None = None, prefix: str = "") -> StoredFile:
    """Stream chunks to the store, refusing past `max_bytes`; identical content is stored once. A list or
    tuple of chunks is in memory already: it is hashed and written once, with no temporary file."""
    limit = max_bytes if max_bytes is not None else settings.ATTACHMENT_MAX_BYTES
    if isinstance(chunks, list | tuple):
        data = b"".join(chunks)  # one chunk: the same object, no copy
        if len(data) > limit:
            raise _too_large(limit)
        sha = hashlib.sha256(data).hexdigest()
        name = _save(f"{prefix}{sha[:2]}/{sha[2:4]}/{sha}", data)
        return StoredFile(storage_path=name, sha256=sha, size=len(data))
    digest = hashlib.sha256()
    size = 0
    with tempfile.TemporaryFile() as tmp:
        for chunk in chunks:
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            digest.update(chunk)
            tmp.write(chunk)
        sha = digest.hexdigest()
        name = _save(f"{prefix}{sha[:2]}/{sha[2:4]}/{sha}", tmp)
    return StoredFile(storage_path=name, sha256=sha, size=size)


def open_file(storage_path: str) -> IO[bytes]:
    """The stored file opened for reading (from whichever node or object store holds it)."""
    try:
        return storage().open(_checked(storage_path), "rb")
    except (FileNotFoundError, SuspiciousFileOperation) as exc:
        raise ActionError("file_missing", _("文件不存在或已被移除。")) from exc


def read_bytes(storage_path: str) -> bytes:
    with open_file(storage_path) as handle:
        return handle.read()


@contextmanager
def local_path(storage_path: str) -> Iterator[Path]:
    """A local path to the stored file for parsers that want one: the file itself on a filesystem store,
    a temporary copy from object storage."""
    name = _checked(storage_path)
    target = storage()
    try:
        yield Path(target.path(name))
        return
    except NotImplementedError:
        pass
    with tempfile.NamedTemporaryFile(suffix=".bin") as tmp:
        with open_file(name) as handle:
            shutil.copyfileobj(handle, tmp)
        tmp.flush()
        yield Path(tmp.name)


def open_stored(storage_path: str) -> Path:
    """The local path of a file on a filesystem store (tests, backups), refusing anything outside it."""
    base = Path(storage().path("")).resolve()
    path = (base / _checked(storage_path)).resolve()
    if not path.is_relative_to(base):
        raise ActionError("invalid_path", _("文件路径无效。"))
    return path


def delete(storage_path: str) -> None:
    storage().delete(_checked(storage_path))


def verify(storage_path: str, sha256: str) -> bool:
    """True when the stored file still has the recorded checksum."""
    digest = hashlib.sha256()
    with open_file(storage_path) as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest() == sha256
