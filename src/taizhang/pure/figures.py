"""Extract reported figures (indicator, value, unit) from campaign report text."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from taizhang.pure.catalogue import BLOCKERS, PERSON_COMPANIONS, TRIGGERS, by_code
from taizhang.pure.cleaning import clean

__all__ = ["Figure", "extract_figures", "figures_as_dicts", "prepare"]

_CN_DIGITS = "〇零一二两三四五六七八九十百千万亿"
_NUMBER_RE = re.compile(
    "(?P<pre>将近|接近|大约|超过|近|约|逾|超)?"
    f"(?:(?P<ar>\\d+(?:,\\d{{3}})*(?:\\.\\d+)?)|(?P<cn>[{_CN_DIGITS}]+))"
    "(?P<yu1>余|多)?(?P<mult>万亿|万|亿|千)?(?P<yu2>余|多)?"
    "(?P<unit>个(?!月|工作日|小时|百分点|季度|星期|多月)|件|起|宗|伙|人(?!次|民|大|员)|名|条|元|%|％)"
    "(?P<post>左右|以上)?"
)
_MULTIPLIERS = {
    "千": Decimal(1000),
    "万": Decimal(10_000),
    "亿": Decimal(100_000_000),
    "万亿": Decimal(10**12),
}
_ALL_TRIGGERS = (*TRIGGERS, ("", BLOCKERS))
_TRIGGER_RE = re.compile("|".join(f"(?P<t{i}>{pattern})" for i, (_, pattern) in enumerate(_ALL_TRIGGERS)))
_TRIGGER_CODES = {f"t{i}": code for i, (code, _) in enumerate(_ALL_TRIGGERS)}
_SENTENCE_END = frozenset("。！？!?\n")
_CLAUSE_END = frozenset("，,；;、：:")
_QUOTES = frozenset("“”\"'‘’「」")
_DELTA_RE = re.compile("同比|环比|上升|下降|增长|减少|提高|降低|增加|下滑|上涨|分别|占")
_MAX_DISTANCE = 40
# The object marker before a count whose verb follows (对111起大要案挂牌督办, 将12名嫌疑人批准逮捕).
_OBJECT_MARKERS = frozenset("对将把")
_FULL_WIDTH_DIGITS = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)} | {0xFF0E: ord(".")}


@dataclass
class Figure:
    """One figure found in text; start/end index the text returned by ``prepare``."""

    indicator: str
    value: int | float
    unit: str
    approx: bool
    text: str
    start: int
    end: int


def prepare(text: str) -> str:
    """Clean text and convert it to Simplified; figure offsets refer to this string."""
    return clean(text, to="simplified").text


def _value(match: re.Match[str]) -> Decimal | None:
    """Compute the numeric value of a number match, applying 万/亿 multipliers."""
    try:
        if match.group("ar"):
            number = Decimal(match.group("ar").replace(",", ""))
        else:
            import cn2an  # 5 MiB with its dependencies: loaded by the first figure in Chinese numerals

            number = Decimal(str(cn2an.cn2an(match.group("cn"), "normal")))
    except (ValueError, InvalidOperation, KeyError, IndexError, TypeError):
        return None
    multiplier = match.group("mult")
    if multiplier:
        number *= _MULTIPLIERS[multiplier]
    return number


def _canonical_unit(raw: str, allowed: tuple[str, ...]) -> str | None:
    """Map a counted word (个, 起, 名 …) to the indicator's canonical unit, or None if it does not fit."""
    if raw in "人名":
        candidates: tuple[str, ...] = ("人",)
    elif raw == "元":
        candidates = ("元",)
    elif raw in "%％":
        candidates = ("%",)
    elif raw == "条":
        candidates = ("条",)
    elif raw == "伙":
        candidates = ("个",)
    elif raw == "件":
        candidates = ("件", "条")
    else:  # 个, 起, 宗: organisations stay 个, cases become 件, clues 条
        candidates = ("个", "件", "条")
    return next((unit for unit in candidates if unit in allowed), None)


