"""Blanking who made a PDF (author, creator, producer...) without a PDF library, and without moving a byte.

Every string in the document information dictionary (the trailer's /Info, in every revision of the file) is
overwritten in place with spaces (literal strings) or zeros (hex strings) of the same length, and so are the
author and tool fields of uncompressed XMP metadata. Nothing changes length, so the cross-reference offsets
stay right and the file opens as before. Metadata inside compressed streams (object or XMP streams) is left
as it is: reading those needs a PDF library, which the project does not carry.
"""

from __future__ import annotations

import re

_INFO_REF = re.compile(rb"/Info\s+(\d+)\s+(\d+)\s+R")
_ENDOBJ = b"endobj"
_XMP_ELEMENTS = re.compile(
    rb"<(dc:creator|pdf:Author|pdf:Producer|xmp:CreatorTool|pdf:Keywords|photoshop:AuthorsPosition)\b[^>]*>"
    rb"(.*?)</\1>",
    re.DOTALL,
)
_XMP_ATTRIBUTES = re.compile(rb"\b(pdf:Author|pdf:Producer|xmp:CreatorTool|pdf:Keywords)=\"([^\"]*)\"")
_TAG = re.compile(rb"<[^>]*>")


def _end_of_literal(data: bytearray, start: int, stop: int) -> int:
    """Index of the ')' closing the literal string opened at `start` (nesting and backslash escapes)."""
    depth, i = 0, start
    while i < stop:
        ch = data[i]
        if ch == 0x5C:  # backslash: the next byte is escaped
            i += 2
            continue
        if ch == 0x28:
            depth += 1
        elif ch == 0x29:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _blank_strings(data: bytearray, start: int, stop: int) -> None:
    """Overwrite the contents of every string between start and stop, keeping every byte's position."""
    i = start
    while i < stop:
        ch = data[i]
        if ch == 0x28:  # (literal)
            end = _end_of_literal(data, i, stop)
            if end < 0:
                return
            data[i + 1 : end] = b" " * (end - i - 1)
            i = end + 1
        elif ch == 0x3C and i + 1 < stop and data[i + 1] != 0x3C:  # <hex>, not <<
            end = data.find(b">", i, stop)
            if end < 0:
                return
            data[i + 1 : end] = re.sub(rb"[0-9A-Fa-f]", b"0", bytes(data[i + 1 : end]))
            i = end + 1
        elif ch == 0x3C:
            i += 2
        else:
            i += 1


def _blank_info(data: bytearray) -> None:
    refs = {(int(num), int(gen)) for num, gen in _INFO_REF.findall(bytes(data))}
    for num, gen in refs:
        header = re.compile(rb"(?<![0-9])%d\s+%d\s+obj\b" % (num, gen))
        for match in header.finditer(bytes(data)):
            stop = data.find(_ENDOBJ, match.end())
            if stop > 0:
                _blank_strings(data, match.end(), stop)


def _blank_xmp(data: bytearray) -> None:
    raw = bytes(data)
    for match in _XMP_ELEMENTS.finditer(raw):
        start, end = match.span(2)
        inner = raw[start:end]
        # Keep the markup (rdf:Seq, rdf:li...), blank the text between the tags.
        kept = bytearray(b" " * len(inner))
        for tag in _TAG.finditer(inner):
            kept[tag.start() : tag.end()] = tag.group(0)
        data[start:end] = kept
    for match in _XMP_ATTRIBUTES.finditer(raw):
        start, end = match.span(2)
        data[start:end] = b" " * (end - start)


def blank_info(pdf: bytes) -> bytes:
    """The same PDF with its document information and uncompressed XMP author/tool fields blanked in place."""
    data = bytearray(pdf)
    _blank_info(data)
    _blank_xmp(data)
    if len(data) != len(pdf):  # pragma: no cover - every change above keeps lengths; offsets must not move
        raise RuntimeError("PDF length changed while blanking metadata")
    return bytes(data)
