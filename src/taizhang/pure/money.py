"""Money as people write it: 72.5万元, 1.2亿, 3,000元, 一百万 → Decimal yuan; and back to 万元/亿元."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_UNITS = {"亿": Decimal(100_000_000), "万": Decimal(10_000), "千": Decimal(1000)}
_SHAPE = re.compile(r"^([0-9.]+|[零〇一二两三四五六七八九十百千万亿点]+)(亿|万|千)?(元)?$")
_FULL = str.maketrans("０１２３４５６７８９．，", "0123456789.,")


def parse_yuan(text: object) -> Decimal:
    """The amount in yuan written in `text`; ValueError when it is not an amount (or negative)."""
    if isinstance(text, Decimal | int | float):
        value = Decimal(str(text))
    else:
        raw = str(text or "").translate(_FULL).replace(",", "").replace(" ", "").strip()
        raw = raw.removeprefix("人民币").removeprefix("¥").removeprefix("￥")
        match = _SHAPE.match(raw)
        if not raw or not match:
            raise ValueError(raw)
        number, unit = match.group(1), match.group(2)
        try:
            value = Decimal(number) if number[0].isdigit() else Decimal(str(_chinese(number)))
        except (InvalidOperation, ValueError) as exc:
            raise ValueError(raw) from exc
        if unit:
            value *= _UNITS[unit]
    if value < 0 or not value.is_finite():
        raise ValueError(str(text))
    return value.quantize(Decimal("0.01"))


def _chinese(number: str) -> float:
    import cn2an  # loaded only when someone writes an amount in Chinese numerals

    return float(cn2an.cn2an(number, "smart"))


def format_yuan(value: Decimal | int | float | None) -> str:
    """¥ as a report writes it: 9,800元; 72.22万元; 1.35亿元."""
    amount = Decimal(str(value or 0))
    if abs(amount) >= 100_000_000:
        return f"{(amount / 100_000_000).quantize(Decimal('0.01')).normalize():f}亿元"
    if abs(amount) >= 10_000:
        return f"{(amount / 10_000).quantize(Decimal('0.01')).normalize():f}万元"
    return f"{amount.quantize(Decimal('0.01')).normalize():,f}元"
