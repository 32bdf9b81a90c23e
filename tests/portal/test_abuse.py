"""Abuse resistance: proof-of-work, honeypot, rate limits, oversize and malformed requests, file checks."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from taizhang.clues.models import Attachment, Clue
from taizhang.core import files
from taizhang.gate.models import RateCounter
from taizhang.portal import abuse
from taizhang.portal.models import Receipt
from taizhang.portal.uploads import sniff
from tests.portal.helpers import REPORT, guarded, jpeg_with_gps, submit


def test_missing_or_wrong_proof_of_work_is_refused(world, client, settings):
    settings.PORTAL_POW_BITS = 12
    data = {**REPORT, **guarded(client, reverse("portal:report"))}
    response = client.post(reverse("portal:report"), {**data, "pow_answer": ""})
    assert response.status_code == 400 and Clue.objects.count() == 0
    forged = {**data, "challenge": data["challenge"][:-2] + "xx"}
    assert client.post(reverse("portal:report"), forged).status_code == 400
    assert Clue.objects.count() == 0


def test_a_solved_challenge_cannot_be_replayed(world, client):
    data = {**REPORT, **guarded(client, reverse("portal:report"))}
    assert client.post(reverse("portal:report"), data).status_code == 302  # to the one-time receipt
    again = client.post(reverse("portal:report"), data)
    assert again.status_code == 400 and Clue.objects.count() == 1


def test_an_easier_challenge_than_configured_is_refused(world, client, settings):
    settings.PORTAL_POW_BITS = 1
    data = {**REPORT, **guarded(client, reverse("portal:report"))}
    settings.PORTAL_POW_BITS = 20
    assert client.post(reverse("portal:report"), data).status_code == 400


def test_the_honeypot_refuses(world, client):
    response = submit(client, website="http://spam.example")
    assert response.status_code == 400 and Clue.objects.count() == 0


def test_submissions_are_limited_per_client(world, client, settings):
    settings.PORTAL_SUBMIT_PER_CLIENT = 2
    assert submit(client).status_code == 200
    assert submit(client).status_code == 200
    third = submit(client)
    assert third.status_code == 429 and "操作过于频繁" in third.content.decode()
    assert Clue.objects.count() == 2
    # Another client is not affected by the first one's limit.
    client.defaults["REMOTE_ADDR"] = "192.0.2.9"
    assert submit(client).status_code == 200


def test_submissions_are_limited_in_total(world, client, settings):
    settings.PORTAL_SUBMIT_TOTAL = 1
    assert submit(client).status_code == 200
    client.defaults["REMOTE_ADDR"] = "192.0.2.10"
    assert submit(client).status_code == 429


def test_counters_hold_only_a_keyed_hash_of_the_client(world, client):
    client.defaults["REMOTE_ADDR"] = "203.0.113.5"
    submit(client)
    keys = list(RateCounter.objects.values_list("client", flat=True))
    assert keys and all("203.0.113.5" not in k for k in keys)
    assert all(len(k) in (0, 64) for k in keys)


def test_an_oversize_request_gets_a_clear_error_and_no_record(world, client, settings):
    settings.PORTAL_MAX_REQUEST_BYTES = 10_000
    big = SimpleUploadedFile("big.txt", b"a" * 20_000)
    response = submit(client, files={"attachments": [big]})
    assert response.status_code == 413 and "过大" in response.content.decode()
    assert Clue.objects.count() == 0


def test_a_too_large_file_is_refused(world, client, settings):
    settings.PORTAL_FILE_MAX_BYTES = 1000
    response = submit(client, files={"attachments": [SimpleUploadedFile("a.txt", b"b" * 2000)]})
    assert response.status_code == 400 and Clue.objects.count() == 0


def test_too_many_files_are_refused(world, client, settings):
    settings.PORTAL_MAX_FILES = 1
    two = [SimpleUploadedFile(f"{i}.txt", b"text") for i in range(2)]
    assert submit(client, files={"attachments": two}).status_code == 400
    assert Clue.objects.count() == 0


def test_a_malformed_body_gets_a_clear_error(world, client):
    response = client.generic(
        "POST",
        reverse("portal:report"),
        b'--xx\r\nContent-Disposition: form-data; name="a"\r\n\r\nno end',
        content_type="multipart/form-data; boundary=",
    )
    assert response.status_code == 400 and Clue.objects.count() == 0


def test_type_is_sniffed_from_content_not_the_name(world, client):
    exe = SimpleUploadedFile("照片.jpg", b"MZ\x90\x00\x03\x00\x00\x00" + bytes(range(256)) * 4)
    response = submit(client, files={"attachments": [exe]})
    assert response.status_code == 400 and "类型不被接受" in response.content.decode()
    assert Clue.objects.count() == 0
    pdf = SimpleUploadedFile("../../etc/照片.jpg", b"%PDF-1.4\n%%EOF\n", content_type="image/jpeg")
    assert submit(client, files={"attachments": [pdf]}).status_code == 200
    attachment = Attachment.objects.get()
    assert attachment.original_name == "照片.pdf" and attachment.content_type == "application/pdf"
    assert attachment.from_reporter and attachment.uploaded_by is None


def test_exif_and_gps_are_stripped_from_photos(world, client):
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get(0x8825)
    response = submit(client, files={"attachments": [SimpleUploadedFile("IMG_0001.JPG", original)]})
    assert response.status_code == 200
    attachment = Attachment.objects.get()
    stored = files.open_stored(attachment.storage_path).read_bytes()
    assert b"Exif" not in stored and b"SpyCam" not in stored
    image = Image.open(io.BytesIO(stored))
    assert not image.getexif() and image.size == (40, 30)


def test_sniffing_recognises_the_allowlist():
    assert sniff(b"\xff\xd8\xff\xe0rest") == "jpeg"
    assert sniff(b"\x89PNG\r\n\x1a\nrest") == "png"
    assert sniff(b"%PDF-1.7") == "pdf"
    assert sniff("纯文本说明".encode()) == "txt"
    assert sniff(b"ID3\x03\x00") == "mp3"
    assert sniff(b"\x00\x00\x00\x20ftypM4A rest") == "m4a"
    assert sniff(b"PK\x03\x04not really a zip") is None
    assert sniff(b"\x00\x01\x02binary") is None


def test_docx_is_recognised_by_its_parts():
    import docx

    out = io.BytesIO()
    docx.Document().save(out)
    assert sniff(out.getvalue()) == "docx"


def test_leading_zero_bits():
    assert abuse.leading_zero_bits(b"\x00\x00\xff") == 16
    assert abuse.leading_zero_bits(b"\x00\x10") == 11
    assert abuse.leading_zero_bits(b"\x80") == 0


def test_nothing_left_when_receipt_limit_refused(world, client, settings):
    settings.PORTAL_SUBMIT_PER_CLIENT = 0
    assert submit(client).status_code == 429
    assert Receipt.objects.count() == 0 and Clue.objects.count() == 0


def test_pruning_old_windows_keeps_every_current_counter(world, monkeypatch):
    monkeypatch.setattr(abuse.secrets, "randbelow", lambda n: 0)  # prune on every hit
    abuse.hit("submit", "192.0.2.1")
    abuse.hit("submit", "192.0.2.1")
    abuse.hit("open", "192.0.2.1")
    submit_rows = RateCounter.objects.filter(bucket="submit").exclude(client="")
    assert [row.count for row in submit_rows] == [2]
