"""Clean text copied from the web: pinyin annotations, mojibake, punctuation width and script."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from taizhang.pure.script import (
    CJK_PUNCT,
    HAN,
    Script,
    Target,
    convert,
    detect_script,
    is_common_han,
    to_simplified,
)

__all__ = ["CleanResult", "clean", "find_suspects", "normalise_punctuation", "remove_annotations"]

TONE_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜếềńňǹḿ"
PINYIN_LETTERS = "a-zü" + TONE_VOWELS + "ê"
_SYLLABLE = f"[{PINYIN_LETTERS}]{{1,7}}"

# A bracket holding one to four pinyin syllables; whether it annotates the preceding characters is
# decided in Python, because only a real reading of those characters may be removed.
_ANNOTATION_RE = re.compile(f"[(（]({_SYLLABLE}(?:[ '’]{_SYLLABLE}){{0,3}})[)）]")
_SYLLABLE_SPLIT_RE = re.compile("[ '’]")
_PINYIN_GROUP_RE = re.compile(f"[(（]{_SYLLABLE}[)）]")

# Mojibake anchors: a "?" that swallowed a character and is followed by the tail of a pinyin
# annotation (``?jié)``), or Unicode replacement characters.
_MOJIBAKE_ANCHOR_RE = re.compile(
    f"\\?[{PINYIN_LETTERS}]{{1,7}}\\)|\\?[{PINYIN_LETTERS}]{{0,6}}[{TONE_VOWELS}][{PINYIN_LETTERS}]{{0,6}}|\ufffd+"
)
_QUESTION_MARK_RE = re.compile(r"\?")
_HAN_CHAR_RE = re.compile(f"[{HAN}]")
_LATIN_JUNK_RE = re.compile(f"[A-Za-z{PINYIN_LETTERS}?\ufffd]")
_SENTENCE_END_RE = re.compile("[。！？!?；;\n]")
_QUESTION_WORDS = (
    "吗", "嗎", "呢", "谁", "誰", "什么", "什麼", "甚麼", "怎么", "怎麼", "怎样", "怎樣", "为何", "為何",
    "如何", "何时", "何時", "何处", "何處", "哪", "多少", "几", "幾", "是否", "难道", "難道", "岂", "豈",
)  # fmt: skip
_MAX_SUSPECT_TAIL = 16

_CTX = HAN + CJK_PUNCT
_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
_PUNCT_RES = {
    mark: re.compile(f"{re.escape(mark)}(?:(?<=[{_CTX}]{re.escape(mark)})|(?=[{_CTX}]))")
    for mark in _HALF_TO_FULL
}
_BRACKET_PAIR_RE = re.compile(r"\(([^()\n]{0,300})\)")
_CTX_RE = re.compile(f"[{_CTX}]")


@dataclass
class CleanResult:
    """Cleaned text and what cleaning found; suspect span offsets refer to the cleaned ``text``."""

    text: str
    annotations_removed: int = 0
    suspect_spans: list[tuple[int, int, str]] = field(default_factory=list)
    script: Script = "simplified"


def _toneless(reading: str) -> str:
    """Strip tone marks from a pinyin reading, writing ü as v."""
    decomposed = unicodedata.normalize("NFD", reading.replace("ü", "v"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=16384)
def readings(ch: str) -> frozenset[str]:
    """Return every tone-marked and toneless reading of a character and of its Simplified form."""
    from pypinyin import Style, pinyin  # its dictionaries (about 57 MiB) load on first use, not at import

    found: set[str] = set()
    for form in {ch, to_simplified(ch)}:
        for reading in pinyin(form, style=Style.TONE, heteronym=True, errors="ignore")[0:1]:
            for item in reading:
                item = unicodedata.normalize("NFC", item)
                found.add(item)
                found.add(_toneless(item))
    return frozenset(found)


def _is_reading(ch: str, syllable: str) -> bool:
    """Tell whether a bracketed syllable is a reading of the character."""
    syllable = unicodedata.normalize("NFC", syllable)
    return syllable in readings(ch) or (
        syllable == _toneless(syllable) and syllable.replace("ü", "v") in readings(ch)
    )


def _annotation_remover(counter: list[int]) -> Callable[[re.Match[str]], str]:
    """Build a re.sub callback that drops brackets holding the readings of the preceding characters."""

    def replace(match: re.Match[str]) -> str:
        syllables = _SYLLABLE_SPLIT_RE.split(match.group(1))
        start = match.start()
        preceding = match.string[max(0, start - len(syllables)) : start]
        if len(preceding) != len(syllables):
            return match.group(0)
        for ch, syllable in zip(preceding, syllables, strict=True):
            if not _HAN_CHAR_RE.fullmatch(ch) or not _is_reading(ch, syllable):
                return match.group(0)
        counter[0] += 1
        return ""

    return replace


def remove_annotations(text: str) -> tuple[str, int]:
    """Remove pinyin readings in brackets after the characters they annotate; return text and count."""
    counter = [0]
    return _ANNOTATION_RE.sub(_annotation_remover(counter), text), counter[0]


def _extend_suspect(text: str, pos: int) -> int:
    """Extend a suspect span over the garbage that typically follows a shifted byte sequence."""
    limit = min(len(text), pos + _MAX_SUSPECT_TAIL)
    while pos < limit:
        ch = text[pos]
        if _LATIN_JUNK_RE.match(ch):
            pos += 1
            continue
        group = _PINYIN_GROUP_RE.match(text, pos)
        if group:
            pos = group.end()
            continue
        if _HAN_CHAR_RE.match(ch):
            next_is_junk = pos + 1 < len(text) and _LATIN_JUNK_RE.match(text[pos + 1]) is not None
            if not is_common_han(ch) or next_is_junk:
                pos += 1
                continue
        break
    return pos


def _in_question(text: str, pos: int) -> bool:
    """Tell whether the sentence ending at a question mark contains a question word."""
    start = max(0, pos - 80)
    sentence = text[start:pos]
    ends = list(_SENTENCE_END_RE.finditer(sentence))
    if ends:
        sentence = sentence[ends[-1].end() :]
    return any(word in sentence for word in _QUESTION_WORDS)


def find_suspects(text: str) -> list[tuple[int, int]]:
    """Find spans that look like byte-shifted mojibake; offsets refer to the given text."""
    spans: list[tuple[int, int]] = []
    for match in _MOJIBAKE_ANCHOR_RE.finditer(text):
        spans.append((match.start(), _extend_suspect(text, match.end())))
    for match in _QUESTION_MARK_RE.finditer(text):
        pos = match.start()
        if pos == 0 or pos + 1 >= len(text):
            continue
        before, after = text[pos - 1], text[pos + 1]
        if not (_HAN_CHAR_RE.match(before) and _HAN_CHAR_RE.match(after)):
            continue
        if is_common_han(after) and _in_question(text, pos):
            continue
        spans.append((pos, _extend_suspect(text, pos + 1)))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _full_width_bracket(match: re.Match[str]) -> str:
    """Turn an ASCII bracket pair full-width when it sits in Chinese text."""
    inner = match.group(1)
    text, start, end = match.string, match.start(), match.end()
    chinese = (
        _CTX_RE.search(inner) is not None
        or (start > 0 and _CTX_RE.match(text[start - 1]) is not None)
        or (end < len(text) and _CTX_RE.match(text[end]) is not None)
    )
    return f"（{inner}）" if chinese else match.group(0)


def normalise_punctuation(text: str) -> str:
    """Make ASCII , ; : ? ! and brackets full-width beside Chinese text; leave numbers and Latin alone."""
    for mark, pattern in _PUNCT_RES.items():
        if mark in text:
            text = pattern.sub(_HALF_TO_FULL[mark], text)
    for _ in range(4):
        if "(" not in text:
            break
        new = _BRACKET_PAIR_RE.sub(_full_width_bracket, text)
        if new == text:
            break
        text = new
    return text


def clean(text: str, to: Target | None = None) -> CleanResult:
    """Clean web-copied Chinese text; ``script`` describes the input, suspect spans the returned text."""
    if to not in (None, "simplified", "traditional"):
        raise ValueError(f"unknown target script: {to!r}")
    text, removed = remove_annotations(text)
    suspects = find_suspects(text)
    pieces: list[str] = []
    spans: list[tuple[int, int, str]] = []
    plain: list[str] = []
    cursor = 0
    length = 0
    for start, end in [*suspects, (len(text), len(text))]:
        segment = normalise_punctuation(text[cursor:start])
        plain.append(segment)
        if to is not None:
            segment = convert(segment, to)
        pieces.append(segment)
        length += len(segment)
        if end > start:
            damaged = text[start:end]
            pieces.append(damaged)
            spans.append((length, length + len(damaged), damaged))
            length += len(damaged)
        cursor = end
    return CleanResult(
        text="".join(pieces),
        annotations_removed=removed,
        suspect_spans=spans,
        script=detect_script("".join(plain)),
    )
