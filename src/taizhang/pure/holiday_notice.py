"""Read the State Council's 节假日安排 notice: which days are holidays and which weekend days are worked (调休).

The notice is pasted as text. Each festival is a line such as

    二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。

Dates before 放假 are holidays (a range when joined by 至, else each day), dates before 上班 are working days.
The stated weekday in brackets and the stated total (共N天) are checked against the calendar, so a pasted typo
or the wrong year is reported instead of applied. Problems are returned as data (a kind and its values); the
caller words them for the reader.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

__all__ = ["NoticeDay", "ParsedNotice", "Problem", "parse_notice"]

_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_FESTIVAL = re.compile(
    r"(?:^|\n)\s*(?:[一二三四五六七八九十]+[、.]\s*)?([^\s:,，。\d、][^\s:,，。\d]{1,15}?)\s*:"
)
_TITLE_YEAR = re.compile(r"(\d{4})\s*年(?:部分)?节假日")
_KEYWORD = re.compile(r"放假|休息|上班")
_DATE = re.compile(r"(?:(?P<y>\d{4})年)?(?:(?P<m>\d{1,2})月)?(?P<d>\d{1,2})日(?:\s*\((?P<note>[^)]*)\))?")
_WEEKDAY = re.compile(r"(?:周|星期)([一二三四五六日天])")
_TOTAL = re.compile(r"(?:共|放假)\s*(\d+)\s*天")


@dataclass(frozen=True)
class NoticeDay:
    """One day the notice settles: a holiday (is_workday False) or a 调休 working day (True)."""

    day: dt.date
    is_workday: bool
    festival: str


@dataclass(frozen=True)
class Problem:
    """Something in the text that does not add up: kind is one of no_year, weekday, total, conflict, unread."""

    kind: str
    festival: str = ""
    day: dt.date | None = None
    stated: str = ""
    found: str = ""


@dataclass
class ParsedNotice:
    """The notice's year, its days in date order, and what did not add up (apply only when empty)."""

    year: int | None
    days: list[NoticeDay] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def holidays(self) -> list[dt.date]:
        return [d.day for d in self.days if not d.is_workday]

    def workdays(self) -> list[dt.date]:
        return [d.day for d in self.days if d.is_workday]


@dataclass
class _Token:
    year: int | None
    month: int | None
    day: int
    weekday: int | None
    start: int
    end: int


def _tokens(text: str) -> list[_Token]:
    found = []
    for m in _DATE.finditer(text):
        weekday = _WEEKDAY.search(m.group("note") or "")
        found.append(
            _Token(
                int(m.group("y")) if m.group("y") else None,
                int(m.group("m")) if m.group("m") else None,
                int(m.group("d")),
                _WEEKDAYS[weekday.group(1)] if weekday else None,
                m.start(),
                m.end(),
            )
        )
    return found


class _Reader:
    def __init__(self, year: int) -> None:
        self.year = year
        self.result = ParsedNotice(year)
        self.seen: dict[dt.date, NoticeDay] = {}

    def resolve(self, tok: _Token, festival: str, after: dt.date | None) -> dt.date | None:
        """The date a token names: its own year/month, else the previous date's, else the notice year."""
        month = tok.month or (after.month if after else None)
        if month is None:
            self.result.problems.append(Problem("unread", festival, stated=f"{tok.day}日"))
            return None
        year = tok.year or (after.year if after else self.year)
        if tok.year is None and after is None and month == 12 and festival == "元旦":
            year = self.year - 1  # 元旦 may start on 30 or 31 December of the year before
        if after is not None and tok.year is None and (month, tok.day) < (after.month, after.day):
            if tok.month is None:
                month += 1
                if month == 13:
                    month, year = 1, year + 1
            else:
                year += 1  # "12月31日至1月2日": the range crosses into the next year
        try:
            day = dt.date(year, month, tok.day)
        except ValueError:
            self.result.problems.append(Problem("unread", festival, stated=f"{month}月{tok.day}日"))
            return None
        if tok.weekday is not None and tok.weekday != day.weekday():
            self.result.problems.append(
                Problem("weekday", festival, day, stated=str(tok.weekday), found=str(day.weekday()))
            )
        return day

    def add(self, day: dt.date, is_workday: bool, festival: str) -> None:
        earlier = self.seen.get(day)
        if earlier is not None and earlier.is_workday != is_workday:
            self.result.problems.append(Problem("conflict", festival, day))
            return
        self.seen[day] = NoticeDay(day, is_workday, festival)

    def read_section(self, festival: str, body: str) -> None:
        holidays_before = sum(1 for d in self.seen.values() if not d.is_workday)
        pos = 0
        for kw in _KEYWORD.finditer(body):
            chunk = body[pos : kw.start()]
            pos = kw.end()
            tokens = _tokens(chunk)
            is_workday = kw.group() == "上班"
            if not tokens:
                continue
            if not is_workday and "至" in chunk[tokens[0].end :] and len(tokens) >= 2:
                first = self.resolve(tokens[0], festival, None)
                last = self.resolve(tokens[1], festival, first) if first else None
                if first and last:
                    day = first
                    while day <= last:
                        self.add(day, False, festival)
                        day += dt.timedelta(days=1)
                continue
            previous: dt.date | None = None
            for tok in tokens:
                resolved = self.resolve(tok, festival, previous if tok.month is None else None)
                if resolved:
                    self.add(resolved, is_workday, festival)
                    previous = resolved
        total = _TOTAL.search(body)
        if total:
            counted = sum(1 for d in self.seen.values() if not d.is_workday) - holidays_before
            if counted != int(total.group(1)):
                self.result.problems.append(
                    Problem("total", festival, stated=total.group(1), found=str(counted))
                )


def parse_notice(text: str, year: int | None = None) -> ParsedNotice:
    """Read a notice's holidays and 调休 working days; `year` overrides the year in the title."""
    text = unicodedata.normalize("NFKC", text)
    if year is None:
        title = _TITLE_YEAR.search(text)
        year = int(title.group(1)) if title else None
    if year is None:
        return ParsedNotice(None, problems=[Problem("no_year")])
    reader = _Reader(year)
    heads = list(_FESTIVAL.finditer(text))
    for i, head in enumerate(heads):
        body_end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        body = text[head.end() : body_end]
        if not _KEYWORD.search(body) or not _DATE.search(body):
            continue
        reader.read_section(head.group(1), body)
    result = reader.result
    result.days = sorted(reader.seen.values(), key=lambda d: d.day)
    if not result.days and not result.problems:
        result.problems.append(Problem("unread"))
    return result
