"""Report periods (month, quarter, half year, year) with their Asia/Shanghai bounds, 同比 and 环比 neighbours."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from taizhang.reports.choices import PeriodKind

LOCAL = ZoneInfo("Asia/Shanghai")
_MONTHS: dict[str, int] = {
    PeriodKind.MONTH: 1,
    PeriodKind.QUARTER: 3,
    PeriodKind.HALF: 6,
    PeriodKind.YEAR: 12,
}


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def _month_end(year: int, month: int) -> dt.date:
    ny, nm = _add_months(year, month, 1)
    return dt.date(ny, nm, 1) - dt.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """A calendar period; `start` and `end` are local dates, both included."""

    kind: str
    start: dt.date
    end: dt.date

    @classmethod
    def of(cls, kind: str, day: dt.date) -> Period:
        """The period of `kind` containing `day`."""
        size = _MONTHS[kind]
        first_month = (day.month - 1) // size * size + 1
        ey, em = _add_months(day.year, first_month, size - 1)
        return cls(kind, dt.date(day.year, first_month, 1), _month_end(ey, em))

    @classmethod
    def parse(cls, kind: str, key: str) -> Period:
        """From a key like 2026-03 (month), 2026-Q1, 2026-H1 or 2026."""
        year = int(key[:4])
        rest = key[5:]
        if kind == PeriodKind.MONTH:
            return cls.of(kind, dt.date(year, int(rest), 1))
        if kind == PeriodKind.QUARTER:
            return cls.of(kind, dt.date(year, (int(rest.lstrip("Qq")) - 1) * 3 + 1, 1))
        if kind == PeriodKind.HALF:
            return cls.of(kind, dt.date(year, (int(rest.lstrip("Hh")) - 1) * 6 + 1, 1))
        return cls.of(PeriodKind.YEAR, dt.date(year, 1, 1))

    @property
    def key(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == PeriodKind.HALF:
            return f"{self.start.year}-H{(self.start.month - 1) // 6 + 1}"
        return str(self.start.year)

    @property
    def label(self) -> str:
        y = self.start.year
        if self.kind == PeriodKind.MONTH:
            return _("%(y)d年%(m)d月") % {"y": y, "m": self.start.month}
        if self.kind == PeriodKind.QUARTER:
            return _("%(y)d年第%(q)s季度") % {"y": y, "q": "一二三四"[(self.start.month - 1) // 3]}
        if self.kind == PeriodKind.HALF:
            return _("%(y)d年上半年") % {"y": y} if self.start.month == 1 else _("%(y)d年下半年") % {"y": y}
        return _("%(y)d年度") % {"y": y}

    def previous(self) -> Period:
        """The period just before (环比)."""
        return Period.of(self.kind, self.start - dt.timedelta(days=1))

    def year_before(self) -> Period:
        """The same period a year earlier (同比)."""
        return Period.of(self.kind, self.start.replace(year=self.start.year - 1))

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) as aware datetimes: local midnight of the first day to local midnight after the last."""
        return local_midnight(self.start), local_midnight(self.end + dt.timedelta(days=1))

    def months(self) -> list[Period]:
        out, day = [], self.start
        while day <= self.end:
            out.append(Period.of(PeriodKind.MONTH, day))
            ny, nm = _add_months(day.year, day.month, 1)
            day = dt.date(ny, nm, 1)
        return out

    def due_at(self, due_day: int, month_offset: int = 0) -> dt.datetime:
        """The end (23:59:59 local) of day `due_day` of the period's last month plus `month_offset` months."""
        y, m = _add_months(self.end.year, self.end.month, month_offset)
        day = min(due_day, _month_end(y, m).day)
        return local_midnight(dt.date(y, m, day) + dt.timedelta(days=1)) - dt.timedelta(seconds=1)


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=LOCAL)


def change(current: float | None, before: float | None) -> float | None:
    """The relative change in percent (None when the earlier figure is zero or missing)."""
    if current is None or not before:
        return None
    return round((current - before) / before * 100, 1)
