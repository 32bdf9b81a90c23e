"""Dates as people type them: 2026-12-31, 2026/12/31, 2026.12.31, 2026年12月31日, ２０２６年１２月３１日 (no Django)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")

DATE_FORMATS_HINT = "2026-12-31、2026/12/31 或 2026年12月31日"


def parse_date_text(text: str) -> dt.date | None:
    """The date a person meant, or None when the text is not a real date in one of the usual forms."""
    raw = unicodedata.normalize("NFKC", text or "").strip()
    match = _DATE.match(raw)
    if not match:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
