"""Keys for recognising one person or organisation under variant spellings: folded names, pinyin, ID numbers.

Django-free. A name is folded (Traditional to Simplified by OpenCC, full-width to half-width, lower case, no
spacing or punctuation); its pinyin key (without tones) finds homophone variants (张三 / 章三); a full
18-digit resident ID is checked with python-stdnum before it may decide anything on its own.
"""

from __future__ import annotations

import re
from array import array
from functools import lru_cache
from pathlib import Path

from taizhang.pure.fold import fold

__all__ = ["digits_key", "fold_name", "full_id", "id_key", "pinyin_key"]

# Spacing, the middle dot of transcribed names, and the punctuation people type between parts of a name.
_NOISE_RE = re.compile(r"[\s·•・.\-_,，、()（）\[\]【】\"'“”‘’]+")
_ID_RE = re.compile(r"[^0-9Xx*]")
_DIGITS_RE = re.compile(r"[^0-9]")


def fold_name(name: str) -> str:
    """The folded form of a name: script, width and case folded, spacing and punctuation removed."""
    return _NOISE_RE.sub("", fold(name or ""))[:100]


# Each character's first toneless reading, as pypinyin gives it without its phrase dictionary (written by
# scripts/pinyin_table.py): read here instead of loading pypinyin, which costs 11 MiB in every server process.
_PINYIN_TABLE = Path(__file__).with_name("pinyin_first.txt")


@lru_cache(maxsize=1)
def _pinyin_readings() -> tuple[array[int], tuple[str, ...], int]:
    """(index of each code point's syllable from the first one listed, 0 for none; the syllables; that first
    code point): 400 KiB, read from the table by the first name keyed."""
    rows = [line.split(" ", 1) for line in _PINYIN_TABLE.read_text(encoding="utf-8").splitlines()]
    first = min(ord(min(chars)) for _syllable, chars in rows)
    index = array("H", [0]) * (max(ord(max(chars)) for _syllable, chars in rows) - first + 1)
    for number, (_syllable, chars) in enumerate(rows, start=1):
        for char in chars:
            index[ord(char) - first] = number
    return index, ("", *(syllable for syllable, _chars in rows)), first


@lru_cache(maxsize=4096)
def pinyin_key(name: str) -> str:
    """The toneless pinyin of a folded name, syllables run together as people type them ("zhangsan"): each
    character by its first reading (what pypinyin's `lazy_pinyin(name, errors="ignore")` gives without its
    phrase dictionary); characters without a reading (Latin letters, digits) are left out."""
    folded = fold_name(name)
    if not folded:
        return ""
    index, syllables, first = _pinyin_readings()
    found = []
    for char in folded:
        offset = ord(char) - first
        if 0 <= offset < len(index) and index[offset]:
            found.append(syllables[index[offset]])
    return "".join(found)[:200]


def id_key(fragment: str) -> str:
    """An ID number or fragment as compared: digits, X upper-cased, masks (*) kept; '' when too short to
    mean anything (fewer than 4 known characters)."""
    cleaned = _ID_RE.sub("", fold(fragment or "")).upper()
    return cleaned[:20] if len(cleaned.replace("*", "")) >= 4 else ""


@lru_cache(maxsize=65536)  # python-stdnum's check reads its birth-place table: the costliest key
def full_id(fragment: str) -> str:
    """The ID number if `fragment` is a whole, valid 18-digit resident ID (check digit and date), else ''."""
    key = id_key(fragment)
    if len(key) != 18 or "*" in key:
        return ""
    from stdnum.cn import ric  # loaded by the first whole ID number, not by every process

    if ric.is_valid(key):
        return str(ric.compact(key))
    return ""


def digits_key(fragment: str) -> str:
    """A phone number or fragment as compared: its digits ('' below 4 digits); a +86/86 prefix is dropped."""
    digits = _DIGITS_RE.sub("", fold(fragment or ""))
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits[:20] if len(digits) >= 4 else ""
