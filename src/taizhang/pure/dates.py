"""Dates as people type them: 2026-12-31, 2026/12/31, 2026.12.31, 2026年12月31日, ２０２６年１２月３１日,
二〇二六年十二月三十一日 (no Django)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

DATE_FORMATS_HINT = "2026-12-31、2026/12/31 或 2026年12月31日"

_NUMERIC = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
_DIGITS = {
    "〇": 0,
    "零": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_FULL = str.maketrans("０１２３４５６７８９", "0123456789")


def _small(text: str) -> int | None:
    """十二 → 12, 三十一 → 31, 9 → 9."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _sep, ones = text.partition("十")
        high = _DIGITS.get(tens, 0) if tens else 1
        low = _DIGITS.get(ones, 0) if ones else 0
        return high * 10 + low if (not tens or tens in _DIGITS) and (not ones or ones in _DIGITS) else None
    return _DIGITS.get(text) if len(text) == 1 else None


def parse_date_text(value: object) -> dt.date | None:
    """The date written in `value`, or None when it is not one (or does not exist, like 2月30日)."""
    if isinstance(value, dt.date):
        return value
    text = unicodedata.normalize("NFKC", str(value or "")).translate(_FULL).strip()
    if not text:
        return None
    match = _NUMERIC.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        chinese = re.match(
            r"^\s*([〇零○一二三四五六七八九\d]{4})年([一二三四五六七八九十\d]{1,3})月([一二三四五六七八九十\d]{1,3})日?\s*$",
            text,
        )
        if not chinese:
            return None
        year = int("".join(str(_DIGITS.get(c, c)) for c in chinese.group(1)))
        month_v, day_v = _small(chinese.group(2)), _small(chinese.group(3))
        if month_v is None or day_v is None:
            return None
        month, day = month_v, day_v
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
