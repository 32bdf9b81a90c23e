"""Search folding for Chinese text: script, width and case folding, bigram tokens and highlighting."""

from __future__ import annotations

import re

from taizhang.pure.script import HAN, to_simplified

__all__ = ["bigrams", "fold", "highlight_spans", "query_terms"]

# Full-width ASCII variants and the ideographic space map to plain ASCII.
_WIDTH_TABLE = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_TOKEN_RE = re.compile(f"([{HAN}]+)|([0-9A-Za-z\u00c0-\u024f]+(?:[.][0-9]+)?)")
_QUERY_SPLIT_RE = re.compile(r"[\s,，。、；;：:！!？?（）()“”\"'‘’《》【】\[\]]+")


def fold(text: str) -> str:
    """Fold text for search: Traditional to Simplified, full-width to half-width ASCII, lowercase."""
    return to_simplified(text.translate(_WIDTH_TABLE)).lower()


def _fold_aligned(text: str) -> str:
    """Fold text keeping one output character per input character, so offsets stay valid."""
    folded = fold(text)
    if len(folded) == len(text):
        return folded
    # Phrase conversion or case mapping changed the length; fold character by character instead.
    width_folded = text.translate(_WIDTH_TABLE)
    chars = to_simplified("\n".join(width_folded)).split("\n")
    if len(chars) != len(text):
        chars = list(width_folded)
    return "".join(
        ch.lower() if len(ch.lower()) == 1 and len(ch) == 1 else orig
        for ch, orig in zip(chars, text, strict=True)
    )


def bigrams(text: str) -> list[str]:
    """Index tokens: single characters and bigrams of Han runs, plus Latin/digit words; unique, in order."""
    tokens: dict[str, None] = {}
    for match in _TOKEN_RE.finditer(fold(text)):
        run, word = match.group(1), match.group(2)
        if word:
            tokens[word] = None
            continue
        for i, ch in enumerate(run):
            tokens[ch] = None
            if i + 1 < len(run):
                tokens[run[i : i + 2]] = None
    return list(tokens)


def query_terms(q: str) -> list[str]:
    """Terms that must all be present in a document's bigram tokens for it to match the query."""
    terms: dict[str, None] = {}
    for match in _TOKEN_RE.finditer(fold(q)):
        run, word = match.group(1), match.group(2)
        if word:
            terms[word] = None
        elif len(run) == 1:
            terms[run] = None
        else:
            for i in range(len(run) - 1):
                terms[run[i : i + 2]] = None
    return list(terms)


def highlight_spans(text: str, q: str) -> list[tuple[int, int]]:
    """Spans of text matching the pieces of a query, compared after folding; sorted and merged."""
    folded = _fold_aligned(text)
    spans: list[tuple[int, int]] = []
    for piece in {fold(p) for p in _QUERY_SPLIT_RE.split(q) if p.strip()}:
        start = folded.find(piece)
        while start != -1:
            spans.append((start, start + len(piece)))
            start = folded.find(piece, start + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
