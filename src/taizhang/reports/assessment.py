"""Annual assessment (年度考评): fixed formula kinds over named figures, with every point explained.

Decision: no expression language. Each item picks one of the formula kinds in choices.FormulaKind, which are
plain functions of figures the system computes (and deductions the office enters), so nothing user-written is
ever evaluated and every point can be explained in words:
- rate: weight × (indicator value in %) ÷ 100, e.g. 查结率 90% on a 30-point item gives 27;
- timeliness: weight × (1 − overdue clues ÷ clues received in the year), floored at 0, both the catalogue's
  figures (reports.measures: clues.overdue, clues.received), as the dashboard shows them for the unit;
- punctuality: weight × (monthly reports filed by the due day ÷ reports due so far);
- per_record: per_record points for each record the indicator counts (e.g. 挂牌督办 items concluded), up to weight;
- deductions: minus every deduction the office entered for the unit, each with its reason.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from taizhang.org.models import Unit
from taizhang.reports import board
from taizhang.reports import numbers as figures_text
from taizhang.reports.choices import FormulaKind, PeriodKind
from taizhang.reports.figures import call_for_units, providers
from taizhang.reports.indicators import batch
from taizhang.reports.models import AssessmentDeduction, AssessmentItem, AssessmentScheme
from taizhang.reports.periods import Period

TWO = Decimal("0.01")

DEFAULT_ITEMS = [
    (_("线索查结率"), FormulaKind.RATE, "clues.conclusion_rate", 30, 1),
    (_("按期办理"), FormulaKind.TIMELINESS, "", 25, 1),
    (_("信息按时报送"), FormulaKind.PUNCTUALITY, "", 20, 1),
    (_("查实线索"), FormulaKind.PER_RECORD, "clues.substantiated", 15, 1),
    (_("整改与挂牌督办"), FormulaKind.PER_RECORD, "supervision.listed_cases", 10, 2),
    (_("扣分事项"), FormulaKind.DEDUCTIONS, "", 0, 0),
]


def default_scheme(office: Unit, year: int) -> AssessmentScheme:
    """The office's scheme for the year, created with the default items the first time it is asked for."""
    scheme, created = AssessmentScheme.objects.get_or_create(
        office=office, year=year, defaults={"name": _("%(y)d年度扫黑除恶工作考评") % {"y": year}}
    )
    if created:
        AssessmentItem.objects.bulk_create(
            AssessmentItem(
                scheme=scheme,
                name=str(name),
                formula=kind,
                indicator_code=code,
                weight=Decimal(w),
                per_record=Decimal(per),
                sort_order=i,
            )
            for i, (name, kind, code, w, per) in enumerate(DEFAULT_ITEMS)
        )
    return scheme


