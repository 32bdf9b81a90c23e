"""Figures as people write them in reports and bulletins: counts as integers, money in 万元/亿元, shares with one
decimal, and 同比/环比 with the reason when there is no base. Every page, document and sheet that prints a
figure goes through `show` (or the helpers below), never `str(value)`."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

YI = Decimal(100_000_000)
WAN = Decimal(10_000)


def _dec(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value or 0))


def _trim(value: Decimal, places: int) -> str:
    """At most `places` decimals, trailing zeros dropped (12.50 → 12.5, 3.00 → 3)."""
    text = f"{value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def count(value: Any) -> str:
    """A count of records or persons: an integer ("0", "12"), never "0.00"."""
    return f"{int(_dec(value).to_integral_value(rounding=ROUND_HALF_UP))}"


def number(value: Any) -> str:
    """Any other quantity: up to two decimals, no trailing zeros."""
    return _trim(_dec(value), 2)


def money(yuan: Any) -> str:
    """An amount in 元 as an office writes it: 1.19亿元, 7222万元, 3500元."""
    amount = _dec(yuan)
    if abs(amount) >= YI:
        return _("%(v)s亿元") % {"v": _trim(amount / YI, 2)}
    if abs(amount) >= WAN:
        return _("%(v)s万元") % {"v": _trim(amount / WAN, 2)}
    return _("%(v)s元") % {"v": _trim(amount, 2)}


def percent(value: Any) -> str:
    return f"{_trim(_dec(value), 1)}%"


def show(value: Any, unit_label: str, persons: Any = None) -> str:
    """A figure with its unit: "151条", "2件13人", "1.19亿元", "2.0%"."""
    if unit_label == "%":
        return f"{_dec(value).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"
    if unit_label == "元":
        return money(value)
    if persons is not None:
        return _("%(n)s件%(p)s人") % {"n": count(value), "p": count(persons)}
    return f"{count(value)}{unit_label}"


def change(value: float | None, base: Any, *, what: str) -> str:
    """同比/环比 in percent, or "—" with the reason there is none ("上年同期为0"); `what` names the base."""
    if value is not None:
        return f"{'+' if value >= 0 else ''}{_trim(_dec(value), 1)}%"
    if base is None:
        return _("—（%(w)s无数据）") % {"w": what}
    return _("—（%(w)s为0）") % {"w": what}


def row_change(row: dict[str, Any], which: str) -> str:
    """同比 (which="yoy") or 环比 ("pop") of a figure row: a rate changes in 百分点, a count in percent."""
    base_key, what = ("last_year", _("上年同期")) if which == "yoy" else ("previous", _("上期"))
    base = row.get(base_key)
    if row["indicator"].unit_label == "%" and base is not None and row.get("value") is not None:
        diff = _dec(row["value"]) - _dec(base)
        return _("%(sign)s%(v)s个百分点") % {"sign": "+" if diff >= 0 else "", "v": _trim(diff, 1)}
    if row["indicator"].unit_label == "%" and base is None:
        return _("—（%(w)s无受理线索，无查结率）") % {"w": what}
    return change(row.get(which), base, what=what)
