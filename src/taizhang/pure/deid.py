"""De-identification of a typical case's publishable summary (典型案例): names, IDs, phones, addresses.

Django-free. `mask` proposes the text a person then edits; `leaks` finds what must never be approved.
"""

from __future__ import annotations

import re

# An 18-digit resident ID (last may be X), a 15-digit old ID, and an 11-digit mobile number; the separators
# people type inside them (spaces, hyphens) are allowed.
_ID = re.compile(r"(?<![0-9])[1-9](?:[ -]?\d){16}[ -]?[\dXx](?![0-9])|(?<![0-9])[1-9]\d{14}(?![0-9])")
_PHONE = re.compile(r"(?<![0-9])1[3-9]\d(?:[ -]?\d){8}(?![0-9])|(?<![0-9])0\d{2,3}-\d{7,8}(?![0-9])")
# A full address after the district: 街道/路/号/室… are cut, the district is kept.
_ADDRESS = re.compile(
    r"([\u4e00-\u9fff]{1,6}?(?:区|县))"
    r"((?:[\u4e00-\u9fff]{1,8}?(?:街道|镇|乡))?[\u4e00-\u9fff]{1,10}?(?:路|街|巷|大道|村)"
    r"(?:[0-9一二三四五六七八九十]+号)?(?:[0-9一二三四五六七八九十]+(?:栋|幢|单元|室|楼|组))*)"
)
# 2–4 character names introduced by the usual words, or followed by 等人 / 某某.
_NAMED = re.compile(
    r"(?:(?<=伙同)|(?<=犯罪嫌疑人)|(?<=被告人)|(?<=被害人)|(?<=证人)|(?<=村民)|(?<=党员)|(?<=干部))([\u4e00-\u9fff]{2,3})(?=[，。、等（(\s]|$)"
)
_COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "长孙",
    "宇文",
    "司徒",
    "夏侯",
)


def _masked_name(name: str) -> str:
    surname = name[:2] if name[:2] in _COMPOUND_SURNAMES else name[:1]
    return surname + "某某"


def mask(text: str, names: list[str] | None = None) -> str:
    """A proposed publishable text: the given names and introduced names → 某某 (surname kept), ID and phone
    numbers removed, addresses cut to the district."""
    out = text or ""
    for name in sorted({n.strip() for n in names or [] if len(n.strip()) >= 2}, key=len, reverse=True):
        if "某" not in name:
            out = out.replace(name, _masked_name(name))
    out = _NAMED.sub(lambda m: m.group(1) if "某" in m.group(1) else _masked_name(m.group(1)), out)
    out = _ID.sub("（身份证号已隐去）", out)
    out = _PHONE.sub("（电话已隐去）", out)
    out = _ADDRESS.sub(lambda m: m.group(1), out)
    return out


def leaks(text: str) -> list[str]:
    """What still identifies someone: ID and phone numbers (approval is refused while any is left)."""
    found = [m.group(0) for m in _ID.finditer(text or "")]
    found += [m.group(0) for m in _PHONE.finditer(text or "")]
    return found


def wilson(successes: int, total: int, z: float = 1.959964) -> tuple[float, float] | None:
    """The 95 % Wilson score interval of a proportion (None without answers)."""
    if total <= 0:
        return None
    p = successes / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * ((p * (1 - p) / total + z * z / (4 * total * total)) ** 0.5) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)
