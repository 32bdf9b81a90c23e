"""Checking files the public sends: allowlisted types recognised by content, size limits, images re-encoded.

The extension and the browser's content type are ignored: the type is what the first bytes say it is. Images
are decoded and saved again by Pillow from pixels only, which drops EXIF (GPS position, camera serial), XMP
and comments; the orientation is applied to the pixels first so the picture still looks right. Word and Excel
files are repacked with their document properties emptied (author, last modified by, company, manager, custom
properties), and a PDF's document information strings (author, creator, producer...) are blanked in place.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from taizhang.core.errors import ActionError
from taizhang.core.files import safe_name
from taizhang.portal import pdf_metadata
from taizhang.portal.abuse import setting


@dataclass(frozen=True)
class CleanFile:
    """A checked upload ready to store: the bytes to keep, a safe display name and the sniffed type."""

    name: str
    content_type: str
    data: bytes


# kind: (extension, content type)
TYPES = {
    "jpeg": ("jpg", "image/jpeg"),
    "png": ("png", "image/png"),
    "pdf": ("pdf", "application/pdf"),
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "txt": ("txt", "text/plain"),
    "mp3": ("mp3", "audio/mpeg"),
    "m4a": ("m4a", "audio/mp4"),
}
ACCEPT = ".jpg,.jpeg,.png,.pdf,.docx,.xlsx,.txt,.mp3,.m4a"
# Decoding an image takes 3-4 bytes a pixel: one picture and one submission are bounded before any decoding
# (read from the header alone), so five 6300x6300 photos cannot take 600 MB of server memory.
MAX_IMAGE_PIXELS = 25_000_000
MAX_TOTAL_PIXELS = 50_000_000


def max_file_bytes() -> int:
    return setting("FILE_MAX_BYTES", 10 * 1024 * 1024)


def max_files() -> int:
    return setting("MAX_FILES", 5)


def max_total_bytes() -> int:
    return setting("FILES_TOTAL_MAX_BYTES", 30 * 1024 * 1024)


def _zip_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            data.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def sniff(data: bytes) -> str | None:
    """The allowlisted kind the bytes really are, or None."""
    head = data[:16]
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    if head[4:8] == b"ftyp" and head[8:11] in (b"M4A", b"mp4", b"iso", b"M4B"):
        return "m4a"
    if data and _is_text(data):
        return "txt"
    return None


def strip_image(data: bytes, kind: str) -> bytes:
    """Re-encode an image from its pixels alone (no EXIF, XMP, ICC comments or thumbnails survive)."""
    from PIL import Image, ImageOps  # Pillow (3 MiB) is loaded by the first image, not by every process

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                if img.width * img.height > MAX_IMAGE_PIXELS:
                    raise ActionError("image_too_large", _("图片尺寸过大。"))
                img.load()
                upright = ImageOps.exif_transpose(img) or img
                mode = "RGB" if kind == "jpeg" else ("RGBA" if "A" in upright.getbands() else "RGB")
                clean = Image.new(mode, upright.size)
                clean.paste(upright.convert(mode))
    except ActionError:
        raise
    except Exception as exc:  # Pillow raises many kinds for broken or hostile files
        raise ActionError("bad_image", _("图片文件已损坏或无法识别。")) from exc
    out = io.BytesIO()
    if kind == "jpeg":
        clean.save(out, format="JPEG", quality=90)
    else:
        clean.save(out, format="PNG", optimize=False)
    return out.getvalue()


# Document properties that name people or organisations; replaced by empty parts of the same kind, so the
# package stays valid (its content types and relationships still point at them).
_OFFICE_BLANK_PARTS = {
    "docProps/core.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
    ),
    "docProps/app.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"/>'
    ),
    "docProps/custom.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"/>'
    ),
}
# A repacked document may not unpack to more than this (a zip bomb is refused, not inflated), nor all the
# documents of one submission together more than the total.
MAX_OFFICE_UNPACKED = 40 * 1024 * 1024
MAX_TOTAL_UNPACKED = 60 * 1024 * 1024


def strip_office(data: bytes) -> bytes:
    """Repack a .docx/.xlsx with empty document properties; every other part is copied unchanged."""
    bad = ActionError("bad_document", _("文档已损坏或无法识别。"))
    out = io.BytesIO()
    try:
        with (
            zipfile.ZipFile(io.BytesIO(data)) as source,
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dest,
        ):
            members = source.infolist()
            if sum(info.file_size for info in members) > MAX_OFFICE_UNPACKED:
                raise bad
            budget = MAX_OFFICE_UNPACKED
            for info in members:
                blank = _OFFICE_BLANK_PARTS.get(info.filename)
                if blank is not None:
                    body = blank.encode()
                else:
                    with source.open(info) as member:
                        # Declared sizes can lie: read no more than what is left of the budget.
                        body = member.read(budget + 1)
                    budget -= len(body)
                    if budget < 0:
                        raise bad
                # A fixed date: the archive's own timestamps say nothing about when or where it was made.
                entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
                entry.compress_type = zipfile.ZIP_DEFLATED
                dest.writestr(entry, body)
    except ActionError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, RuntimeError) as exc:
        raise bad from exc
    return out.getvalue()


def image_pixels(data: bytes) -> int:
    """Width x height from the image's header (nothing is decoded); 0 when it cannot be read."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as img:
            return int(img.width) * int(img.height)
    except Exception:  # a broken file is refused later, by strip_image
        return 0


