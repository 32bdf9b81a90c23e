"""Submitting to the portal the way a browser does: fetch the form, solve the challenge, post."""

from __future__ import annotations

import html
import io
import re

from django.test import Client
from django.urls import reverse
from PIL import Image

from taizhang.portal import abuse

_CHALLENGE = re.compile(r'name="challenge" value="([^"]+)"')
_CODE = re.compile(r"data-receipt-code>([\d ]+)<")
_PASS = re.compile(r"data-passphrase>([^<]+)<")

REPORT = {
    "reporter_kind": "anonymous",
    "subject_0_kind": "person",
    "subject_0_name": "刘某某",
    "subject_0_position": "外号“刘老大”",
    "subject_0_unit_name": "某砂石场",
    "subject_1_kind": "person",
    "subject_2_kind": "person",
    "summary": "刘某某团伙强占砂石市场",
    "happened_when": "2025年3月至今",
    "place": "河东镇砂石码头",
    "facts": "刘某某纠集十余人，强迫运输车辆只能从其砂石场进货，不从者被打砸车辆。",
}


def guarded(client: Client, url: str) -> dict[str, str]:
    """Challenge and solution for the form at `url`."""
    page = client.get(url)
    assert page.status_code == 200
    challenge = html.unescape(_CHALLENGE.search(page.content.decode()).group(1))
    return {"challenge": challenge, "pow_answer": abuse.solve(challenge, abuse.pow_bits())}


def submit(client: Client, *, files: dict | None = None, **fields: str):
    """POST a report (defaults above) and return the page it leads to (the one-time receipt on success)."""
    data = {**REPORT, **guarded(client, reverse("portal:report")), **fields}
    if files:
        data.update(files)
    return client.post(reverse("portal:report"), data, follow=True)


def receipt_of(response) -> tuple[str, str]:
    """(code without spaces, passphrase) as shown on the receipt page."""
    body = response.content.decode()
    return _CODE.search(body).group(1).replace(" ", ""), html.unescape(_PASS.search(body).group(1)).strip()


def open_followup(client: Client, code: str, passphrase: str):
    data = {"code": code, "passphrase": passphrase, **guarded(client, reverse("portal:followup"))}
    return client.post(reverse("portal:followup"), data)


def jpeg_with_gps() -> bytes:
    """A small JPEG carrying EXIF with a GPS position and a camera model."""
    img = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0110] = "SpyCam 3000"  # Model
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 5.0), 3: "E", 4: (121.0, 28.0, 7.0)}  # GPS IFD
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()
