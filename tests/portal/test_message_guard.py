"""A follow-up message is under the same proof-of-work as a report, and its attachments are measured before
anything is decoded: pixels of each image and of all of them, unpacked size of documents."""

from __future__ import annotations

import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from taizhang.portal import uploads
from taizhang.portal.models import Message
from tests.portal.helpers import guarded, open_followup, receipt_of, submit


def _png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height (what Pillow reads without decoding)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")
    )


@pytest.fixture
def opened(world, client):
    code, passphrase = receipt_of(submit(client))
    open_followup(client, code, passphrase)
    return client


def test_a_message_without_proof_of_work_is_refused(opened):
    response = opened.post(reverse("portal:message"), {"body": "还有一个知情人。"})
    assert response.status_code == 400
    assert Message.objects.count() == 0
    posted = opened.post(
        reverse("portal:message"), {"body": "还有一个知情人。", **guarded(opened, reverse("portal:thread"))}
    )
    assert posted.status_code == 302 and Message.objects.count() == 1


def test_a_spent_challenge_cannot_be_replayed(opened):
    proof = guarded(opened, reverse("portal:thread"))
    assert opened.post(reverse("portal:message"), {"body": "一", **proof}).status_code == 302
    assert opened.post(reverse("portal:message"), {"body": "二", **proof}).status_code == 400
    assert Message.objects.count() == 1


@pytest.mark.parametrize(
    ("sizes", "why"),
    [([(6300, 6300)], "one picture too large"), ([(4500, 4500)] * 3, "all of them together too large")],
)
def test_huge_images_are_refused_before_decoding(opened, monkeypatch, sizes, why):
    def no_decoding(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("an image was decoded before its size was checked")

    monkeypatch.setattr(Image.Image, "load", no_decoding)
    files = [SimpleUploadedFile(f"图{i}.png", _png_header(w, h)) for i, (w, h) in enumerate(sizes)]
    response = opened.post(
        reverse("portal:message"),
        {"body": "照片", "attachments": files, **guarded(opened, reverse("portal:thread"))},
    )
    assert response.status_code == 400, why
    assert "图片尺寸过大" in response.content.decode()
    assert Message.objects.count() == 0


def test_a_document_declaring_a_huge_unpacked_size_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "office_unpacked", lambda data: uploads.MAX_OFFICE_UNPACKED + 1)
    with pytest.raises(uploads.ActionError):
        uploads._check_budget([("a.docx", "docx", b"PK")])