def _q(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(TWO, rounding=ROUND_HALF_UP)


# The clue figures that say a unit had work this period (RANKING_RULE); the timeliness item reads two of them.
CLUE_WORK = ("received", "concluded", "overdue")

RANKING_RULE = _(
    "排名按考评得分从高到低：各项得分之和按适用项目的满分折算为百分制，再减去扣分。单位本期没有线索办理任务"
    "（受理、查结、超期均为0）时，查结率、按期办理和按件计分项目不适用，该单位不参与排名，单列其报送情况；"
    "得分相同的单位名次并列。"
)


def score(user: Any, scheme: AssessmentScheme, period: Period | None = None) -> list[dict[str, Any]]:
    """Every expected unit's score with its lines (item, basis in words, points, link), ranked as RANKING_RULE
    says; `period` (default: the scheme's year) lets the quarterly bulletin rank by the same scheme."""
    with batch():
        return _score(user, scheme, period)


def _score(user: Any, scheme: AssessmentScheme, period: Period | None) -> list[dict[str, Any]]:
    office = scheme.office
    year = period or Period.parse(PeriodKind.YEAR, str(scheme.year))
    items = list(scheme.items.all())
    units = board.expected_units(user, office)
    found = providers()
    # Each item's figure for every unit at once (one grouped query where the indicator offers it).
    figures = {
        item.pk: call_for_units(found[item.indicator_code], user=user, units=units, period=year)
        for item in items
        if item.formula in (FormulaKind.RATE, FormulaKind.PER_RECORD) and item.indicator_code in found
    }
    # The clue figures that decide the timeliness item and whether a unit had work: the catalogue's own
    # (reports.measures), for every unit at once, so they are the figures and links the dashboard shows.
    clue_figures = {
        key: call_for_units(found[f"clues.{key}"], user=user, units=units, period=year) for key in CLUE_WORK
    }
    punctual = board.punctuality(user, office, year.start.year, units=units, period=year)
    deductions: dict[int, list[AssessmentDeduction]] = {}
    for d in AssessmentDeduction.objects.filter(scheme=scheme).order_by("id"):
        deductions.setdefault(d.unit_id, []).append(d)
    full = sum((i.weight for i in items if i.formula != FormulaKind.DEDUCTIONS), Decimal(0))
    results: list[dict[str, Any]] = []
    for unit in units:
        clues: dict[str, dict[str, Any]] = {}
        for key, figures_of in clue_figures.items():
            if (figure := figures_of.get(unit.pk)) is not None:
                clues[key] = figure
        has_work = any(figure["value"] for figure in clues.values())
        lines = []
        for item in items:
            lines.extend(
                _lines(
                    item,
                    unit,
                    year,
                    figures.get(item.pk, {}).get(unit.pk),
                    clues,
                    punctual.get(unit.pk, {}),
                    deductions.get(unit.pk, []) if period is None else [],
                    has_work,
                )
            )
        results.append(
            {"unit": unit, "lines": lines, "path": unit.path, "ranked": has_work, **_total(lines, full)}
        )
    _rank(results)
    return results


def _total(lines: list[dict[str, Any]], full: Decimal) -> dict[str, Any]:
    """Points of the applicable items scaled to the scheme's full marks, less deductions."""
    applicable = [line for line in lines if line.get("weight") is not None and line["applicable"]]
    weight = sum((line["weight"] for line in applicable), Decimal(0))
    earned = sum((line["points"] for line in applicable), Decimal(0))
    deducted = sum((line["points"] for line in lines if line.get("weight") is None), Decimal(0))
    scaled = earned * full / weight if weight else Decimal(0)
    return {"earned": _q(earned), "applicable_weight": _q(weight), "total": _q(scaled + deducted)}


def _rank(results: list[dict[str, Any]]) -> None:
    """Ranked units by total (equal totals share a rank), then the units not ranked (rank None)."""
    results.sort(key=lambda r: (not r["ranked"], -Decimal(r["total"]), str(r["path"])))
    previous, rank = None, 0
    for position, row in enumerate((r for r in results if r["ranked"]), start=1):
        if row["total"] != previous:
            rank, previous = position, row["total"]
        row["rank"] = rank
    for row in results:
        row.setdefault("rank", None)


def _lines(
    item: AssessmentItem,
    unit: Unit,
    year: Period,
    result: dict[str, Any] | None,
    clues: dict,
    punctual: dict,
    deductions: list[AssessmentDeduction],
    has_work: bool = True,
) -> list[dict[str, Any]]:
    weight = item.weight
    if item.formula == FormulaKind.DEDUCTIONS:
        return [
            {"item": item.name, "basis": d.reason, "points": -_q(d.points), "url": "", "weight": None}
            for d in deductions
        ]
    lines = _scored_lines(item, unit, year, result, clues, punctual, has_work)
    for line in lines:
        line["weight"] = weight
    return lines


def _not_applicable(item: AssessmentItem, why: str) -> list[dict[str, Any]]:
    return [{"item": item.name, "basis": why, "points": Decimal(0), "url": "", "applicable": False}]


def _scored_lines(
    item: AssessmentItem,
    unit: Unit,
    year: Period,
    result: dict[str, Any] | None,
    clues: dict,
    punctual: dict,
    has_work: bool,
) -> list[dict[str, Any]]:
    weight = item.weight
    if item.formula != FormulaKind.PUNCTUALITY and not has_work:
        return _not_applicable(item, _("本期无线索办理任务，不适用"))
    if item.formula == FormulaKind.TIMELINESS:
        received = clues["received"]["value"] if "received" in clues else 0
        overdue = clues["overdue"]["value"] if "overdue" in clues else 0
        share = max(Decimal(0), 1 - Decimal(overdue) / Decimal(received)) if received else Decimal(1)
        basis = _("受理%(r)d条，超期未办结%(o)d条") % {"r": received, "o": overdue}
        url = clues["overdue"]["url"] if "overdue" in clues else ""
        return [
            {"item": item.name, "basis": basis, "points": _q(weight * share), "url": url, "applicable": True}
        ]
    if item.formula == FormulaKind.PUNCTUALITY:
        expected, on_time = punctual.get("expected", 0), punctual.get("on_time", 0)
        if not expected:
            return _not_applicable(item, _("本期无应报月报，不适用"))
        share = Decimal(on_time) / Decimal(expected)
        basis = _("应报%(e)d期，按时报送%(o)d期，逾期%(l)d期") % {
            "e": expected,
            "o": on_time,
            "l": punctual.get("late", 0),
        }
        return [
            {
                "item": item.name,
                "basis": basis,
                "points": _q(weight * min(share, Decimal(1))),
                "url": f"/reports/?unit={unit.pk}&year={year.start.year}",
                "applicable": True,
            }
        ]
    if result is None:
        return _not_applicable(item, _("系统暂不统计该项数据，不适用"))
    value = Decimal(str(result["value"]))
    if item.formula == FormulaKind.RATE:
        if "denominator" in result and not result["denominator"]["value"]:
            return _not_applicable(item, _("本期未受理线索，不适用"))
        points = weight * min(value, Decimal(100)) / 100
        basis = _("%(v)s%%") % {"v": value}
        if "numerator" in result:
            basis = _("已查结%(a)d条 ÷ 受理%(b)d条 = %(v)s%%") % {
                "a": result["numerator"]["value"],
                "b": result["denominator"]["value"],
                "v": value,
            }
    else:
        points = min(weight, value * item.per_record)
        basis = _("%(v)s件 × %(p)s分") % {
            "v": figures_text.count(value),
            "p": figures_text.number(item.per_record),
        }
    return [
        {
            "item": item.name,
            "basis": basis,
            "points": _q(points),
            "url": result.get("url", ""),
            "applicable": True,
        }
    ]
