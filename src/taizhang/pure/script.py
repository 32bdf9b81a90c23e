"""Character classes, cached OpenCC converters and Traditional/Simplified script detection."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from taizhang.pure.script_data import SIMPLIFIED_AMBIGUOUS, TRADITIONAL_AMBIGUOUS

if TYPE_CHECKING:
    import opencc

Script = Literal["traditional", "simplified", "mixed"]
Target = Literal["simplified", "traditional"]

# Han ideographs: URO, extension A, compatibility ideographs, supplementary planes.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# Chinese punctuation and full-width forms that make a neighbouring ASCII mark "Chinese".
CJK_PUNCT = "\u3000-\u303f\uff00-\uffef\u2018-\u201f\u2026\u2014"
HAN_RE = re.compile(f"[{HAN}]")

_CONFIGS = {"simplified": "t2s", "traditional": "s2t"}
# Every key of OpenCC's t2s dictionaries holds one of these characters (scripts/opencc_triggers.py).
_T2S_TRIGGERS = Path(__file__).with_name("opencc_t2s_triggers.txt")

# Share of the minority script below which a text still counts as one script (OCR and web copies
# routinely leave a few characters such as 后/里 unconverted).
_MIXED_SHARE = 0.05


@lru_cache(maxsize=4)
def converter(config: str) -> opencc.OpenCC:
    """Return a cached OpenCC converter for a config name such as "t2s"."""
    # Imported here: a server process converts only the rare text that holds a Traditional character.
    import opencc

    return opencc.OpenCC(config)


@lru_cache(maxsize=1)
def _t2s_trigger() -> re.Pattern[str]:
    """Matches a character without which t2s leaves a text unchanged (it holds none of its dictionaries' keys).

    Any character beyond the Basic Multilingual Plane counts as one (a few hundred of them are keys): with
    those ranged together the class is a table lookup, 1 µs for a 100-character text instead of 110."""
    table = _T2S_TRIGGERS.read_text(encoding="utf-8").strip()
    basic = "".join(char for char in table if ord(char) <= 0xFFFF)
    return re.compile("[" + re.escape(basic) + "\U00010000-\U0010ffff]")


def convert(text: str, to: Target) -> str:
    """Convert text to Simplified or Traditional script.

    A text that t2s cannot change (no character of the trigger table: almost every Simplified text) comes back
    as it is, without loading OpenCC's dictionaries (2.4 MiB in each server process)."""
    if not text:
        return text
    if to == "simplified" and not _t2s_trigger().search(text):
        return text
    return str(converter(_CONFIGS[to]).convert(text))


def to_simplified(text: str) -> str:
    """Convert text to Simplified script (OpenCC t2s)."""
    return convert(text, "simplified")


@lru_cache(maxsize=1)
def _script_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Build regexes matching characters that exist only in Traditional or only in Simplified script."""
    chars = [chr(c) for c in range(0x4E00, 0xA000)]
    joined = "\n".join(chars)
    t2s = to_simplified(joined).split("\n")
    s2t = convert(joined, "traditional").split("\n")
    trad_only: list[str] = []
    simp_only: list[str] = []
    if len(t2s) == len(chars) == len(s2t):
        for ch, simp, trad in zip(chars, t2s, s2t, strict=True):
            if simp != ch and trad == ch and ch not in TRADITIONAL_AMBIGUOUS:
                trad_only.append(ch)
            elif trad != ch and simp == ch and ch not in SIMPLIFIED_AMBIGUOUS:
                simp_only.append(ch)
    return (
        re.compile("[" + "".join(trad_only) + "]"),
        re.compile("[" + "".join(simp_only) + "]"),
    )


def script_counts(text: str) -> tuple[int, int]:
    """Count Traditional-only and Simplified-only characters in text."""
    trad_re, simp_re = _script_patterns()
    return len(trad_re.findall(text)), len(simp_re.findall(text))


def detect_script(text: str) -> Script:
    """Classify text as Traditional, Simplified or mixed; text with no telling characters is Simplified."""
    trad, simp = script_counts(text)
    total = trad + simp
    if total == 0:
        return "simplified"
    if simp <= total * _MIXED_SHARE:
        return "traditional"
    if trad <= total * _MIXED_SHARE:
        return "simplified"
    return "mixed"


@lru_cache(maxsize=8192)
def is_common_han(ch: str) -> bool:
    """Tell whether a Han character is in GB2312 level 1 (the 3755 most used) after t2s conversion."""
    simp = to_simplified(ch)
    if len(simp) != 1:
        return False
    try:
        code = simp.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(code) == 2 and 0xB0 <= code[0] <= 0xD7
