"""Figures for a unit subtree and a period: computed ones from every app's indicators.py, entered ones summed
up the unit tree from filed reports and legacy records, with 同比 and 环比 changes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

from django.db.models import Sum

from taizhang.core import discovery
from taizhang.org.models import Unit
from taizhang.reports.choices import FILED_STATUSES, PeriodKind
from taizhang.reports.models import Indicator, LegacyFigure, ReportValue
from taizhang.reports.periods import Period, change

Provider = Callable[..., dict[str, Any] | None]


@runtime_checkable
class IndicatorsHook(Protocol):
    """`<app>/indicators.py`: the indicator codes the app computes, each with its function (see `call`)."""

    INDICATORS: Mapping[str, Provider]


def providers() -> dict[str, Provider]:
    """Every computed indicator function, by code, from `<app>/indicators.py` of every installed app."""
    found: dict[str, Provider] = {}
    for module in discovery.hooks("indicators", IndicatorsHook):
        found.update(module.INDICATORS)
    return found


def call(fn: Provider, *, user: Any, unit: Unit, period: Period) -> dict[str, Any] | None:
    """Call an indicator function with the period as aware datetimes [start, end) (local midnights)."""
    start, end = period.bounds()
    return fn(user=user, unit=unit, start=start, end=end)


def call_for_units(
    fn: Provider, *, user: Any, units: list[Unit], period: Period
) -> dict[int, dict[str, Any] | None]:
    """One indicator for many units (a ranking): the provider's own `for_units(user=, units=, start=, end=)`
    when it has one (a grouped query answering exactly what `call` answers per unit), else `call` per unit."""
    many = getattr(fn, "for_units", None)
    if many is None:
        return {unit.pk: call(fn, user=user, unit=unit, period=period) for unit in units}
    start, end = period.bounds()
    return dict(many(user=user, units=units, start=start, end=end))


def compute(code: str, *, user: Any, unit: Unit, period: Period) -> dict[str, Any] | None:
    """One computed figure, or None when no app computes it."""
    fn = providers().get(code)
    if fn is None:
        return None
    return call(fn, user=user, unit=unit, period=period)


def entered_totals(unit: Unit, period: Period, codes: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Entered figures summed over the unit's subtree: filed monthly reports inside the period, plus legacy
    records inside the period (legacy records stand for months without reports)."""
    codes = list(codes)
    totals: dict[str, dict[str, Any]] = {c: {"value": Decimal(0), "persons": None} for c in codes}
    rows = (
        ReportValue.objects.filter(
            indicator__code__in=codes,
            is_computed=False,
            report__status__in=FILED_STATUSES,
            report__report_type__period_kind=PeriodKind.MONTH,
            report__unit__path__startswith=unit.path,
            report__period_start__gte=period.start,
            report__period_end__lte=period.end,
        )
        .values("indicator__code")
        .annotate(value=Sum("value"), persons=Sum("persons"))
    )
    legacy = (
        LegacyFigure.objects.filter(
            indicator__code__in=codes,
            record__unit__path__startswith=unit.path,
            record__period_start__gte=period.start,
            record__period_end__lte=period.end,
        )
        .values("indicator__code")
        .annotate(value=Sum("value"))
    )
    for row in [*rows, *legacy]:
        slot = totals[row["indicator__code"]]
        slot["value"] += row["value"] or 0
        if row.get("persons") is not None:
            slot["persons"] = (slot["persons"] or 0) + row["persons"]
    return totals


def computed_results(
    user: Any, unit: Unit, period: Period, codes: Iterable[str]
) -> dict[str, dict[str, Any]]:
    """The computed figures among `codes`; an app answering None leaves that indicator to be entered."""
    found = providers()
    results = {}
    for code in codes:
        fn = found.get(code)
        result = call(fn, user=user, unit=unit, period=period) if fn else None
        if result is not None:
            results[code] = result
    return results


def figures_for(
    user: Any, unit: Unit, period: Period, indicators: Iterable[Indicator]
) -> list[dict[str, Any]]:
    """Rows of (indicator, value, persons, url, computed?) for one unit subtree and period."""
    indicators = list(indicators)
    computed = computed_results(user, unit, period, [i.code for i in indicators])
    entered = entered_totals(unit, period, [i.code for i in indicators if i.code not in computed])
    rows = []
    for indicator in indicators:
        if indicator.code in computed:
            rows.append({"indicator": indicator, "computed": True, **computed[indicator.code]})
        else:
            rows.append({"indicator": indicator, "computed": False, "url": "", **entered[indicator.code]})
    return rows


def figures_with_changes(
    user: Any, unit: Unit, period: Period, indicators: Iterable[Indicator]
) -> list[dict[str, Any]]:
    """figures_for with the same period last year (同比) and the period before (环比)."""
    from taizhang.reports.indicators import prefetch

    indicators = list(indicators)
    neighbours = [period, period.previous(), period.year_before()]
    prefetch(user, unit, [(p.start, p.end) for p in neighbours])
    now = figures_for(user, unit, period, indicators)
    before = {r["indicator"].code: r for r in figures_for(user, unit, period.previous(), indicators)}
    last_year = {r["indicator"].code: r for r in figures_for(user, unit, period.year_before(), indicators)}
    for row in now:
        code = row["indicator"].code
        value = float(row["value"])
        prev = before.get(code)
        ly = last_year.get(code)
        row["previous"] = prev["value"] if prev else None
        row["last_year"] = ly["value"] if ly else None
        # A rate whose denominator was 0 (no clues received) had no value then: no change to print.
        for key, other in (("previous", prev), ("last_year", ly)):
            if other and "denominator" in other and not other["denominator"]["value"]:
                row[key] = None
                row["pop" if key == "previous" else "yoy"] = None
        row["pop"] = change(value, float(prev["value"])) if prev else None
        row["yoy"] = change(value, float(ly["value"])) if ly else None
    return now
