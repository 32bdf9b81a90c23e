"""Upload attacks: oversized files, a wrong type behind a right extension, traversal names, zip bombs."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from taizhang.core import files, uploads
from taizhang.core.errors import ActionError


def _xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["线索编号", "主要问题"])
    book.active.append(["2026-SH-000001", "某某团伙强揽工程"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _docx_bytes() -> bytes:
    doc = Document()
    doc.add_paragraph("移送函")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _bomb(main_part: str, unpacked_mb: int = 40) -> bytes:
    """A valid-looking office zip whose one member inflates from a few KB into tens of MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<workbook/>")
        archive.writestr("xl/sharedStrings.xml", b"\0" * (unpacked_mb * 1024 * 1024))
    return out.getvalue()


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def _refused(upload, **kw) -> str:
    with pytest.raises(ActionError) as info:
        uploads.check_upload(upload, **kw)
    assert info.value.code == "upload_refused"
    return info.value.message


def test_real_files_pass():
    assert uploads.check_upload(_upload("台账.xlsx", _xlsx_bytes())) == "台账.xlsx"
    assert uploads.check_upload(_upload("移送函.docx", _docx_bytes())) == "移送函.docx"
    assert uploads.check_upload(_upload("证据.pdf", b"%PDF-1.7\n...")) == "证据.pdf"
    assert uploads.check_upload(_upload("现场.jpg", b"\xff\xd8\xff\xe0" + b"x" * 100)) == "现场.jpg"
    assert uploads.check_upload(_upload("说明.txt", "情况说明".encode())) == "说明.txt"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("证据.pdf", b"MZ\x90\x00 this is a windows program"),
        ("照片.png", b"<html><script>alert(1)</script></html>"),
        ("台账.xlsx", b"%PDF-1.4 not a workbook"),
        ("台账.xlsx", b"PK\x03\x04 truncated zip"),
        ("移送函.docx", _xlsx_bytes()),  # a workbook renamed .docx
        ("说明.txt", b"\x00\x01\x02binary"),
        ("video.mp4", b"\x00\x00\x00\x18notftyp"),
    ],
)
def test_wrong_type_behind_a_right_extension_is_refused(name, data):
    message = _refused(_upload(name, data))
    assert "不符" in message or "不是" in message or "损坏" in message


@pytest.mark.parametrize("name", ["run.exe", "page.html", "script.svg", "noextension", "archive.tar.gz"])
def test_types_outside_the_list_are_refused(name):
    assert "不支持的文件类型" in _refused(_upload(name, b"%PDF-1.4"))


def test_oversized_and_empty_files_are_refused(settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    assert "大小限制" in _refused(_upload("big.pdf", b"%PDF-" + b"x" * 2000))
    assert "空" in _refused(_upload("empty.pdf", b""))
    with pytest.raises(ActionError, match="大小限制"):
        files.store([b"x" * 600, b"x" * 600], max_bytes=1024)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system32\\x.pdf", "x.pdf"),
        ("/abs/path/证据.pdf", "证据.pdf"),
        ("a\x00b.pdf", "a_b.pdf"),
        ("  ..  ", "附件"),
        ('con<>:"|?*.pdf', "con_.pdf"),
    ],
)
def test_traversal_and_control_characters_never_reach_a_path(raw, clean):
    assert files.safe_name(raw) == clean
    stored = files.store([b"%PDF-1.4"])
    with pytest.raises(ActionError):
        files.open_stored("../" * 6 + "etc/passwd")
    assert files.open_stored(stored.storage_path).exists()


@pytest.mark.parametrize(
    ("name", "part"), [("台账.xlsx", "xl/workbook.xml"), ("移送函.docx", "word/document.xml")]
)
def test_zip_bombs_are_refused_without_being_inflated(name, part):
    bomb = _bomb(part)
    assert len(bomb) < 200 * 1024
    assert "压缩炸弹" in _refused(_upload(name, bomb), max_bytes=10 * 1024 * 1024)


def test_zip_with_traversal_member_names_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("../../evil.sh", "rm -rf /")
    assert "路径" in _refused(_upload("台账.xlsx", out.getvalue()))