def _indicator_for(
    text: str, triggers: list[re.Match[str]], start: int, end: int, raw_unit: str
) -> tuple[str, str] | None:
    """Find the indicator for a number: the nearest fitting trigger before it in the sentence."""
    clause_crossed = False
    pos = start
    for trigger in reversed(triggers):
        if trigger.end() > start:
            continue
        between = text[trigger.end() : start]
        if any(ch in _SENTENCE_END for ch in between) or start - trigger.end() > _MAX_DISTANCE:
            break
        clause_crossed = clause_crossed or any(ch in _CLAUSE_END for ch in text[trigger.end() : pos])
        pos = trigger.start()
        code = _TRIGGER_CODES[trigger.lastgroup or ""]
        if not code:
            return None
        unit = _canonical_unit(raw_unit, by_code(code).units)
        if unit:
            return code, unit
    # "128个涉黑恶团伙被打掉": the phrase follows the number directly.
    for trigger in triggers:
        if trigger.start() < end:
            continue
        gap = text[end : trigger.start()]
        if all(ch in _QUOTES for ch in gap):
            code = _TRIGGER_CODES[trigger.lastgroup or ""]
            unit = _canonical_unit(raw_unit, by_code(code).units) if code else None
            if unit:
                return code, unit
        break
    return None


def _indicator_after(
    text: str, triggers: list[re.Match[str]], end: int, raw_unit: str
) -> tuple[str, str] | None:
    """The verb after an object-marked count (对N起…挂牌督办): the first fitting phrase later in the same
    clause, with no other number in between."""
    for trigger in triggers:
        if trigger.start() < end:
            continue
        between = text[end : trigger.start()]
        if trigger.start() - end > _MAX_DISTANCE or any(
            ch in _SENTENCE_END or ch in _CLAUSE_END or ch.isdigit() for ch in between
        ):
            return None
        code = _TRIGGER_CODES[trigger.lastgroup or ""]
        if not code:
            return None
        unit = _canonical_unit(raw_unit, by_code(code).units)
        if unit:
            return code, unit
    return None


def _object_marked(text: str, match: re.Match[str]) -> bool:
    start = match.start()
    return start > 0 and text[start - 1] in _OBJECT_MARKERS


def _joined_person_count(previous: Figure | None, text: str, match: re.Match[str]) -> tuple[str, str] | None:
    """A person count joined to the case count just before it by 、 (…364309件、410974人): the case count's
    indicator when it counts persons, else its person companion."""
    if previous is None or previous.unit != "件" or match.group("unit") not in "人名":
        return None
    if match.start() != previous.end + 1 or text[previous.end] != "、":
        return None
    if "人" in by_code(previous.indicator).units:
        return previous.indicator, "人"
    companion = PERSON_COMPANIONS.get(previous.indicator)
    return (companion, "人") if companion else None


def _is_excluded(text: str, match: re.Match[str]) -> bool:
    """Tell whether a number is an ordinal, part of a longer token, or a change rate rather than a figure."""
    start = match.start()
    before = text[start - 1] if start else ""
    if before == "第" or before.isdigit() or before in ".-/:#" or (before.isascii() and before.isalpha()):
        return True
    if match.group("cn") and ((before and before in _CN_DIGITS) or match.group("cn") == "一"):
        # A bare 一 (一起, 一个) is nearly always an article, not a reported count.
        return True
    if match.group("unit") in "%％":
        return _DELTA_RE.search(text, max(0, start - 6), start) is not None
    return False


def extract_figures(text: str, *, prepared: bool = False) -> list[Figure]:
    """Extract figures from report text; offsets index ``prepare(text)`` (or text itself if prepared)."""
    if not prepared:
        text = prepare(text)
    matching = text.translate(_FULL_WIDTH_DIGITS)
    triggers = list(_TRIGGER_RE.finditer(matching))
    figures: list[Figure] = []
    for match in _NUMBER_RE.finditer(matching):
        if _is_excluded(matching, match):
            continue
        value = _value(match)
        if value is None:
            continue
        raw_unit = match.group("unit")
        found = _joined_person_count(figures[-1] if figures else None, matching, match)
        if found is None and _object_marked(matching, match):
            found = _indicator_after(matching, triggers, match.end(), raw_unit)
        if found is None:
            found = _indicator_for(matching, triggers, match.start(), match.end(), raw_unit)
        if found is None:
            continue
        code, unit = found
        approx = bool(match.group("pre") or match.group("yu1") or match.group("yu2") or match.group("post"))
        number: int | float = int(value) if value == value.to_integral_value() else float(value)
        figures.append(
            Figure(code, number, unit, approx, text[match.start() : match.end()], match.start(), match.end())
        )
    return figures


def figures_as_dicts(figures: list[Figure]) -> list[dict[str, Any]]:
    """Turn figures into JSON-serialisable dicts with the documented keys."""
    return [asdict(figure) for figure in figures]
