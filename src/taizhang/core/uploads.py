"""The guard every upload passes before it is stored or opened: name, size, real type, and zip bombs.

Use it at the edge (a view, the API, an importer) before anything reads the file:

    name = uploads.check_upload(upload, kinds=uploads.ATTACHMENT_KINDS)      # attachments
    uploads.check_ooxml(upload, "xlsx")                                       # before openpyxl.load_workbook
    uploads.check_ooxml(upload, "docx")                                       # before docx.Document

Each refusal is an ActionError (400, code "upload_refused") with a message in Chinese that says why, so a
view shows it with messages.error and the API answers {"code", "message"}.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from taizhang.core.errors import ActionError
from taizhang.core.files import safe_name

# Office documents are zip archives; these bound what opening one may cost.
OOXML_MAX_MEMBERS = 2000
OOXML_MAX_UNPACKED = 200 * 1024 * 1024
OOXML_MAX_RATIO = 200
# The part that proves which kind of office document a zip is.
_OOXML_MAIN_PART = {"xlsx": "xl/workbook.xml", "docx": "word/document.xml", "pptx": "ppt/presentation.xml"}

_MAGIC: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "webp": (b"RIFF",),
    "xlsx": (b"PK\x03\x04",),
    "docx": (b"PK\x03\x04",),
    "pptx": (b"PK\x03\x04",),
    "zip": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    "xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    "wav": (b"RIFF",),
    "mp3": (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"),
    "amr": (b"#!AMR",),
}
# Text kinds have no signature: they must decode and hold no NUL bytes.
_TEXT = {"txt", "csv"}
# mp4/m4a/mov carry "ftyp" at offset 4.
_FTYP = {"mp4", "m4a", "mov"}

ATTACHMENT_KINDS = frozenset(
    {
        "pdf",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "webp",
        "docx",
        "xlsx",
        "doc",
        "xls",
        "txt",
        "mp3",
        "wav",
        "amr",
        "mp4",
        "m4a",
    }
)
LEDGER_KINDS = frozenset({"xlsx"})
DOCUMENT_KINDS = frozenset({"docx"})


def _refuse(message: str) -> ActionError:
    return ActionError("upload_refused", message)


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _head(upload: Any, size: int = 16) -> bytes:
    handle: IO[bytes] = getattr(upload, "file", upload)
    position = handle.tell()
    handle.seek(0)
    data = handle.read(size)
    handle.seek(position)
    return data


def _size(upload: Any) -> int:
    size = getattr(upload, "size", None)
    if size is not None:
        return int(size)
    handle: IO[bytes] = getattr(upload, "file", upload)
    position = handle.tell()
    handle.seek(0, 2)
    end = handle.tell()
    handle.seek(position)
    return end


def check_upload(
    upload: Any, *, kinds: Iterable[str] = ATTACHMENT_KINDS, max_bytes: int | None = None, name: str = ""
) -> str:
    """Refuse a file whose name, size or content is not what it claims; return the safe display name."""
    raw_name = name or getattr(upload, "name", "") or ""
    clean = safe_name(raw_name)
    kind = _extension(clean)
    allowed = set(kinds)
    if kind not in allowed:
        raise _refuse(
            _("不支持的文件类型「%(ext)s」。允许的类型：%(kinds)s。")
            % {"ext": kind or _("无扩展名"), "kinds": "、".join(sorted(allowed))}
        )
    limit = max_bytes if max_bytes is not None else settings.ATTACHMENT_MAX_BYTES
    size = _size(upload)
    if size > limit:
        raise _refuse(_("文件超过大小限制（最大 %(mb)s MB）。") % {"mb": round(limit / 1024 / 1024, 1)})
    if size == 0:
        raise _refuse(_("文件是空的。"))
    head = _head(upload, 4096 if kind in _TEXT else 16)
    if kind in _TEXT:
        if b"\x00" in head:
            raise _refuse(_("「%(name)s」不是文本文件。") % {"name": clean})
    elif kind in _FTYP:
        if head[4:8] != b"ftyp":
            raise _refuse(_("「%(name)s」的内容与扩展名不符。") % {"name": clean})
    elif not head.startswith(_MAGIC[kind]):
        raise _refuse(_("「%(name)s」的内容与扩展名不符。") % {"name": clean})
    if kind in _OOXML_MAIN_PART:
        check_ooxml(upload, kind)
    return clean


def check_ooxml(upload: Any, kind: str) -> None:
    """Refuse an .xlsx/.docx that is not a sound office document or would unpack into too much (zip bomb).

    Reads only the zip directory: the sizes it declares are summed before openpyxl or python-docx open the
    file, so a bomb is refused without being inflated.
    """
    handle: IO[bytes] = getattr(upload, "file", upload)
    position = handle.tell()
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _refuse(_("文件已损坏或不是有效的 %(kind)s 文件。") % {"kind": kind}) from exc
    finally:
        handle.seek(position)
    if "[Content_Types].xml" not in names or _OOXML_MAIN_PART.get(kind, "") not in names:
        raise _refuse(_("文件不是有效的 %(kind)s 文件。") % {"kind": kind})
    if len(members) > OOXML_MAX_MEMBERS:
        raise _refuse(_("文件结构异常（部件过多），已拒绝。"))
    unpacked = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members) or 1
    if unpacked > OOXML_MAX_UNPACKED or unpacked / packed > OOXML_MAX_RATIO:
        raise _refuse(_("文件解压后过大（疑似压缩炸弹），已拒绝。"))
    for m in members:
        if m.filename.startswith("/") or ".." in m.filename.split("/"):
            raise _refuse(_("文件结构异常（路径不安全），已拒绝。"))