def office_unpacked(data: bytes) -> int:
    """What a .docx/.xlsx declares it unpacks to (the zip directory alone); strip_office also counts what it
    really reads, since declared sizes can lie."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as source:
            return sum(info.file_size for info in source.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return 0


def _check_budget(sniffed: list[tuple[str, str, bytes]]) -> None:
    """Before any image is decoded or document unpacked: each and all of them within their bounds."""
    pixels = [image_pixels(data) for _name, kind, data in sniffed if kind in ("jpeg", "png")]
    if any(p > MAX_IMAGE_PIXELS for p in pixels) or sum(pixels) > MAX_TOTAL_PIXELS:
        raise ActionError(
            "image_too_large",
            _("图片尺寸过大：单张不超过%(one)s万像素，合计不超过%(all)s万像素。")
            % {"one": MAX_IMAGE_PIXELS // 10_000, "all": MAX_TOTAL_PIXELS // 10_000},
        )
    unpacked = [office_unpacked(data) for _name, kind, data in sniffed if kind in ("docx", "xlsx")]
    if any(u > MAX_OFFICE_UNPACKED for u in unpacked) or sum(unpacked) > MAX_TOTAL_UNPACKED:
        raise ActionError("bad_document", _("文档解压后过大，请压缩图片或拆分后再上传。"))


def check_files(files: list[UploadedFile]) -> list[CleanFile]:
    """Validate every upload (count, size, type by content) and clean images; refuse the lot on any problem."""
    files = [f for f in files if f is not None and f.size]
    if len(files) > max_files():
        raise ActionError("too_many_files", _("最多上传 %(n)s 个附件。") % {"n": max_files()})
    if sum(f.size or 0 for f in files) > max_total_bytes():
        raise ActionError(
            "files_too_large", _("附件合计不能超过 %(mb)s MB。") % {"mb": max_total_bytes() // (1024 * 1024)}
        )
    sniffed: list[tuple[str, str, bytes]] = []
    for upload in files:
        display = safe_name(upload.name or "")
        if (upload.size or 0) > max_file_bytes():
            raise ActionError(
                "file_too_large",
                _("附件「%(name)s」超过 %(mb)s MB。")
                % {"name": display, "mb": max_file_bytes() // (1024 * 1024)},
            )
        data = upload.read(max_file_bytes() + 1)
        if len(data) > max_file_bytes():
            raise ActionError("file_too_large", _("附件「%(name)s」过大。") % {"name": display})
        kind = sniff(data)
        if kind is None:
            raise ActionError(
                "file_type",
                _(
                    "附件「%(name)s」的类型不被接受。可上传：图片（JPG、PNG）、PDF、Word、Excel、文本、录音（MP3、M4A）。"
                )
                % {"name": display},
            )
        sniffed.append((display, kind, data))
    _check_budget(sniffed)
    clean = []
    for display, kind, data in sniffed:
        if kind in ("jpeg", "png"):
            data = strip_image(data, kind)
        elif kind in ("docx", "xlsx"):
            data = strip_office(data)
        elif kind == "pdf":
            data = pdf_metadata.blank_info(data)
        extension, content_type = TYPES[kind]
        stem = display.rsplit(".", 1)[0] if "." in display else display
        clean.append(CleanFile(name=safe_name(f"{stem}.{extension}"), content_type=content_type, data=data))
    return clean
