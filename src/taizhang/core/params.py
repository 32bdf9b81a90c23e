"""Reading numbers out of query strings and forms without trusting their size.

A database id is a 64-bit integer: `?sector=99999999999999999999` passed to a query is an OverflowError (500)
on SQLite and an out-of-range error on PostgreSQL. Every id, page number or count read from a request goes
through these bounds; anything else is "not given" (a filter) or a form error (an edit).
"""

from __future__ import annotations

from typing import Any

MAX_ID = 2**63 - 1  # PostgreSQL bigint, SQLite INTEGER
MAX_COUNT = 1_000_000  # people, items, days: no real count comes near it


def as_id(raw: Any) -> int | None:
    """A positive database id from request text, or None (missing, not digits, or out of range)."""
    text = str(raw).strip() if raw is not None else ""
    if not text or not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


def as_int(raw: Any, low: int, high: int) -> int | None:
    """An integer within [low, high] from request text, or None."""
    text = str(raw).strip() if raw is not None else ""
    sign, digits = (-1, text[1:]) if text.startswith("-") else (1, text)
    if not digits or not digits.isascii() or not digits.isdigit() or len(digits) > 19:
        return None
    value = sign * int(digits)
    return value if low <= value <= high else None
