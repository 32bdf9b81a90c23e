"""Numbers as people type them into a form: 12, １２, 1,200, 3次, 一次, 十二, 1.5万 → Decimal (no Django)."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

# A measure word after the number (3次, 12人, 5件, 2场) says what was counted, not how many.
_MEASURE = re.compile(r"[次个人件起场期篇条名户家处宗份项批张本元]+$")
_CHINESE = re.compile(r"^[零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟点]+$")
_ARABIC = re.compile(r"^[0-9]+(\.[0-9]+)?$")
_MIXED = re.compile(r"^[0-9]+(\.[0-9]+)?[万亿]$")


def parse_number(text: str) -> Decimal | None:
    """The number a person meant, or None when the text is not one."""
    raw = unicodedata.normalize("NFKC", text or "").strip()
    raw = raw.replace(",", "").replace("，", "").replace(" ", "").replace("\u3000", "")
    raw = _MEASURE.sub("", raw)
    if not raw:
        return None
    try:
        if _ARABIC.match(raw):
            return Decimal(raw)
        if _CHINESE.match(raw) or _MIXED.match(raw):
            import cn2an  # 5 MiB with its dependencies: loaded by the first number written in Chinese numerals

            return Decimal(str(cn2an.cn2an(raw.replace("两", "二"), "smart")))
    except (ValueError, InvalidOperation, KeyError):
        return None
    return None
