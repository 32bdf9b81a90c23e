"""Keys for recognising one person or organisation under variant spellings: folded names, pinyin, ID numbers.

Django-free. A name is folded (Traditional to Simplified by OpenCC, full-width to half-width, lower case, no
spacing or punctuation); its pinyin key (without tones) finds homophone variants (张三 / 章三); a full
18-digit resident ID is checked with python-stdnum before it may decide anything on its own.
"""

from __future__ import annotations

import re
from functools import lru_cache

from taizhang.pure.fold import fold

__all__ = ["digits_key", "fold_name", "full_id", "id_key", "pinyin_key"]

# Spacing, the middle dot of transcribed names, and the punctuation people type between parts of a name.
_NOISE_RE = re.compile(r"[\s·•・.\-_,，、()（）\[\]【】\"'“”‘’]+")
_ID_RE = re.compile(r"[^0-9Xx*]")
_DIGITS_RE = re.compile(r"[^0-9]")


def fold_name(name: str) -> str:
    """The folded form of a name: script, width and case folded, spacing and punctuation removed."""
    return _NOISE_RE.sub("", fold(name or ""))[:100]


@lru_cache(maxsize=4096)
def pinyin_key(name: str) -> str:
    """The toneless pinyin of a folded name, syllables run together as people type them ("zhangsan"); Latin
    letters in the name stay as they are."""
    folded = fold_name(name)
    if not folded:
        return ""
    # pypinyin's dictionaries (about 57 MiB) are loaded by the first name resolved, not by every process.
    from pypinyin import lazy_pinyin

    syllables = lazy_pinyin(folded, errors="ignore")
    return "".join(syllables)[:200]


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
