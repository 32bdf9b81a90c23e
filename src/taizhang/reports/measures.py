"""The clue indicators, each defined once: what it counts, over which period, and the ledger list behind it.

Every place that shows a clue figure (dashboard cards and charts, the bulletin's text, tables and ranking, the
figures page, the monthly summary, the assessment, the API) takes its value and its drill-down link from here,
so a figure always equals the number of rows its link lists, and a rate always equals its numerator's list
divided by its denominator's list.

| code | counts | period rule |
|---|---|---|
| clues.received | clues received (受理) | received in the period |
| clues.concluded | clues concluded (查结/办结) | concluded in the period, whenever received |
| clues.substantiated | concluded with the finding 查实 | concluded in the period |
| clues.received_concluded | of the clues received, those concluded (其中已查结) | received in the period, concluded by its end |
| clues.overdue | open clues past their deadline | now, whatever the period |
| clues.conclusion_rate | clues.received_concluded ÷ clues.received (%) | the period |

查结率 is a share of the clues received in the period, so it is printed next to its own numerator ("受理151条，
其中已查结3条，查结率2.0%"), never next to clues.concluded, which also counts clues received earlier.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from taizhang.clues.choices import FindingResult
from taizhang.reports import drill


@dataclass(frozen=True)
class CountMeasure:
    """A count of clues: its key in the clue counts and the ledger filter that lists exactly those clues."""

    code: str
    name: Promise
    count_key: str
    params: Callable[[dt.date, dt.date], dict[str, Any]]
    rule: Promise
    unit_label: str = "条"


@dataclass(frozen=True)
class RateMeasure:
    """A percentage: numerator count ÷ denominator count, both measures of this catalogue."""

    code: str
    name: Promise
    numerator: str
    denominator: str
    rule: Promise
    unit_label: str = "%"


def _received(start: dt.date, end: dt.date) -> dict[str, Any]:
    return drill.received(start, end)


def _concluded(start: dt.date, end: dt.date) -> dict[str, Any]:
    return drill.concluded(start, end)


def _substantiated(start: dt.date, end: dt.date) -> dict[str, Any]:
    return {**drill.concluded(start, end), "finding": FindingResult.SUBSTANTIATED.value}


def _received_concluded(start: dt.date, end: dt.date) -> dict[str, Any]:
    return {**drill.received(start, end), "concluded_to": drill.day(end)}


def _overdue(start: dt.date, end: dt.date) -> dict[str, Any]:
    return {"overdue": 1}


MEASURES: dict[str, CountMeasure | RateMeasure] = {
    m.code: m
    for m in (
        CountMeasure("clues.received", _("受理线索"), "received", _received, _("本期受理的线索")),
        CountMeasure(
            "clues.concluded", _("查结线索"), "concluded", _concluded, _("本期查结的线索（含以前受理的）")
        ),
        CountMeasure(
            "clues.substantiated",
            _("查实线索"),
            "substantiated",
            _substantiated,
            _("本期查结且核查结论为查实的线索"),
        ),
        CountMeasure(
            "clues.received_concluded",
            _("其中已查结"),
            "received_concluded",
            _received_concluded,
            _("本期受理的线索中，截至期末已查结的"),
        ),
        CountMeasure(
            "clues.overdue", _("超期未办结"), "overdue", _overdue, _("当前超过办理时限仍未办结的线索")
        ),
        RateMeasure(
            "clues.conclusion_rate",
            _("查结率"),
            "clues.received_concluded",
            "clues.received",
            _("本期受理线索中已查结的条数 ÷ 本期受理线索条数"),
        ),
    )
}


def percent(part: int, whole: int) -> float:
    """A share in percent, one decimal (0.0 when there is no base)."""
    return round(part * 100 / whole, 1) if whole else 0.0


def figure(
    code: str, counts: Mapping[str, int], start: dt.date, end: dt.date, base: Mapping[str, Any]
) -> dict[str, Any]:
    """One figure: value, drill-down URL (`base` holds the scope's ledger parameters, e.g. office and unit),
    and for a rate its numerator and denominator figures."""
    measure = MEASURES[code]
    if isinstance(measure, RateMeasure):
        top = figure(measure.numerator, counts, start, end, base)
        bottom = figure(measure.denominator, counts, start, end, base)
        return {
            "value": percent(top["value"], bottom["value"]),
            "persons": None,
            "url": top["url"],
            "numerator": top,
            "denominator": bottom,
        }
    url = f"{drill.CLUE_LIST}?{drill.encode({**base, **measure.params(start, end)})}"
    return {"value": counts[measure.count_key], "persons": None, "url": url}


def has_base(code: str, counts: Mapping[str, int]) -> bool:
    """Whether a rate has a denominator (a unit with no clues received has no 查结率, not 0%)."""
    measure = MEASURES[code]
    if isinstance(measure, RateMeasure):
        return bool(counts[MEASURES[measure.denominator].count_key])  # type: ignore[union-attr]
    return True
