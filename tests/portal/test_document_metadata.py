"""Who made an uploaded Word, Excel or PDF file does not reach storage (as EXIF does not for images)."""

from __future__ import annotations

import io
import zipfile

import docx
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from taizhang.core.errors import ActionError
from taizhang.portal import pdf_metadata, uploads

NAME = "张举报人"
COMPANY = "某某建设集团"


def _unpacked(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return b"".join(archive.read(name) for name in archive.namelist())


def _docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("砂石场强迫交易的经过")
    props = document.core_properties
    props.author, props.last_modified_by, props.title = NAME, NAME, f"{NAME}的材料"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "车辆被砸记录"
    book.properties.creator, book.properties.lastModifiedBy = NAME, NAME
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _check(name: str, data: bytes) -> bytes:
    (clean,) = uploads.check_files([SimpleUploadedFile(name, data)])
    return clean.data


def test_word_properties_are_emptied_and_the_text_kept():
    original = _docx()
    assert NAME.encode() in _unpacked(original)
    kept = _check("材料.docx", original)
    assert NAME.encode() not in _unpacked(kept)
    reopened = docx.Document(io.BytesIO(kept))
    assert reopened.core_properties.author == "" and reopened.core_properties.last_modified_by == ""
    assert reopened.paragraphs[0].text == "砂石场强迫交易的经过"


def test_excel_properties_are_emptied_and_the_cells_kept():
    original = _xlsx()
    assert NAME.encode() in _unpacked(original)
    kept = _check("记录.xlsx", original)
    assert NAME.encode() not in _unpacked(kept)
    book = openpyxl.load_workbook(io.BytesIO(kept))
    # openpyxl reports "openpyxl" as the creator of a workbook that names none.
    assert book.properties.creator != NAME and book.properties.lastModifiedBy is None
    assert book.active["A1"].value == "车辆被砸记录"


def test_company_and_custom_properties_are_emptied():
    source = io.BytesIO(_docx())
    out = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w") as new:
        for item in old.infolist():
            body = old.read(item)
            if item.filename == "docProps/app.xml":
                body = body.replace(b"</Properties>", f"<Company>{COMPANY}</Company></Properties>".encode())
            new.writestr(item, body)
        new.writestr("docProps/custom.xml", f"<Properties><p>{NAME}</p></Properties>".encode())
    kept = _check("材料.docx", out.getvalue())
    assert COMPANY.encode() not in _unpacked(kept) and NAME.encode() not in _unpacked(kept)


def test_an_office_zip_bomb_is_refused_not_inflated(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_OFFICE_UNPACKED", 64 * 1024)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_docx())) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            new.writestr(item, old.read(item))
        new.writestr("word/media/filler.bin", b"\0" * (1024 * 1024))
    with pytest.raises(ActionError) as refused:
        _check("材料.docx", out.getvalue())
    assert refused.value.code == "bad_document"


def _pdf(info: bytes, xmp: bytes = b"") -> bytes:
    """A minimal PDF with a correct cross-reference table and the given /Info dictionary body."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R" + (b" /Metadata 4 0 R" if xmp else b"") + b" >>",
        b"<< /Type /Pages /Kids [] /Count 0 >>",
        b"<< " + info + b" >>",
    ]
    if xmp:
        objects.append(
            b"<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n" % len(xmp) + xmp + b"\nendstream"
        )
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 3 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_pdf_information_strings_are_blanked_in_place():
    author = NAME.encode("utf-16-be")
    info = (
        b"/Author <FEFF" + author.hex().upper().encode() + b"> /Creator (Zhang \\(office\\) PC) "
        b"/Producer (WPS) /Title (report) /CreationDate (D:20250301)"
    )
    original = _pdf(info)
    kept = _check("证据.pdf", original)
    assert len(kept) == len(original) and kept.endswith(b"%%EOF\n")
    assert author.hex().upper().encode() not in kept and b"Zhang" not in kept and b"WPS" not in kept
    assert b"/Author <" in kept and b"/Creator (" in kept  # the keys stay, only their values are gone
    # Everything outside the information dictionary is byte for byte the same (offsets still right).
    start = original.index(b"3 0 obj")
    end = original.index(b"endobj", start)
    assert kept[:start] == original[:start] and kept[end:] == original[end:]


def test_pdf_uncompressed_xmp_author_and_tool_are_blanked():
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description pdf:Producer="WPS Office" '
        b'xmp:CreatorTool="Zhang-PC"><dc:creator><rdf:Seq><rdf:li>' + NAME.encode() + b"</rdf:li></rdf:Seq>"
        b"</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    original = _pdf(b"/Title (x)", xmp)
    kept = pdf_metadata.blank_info(original)
    assert len(kept) == len(original)
    for secret in (NAME.encode(), b"WPS Office", b"Zhang-PC"):
        assert secret in original and secret not in kept
    assert b"<rdf:li>" in kept and b"</dc:creator>" in kept


def test_a_pdf_without_information_is_unchanged():
    original = _pdf(b"")
    assert pdf_metadata.blank_info(original.replace(b" /Info 3 0 R", b"")) == original.replace(
        b" /Info 3 0 R", b""
    )
