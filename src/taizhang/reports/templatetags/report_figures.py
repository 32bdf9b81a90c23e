"""Figures in pages as people write them (reports/numbers.py): {{ row|figure }}, {{ row|yoy }}, {{ row|pop }}."""

from __future__ import annotations

from typing import Any

from django import template

from taizhang.reports import numbers

register = template.Library()


@register.filter
def figure(row: dict[str, Any]) -> str:
    """A figure row's value with its unit: "151条", "2件13人", "1.19亿元", "2.0%"."""
    if row.get("value") is None:
        return "—"
    return numbers.show(row["value"], row["indicator"].unit_label, row.get("persons"))


@register.filter
def figure_value(row: dict[str, Any], key: str) -> str:
    """Another value of the row (e.g. "previous", "last_year") in the row's unit."""
    value = row.get(key)
    if value is None:
        return "—"
    return numbers.show(value, row["indicator"].unit_label)


@register.filter
def yoy(row: dict[str, Any]) -> str:
    return numbers.row_change(row, "yoy")


@register.filter
def pop(row: dict[str, Any]) -> str:
    return numbers.row_change(row, "pop")
