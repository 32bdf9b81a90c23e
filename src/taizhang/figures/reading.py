"""From a pasted text or an uploaded .txt/.docx to reviewed figures: extraction, sentences, combining."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from taizhang.pure.catalogue import by_code
from taizhang.pure.figures import extract_figures, prepare

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
_SENTENCE_END = "。！？!?\n；;"
_ENCODINGS = ("utf-8-sig", "gb18030")


def read_upload(name: str, data: bytes) -> str:
    """The text of an uploaded .txt (UTF-8 or GB18030) or .docx file."""
    if name.lower().endswith(".docx"):
        import io

        import docx

        document = docx.Document(io.BytesIO(data))
        lines = [p.text for p in document.paragraphs]
        for table in document.tables:
            lines += ["\t".join(cell.text for cell in row.cells) for row in table.rows]
        return "\n".join(lines)
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def sentence_of(text: str, start: int, end: int) -> str:
    """The sentence around [start, end) (at most 120 characters either side)."""
    left = max((text.rfind(ch, 0, start) for ch in _SENTENCE_END), default=-1) + 1
    rights = [i for i in (text.find(ch, end) for ch in _SENTENCE_END) if i != -1]
    right = min(rights) + 1 if rights else len(text)
    return text[max(left, start - 120) : min(right, end + 120)].strip()


def marked(sentence: str, words: str) -> SafeString:
    """The sentence escaped, with the figure's words marked (they come back from the browser: never trusted)."""
    at = sentence.find(words) if words else -1
    if at == -1:
        return escape(sentence)
    end = at + len(words)
    html = escape(sentence[:at]) + "<mark>" + escape(sentence[at:end]) + "</mark>" + escape(sentence[end:])
    return mark_safe(html)  # noqa: S308 — every piece is escaped


@dataclass
class Found:
    """A figure as first shown for review."""

    indicator: str
    value: Any
    unit: str
    approx: bool
    text: str
    sentence: str


def find(text: str) -> list[Found]:
    """Clean the text and find its figures, each with its sentence highlighted."""
    prepared = prepare(text)
    return [
        Found(f.indicator, f.value, f.unit, f.approx, f.text, sentence_of(prepared, f.start, f.end))
        for f in extract_figures(prepared, prepared=True)
    ]


def entered_values(figures: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Reviewed figures as a report's entered indicators: code → {value, persons}.

    An indicator counted in 件 and 人 (e.g. 批捕 120件356人) takes the 件 figure as value and the 人 figure as
    persons; an indicator counted only in persons takes the 人 figure as value. A repeated figure keeps the
    first one reviewed.
    """
    values: dict[str, dict[str, Any]] = {}
    for figure in figures:
        code = figure["indicator"]
        units = by_code(code).units
        item = values.setdefault(code, {"value": None, "persons": None})
        value = Decimal(str(figure["value"]))
        if figure["unit"] == "人" and units != ("人",):
            if item["persons"] is None:
                item["persons"] = int(value)
        elif item["value"] is None:
            item["value"] = value
    return {code: item for code, item in values.items() if item["value"] is not None}
