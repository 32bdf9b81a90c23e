"""Annual assessment (年度考评): fixed formula kinds over named figures, with every point explained.

Decision: no expression language. Each item picks one of the formula kinds in choices.FormulaKind, which are
plain functions of figures the system computes (and deductions the office enters), so nothing user-written is
ever evaluated and every point can be explained in words:
- rate: weight × (indicator value in %) ÷ 100, e.g. 查结率 90% on a 30-point item gives 27;
- timeliness: weight × (1 − overdue clues ÷ clues received in the year), floored at 0;
- punctuality: weight × (monthly reports filed by the due day ÷ reports due so far);
- per_record: per_record points for each record the indicator counts (e.g. 挂牌督办 items concluded), up to weight;
- deductions: minus every deduction the office entered for the unit, each with its reason.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.clues.choices import OPEN_STATUSES
from taizhang.clues.models import Clue
from taizhang.org.models import Unit
from taizhang.reports import board, drill
from taizhang.reports.choices import FormulaKind, PeriodKind
from taizhang.reports.figures import call, providers
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


def score(user: Any, scheme: AssessmentScheme) -> list[dict[str, Any]]:
    """Every expected unit's score with its lines (item, basis in words, points, link), ranked."""
    office = scheme.office
    year = Period.parse(PeriodKind.YEAR, str(scheme.year))
    lo, hi = year.bounds()
    items = list(scheme.items.all())
    units = board.expected_units(user, office)
    found = providers()
    # One GROUP BY for the clue figures of every unit (responsible unit), instead of a loop of queries.
    clue_rows = {
        row["responsible_unit_id"]: row
        for row in Clue.objects.visible_to(user)
        .filter(office__path__startswith=office.path)
        .values("responsible_unit_id")
        .annotate(
            received=Count("id", filter=Q(received_at__gte=lo, received_at__lt=hi)),
            overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, deadline_at__lt=timezone.now())),
        )
        .order_by()
    }
    punctual = board.punctuality(user, office, scheme.year)
    deductions: dict[int, list[AssessmentDeduction]] = {}
    for d in AssessmentDeduction.objects.filter(scheme=scheme).order_by("id"):
        deductions.setdefault(d.unit_id, []).append(d)
    results: list[dict[str, Any]] = []
    for unit in units:
        lines = []
        for item in items:
            lines.extend(
                _lines(
                    user,
                    item,
                    unit,
                    year,
                    found,
                    clue_rows.get(unit.pk, {}),
                    punctual.get(unit.pk, {}),
                    deductions.get(unit.pk, []),
                )
            )
        total = sum((line["points"] for line in lines), Decimal(0))
        results.append({"unit": unit, "lines": lines, "total": total, "path": unit.path})
    results.sort(key=lambda r: (-Decimal(r["total"]), str(r["path"])))
    for rank, row in enumerate(results, start=1):
        row["rank"] = rank
    return results


def _timeliness_url(unit: Unit) -> str:
    """Overdue clues of which `unit` is the responsible unit (what the timeliness item counts)."""
    return f"{drill.CLUE_LIST}?unit={unit.pk}&overdue=1"


def _lines(
    user: Any,
    item: AssessmentItem,
    unit: Unit,
    year: Period,
    found: dict,
    clues: dict,
    punctual: dict,
    deductions: list[AssessmentDeduction],
) -> list[dict[str, Any]]:
    weight = item.weight
    if item.formula == FormulaKind.DEDUCTIONS:
        return [
            {"item": item.name, "basis": d.reason, "points": -_q(d.points), "url": ""} for d in deductions
        ]
    if item.formula == FormulaKind.TIMELINESS:
        received, overdue = clues.get("received", 0), clues.get("overdue", 0)
        share = max(Decimal(0), 1 - Decimal(overdue) / Decimal(received)) if received else Decimal(1)
        basis = _("受理%(r)d条，超期未办结%(o)d条") % {"r": received, "o": overdue}
        url = _timeliness_url(unit)
        return [{"item": item.name, "basis": basis, "points": _q(weight * share), "url": url}]
    if item.formula == FormulaKind.PUNCTUALITY:
        expected, on_time = punctual.get("expected", 0), punctual.get("on_time", 0)
        share = Decimal(on_time) / Decimal(expected) if expected else Decimal(1)
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
            }
        ]
    fn = found.get(item.indicator_code)
    result = call(fn, user=user, unit=unit, period=year) if fn else None
    if result is None:
        return [
            {
                "item": item.name,
                "basis": _("暂无数据（%(c)s）") % {"c": item.indicator_code},
                "points": Decimal(0),
                "url": "",
            }
        ]
    value = Decimal(str(result["value"]))
    if item.formula == FormulaKind.RATE:
        points = weight * min(value, Decimal(100)) / 100
        basis = _("%(v)s%%") % {"v": value}
    else:
        points = min(weight, value * item.per_record)
        basis = _("%(v)s件 × %(p)s分") % {"v": value, "p": item.per_record}
    return [{"item": item.name, "basis": basis, "points": _q(points), "url": result.get("url", "")}]
