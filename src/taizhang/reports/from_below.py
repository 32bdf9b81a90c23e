"""Reports and figures from lower Taizhang instances (issue #21, "Reports and figures up").

A lower office's filed monthly or quarterly report travels up in an exchange package (taizhang.exchange writes
it through `do_file_from_below`; this app only reads the tables). On arrival:
- it is kept as sent (`ReportFromBelow` with its `FigureFromBelow` rows, each clue figure with the clue
  numbers it counted, frozen at the lower office's submission: `clue_records`);
- a report from the child instance itself also becomes that unit's report on this instance's board (filed,
  awaiting review here); one relayed from further down is kept for the figures only;
- the dashboard and the bulletin put every lower instance's figures beside this office's own (`levels`):
  one row per sending office, this office's own row computed from its ledger, totals computed (a rate from
  the summed numerators and denominators), nothing typed twice.

Who sees them: the rows belong to the child instance's unit in this tree (UnitTreeQuerySet), so the people of
an office above it see them, as they see that unit's reports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlparse

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from taizhang.core import audit
from taizhang.core.actors import SystemActor
from taizhang.core.signals import emit_on_commit
from taizhang.org.models import Unit
from taizhang.reports import measures
from taizhang.reports.choices import ReportStatus
from taizhang.reports.models import (
    FigureFromBelow,
    Indicator,
    PeriodicReport,
    ReportFromBelow,
    ReportType,
    ReportValue,
)
from taizhang.reports.periods import Period

# The figures the levels table shows, in the dashboard cards' order.
LEVEL_CODES = [
    "clues.received",
    "clues.concluded",
    "clues.substantiated",
    "clues.conclusion_rate",
    "clues.overdue",
]


def _numbers(actor: Any, url: str) -> list[str]:
    """The numbers of the clues a figure's ledger link lists (the link is the figure's definition)."""
    from taizhang.clues.models import Clue
    from taizhang.reports import drill

    query = parse_qs(urlparse(url).query)
    params = {k: v if k == "status" else v[0] for k, v in query.items()}
    qs = drill.apply_clue_params(Clue.objects.visible_to(actor), params)
    return sorted(qs.order_by().values_list("number", flat=True))


def clue_records(actor: Any, code: str, result: dict[str, Any]) -> dict[str, Any]:
    """What a computed clue figure was computed from, to freeze beside its value: the clue numbers (a rate:
    its numerator's, with both counts). {} for figures that are not clue counts."""
    measure = measures.MEASURES.get(code)
    if measure is None or not result.get("url"):
        return {}
    if isinstance(measure, measures.RateMeasure):
        top, bottom = result["numerator"], result["denominator"]
        return {
            "numbers": _numbers(actor, top["url"]),
            "numerator": int(top["value"]),
            "denominator": int(bottom["value"]),
        }
    return {"numbers": _numbers(actor, result["url"])}


@transaction.atomic
def do_file_from_below(
    *,
    actor: SystemActor,
    unit: Unit,
    direct: bool,
    origin: str,
    origin_name: str,
    via: str,
    report_type: ReportType,
    period: Period,
    narrative: str,
    submitted_at: dt.datetime | None,
    first_submitted_at: dt.datetime | None,
    figures: list[dict[str, Any]],
    sequence: int,
) -> ReportFromBelow:
    """Keep a report that came up from a lower instance (replacing an earlier copy of the same report) and,
    when it is the child instance's own report, file it as that unit's report here (awaiting review)."""
    ReportFromBelow.objects.filter(origin=origin, report_type=report_type, period_start=period.start).delete()
    report = None
    if direct:
        report = _file_on_board(actor, unit, report_type, period, narrative, submitted_at, first_submitted_at)
    kept = ReportFromBelow.objects.create(
        unit=unit,
        origin=origin,
        origin_name=origin_name[:100],
        via=via[:300],
        report_type=report_type,
        period_start=period.start,
        period_end=period.end,
        narrative=narrative,
        submitted_at=submitted_at,
        report=report,
        sequence=sequence,
    )
    FigureFromBelow.objects.bulk_create(
        FigureFromBelow(
            source=kept,
            code=str(f["code"])[:60],
            name=str(f.get("name", ""))[:100],
            unit_label=str(f.get("unit_label", ""))[:10],
            value=Decimal(str(f["value"])),
            persons=f.get("persons"),
            is_computed=bool(f.get("computed")),
            records=f.get("records") or {},
        )
        for f in figures
    )
    if report is not None:
        indicators = Indicator.objects.in_bulk([str(f["code"]) for f in figures], field_name="code")
        for f in figures:
            if (indicator := indicators.get(str(f["code"]))) is not None:
                ReportValue.objects.update_or_create(
                    report=report,
                    indicator=indicator,
                    defaults={
                        "value": Decimal(str(f["value"])),
                        "persons": f.get("persons"),
                        "is_computed": bool(f.get("computed")),
                        "records": f.get("records") or {},
                    },
                )
    after = {"origin": origin_name, "via": via, "period": period.key, "sequence": sequence}
    for obj in (kept, report) if report is not None else (kept,):
        audit.record("report.from_below", actor=actor, obj=obj, after=after)
    return kept


def _file_on_board(
    actor: SystemActor,
    unit: Unit,
    report_type: ReportType,
    period: Period,
    narrative: str,
    submitted_at: dt.datetime | None,
    first_submitted_at: dt.datetime | None,
) -> PeriodicReport:
    report, created = PeriodicReport.objects.get_or_create(
        report_type=report_type,
        unit=unit,
        period_start=period.start,
        defaults={
            "period_end": period.end,
            "title": f"{unit.label}{period.label}{report_type.name}",
            "due_at": period.due_at(report_type.due_day, report_type.due_month_offset),
        },
    )
    report.narrative = narrative
    report.submitted_at = submitted_at
    report.first_submitted_at = report.first_submitted_at or first_submitted_at or submitted_at
    if report.status != ReportStatus.ACCEPTED:
        report.status = ReportStatus.SUBMITTED
    report.save()
    emit_on_commit(
        model="reports.periodicreport",
        object_id=report.pk,
        action="report.submit" if created else "report.from_below",
        actor=actor,
    )
    return report


def _row(name: str, via: str, figures: dict[str, dict[str, Any]], url: str = "") -> dict[str, Any]:
    return {"name": name, "via": via, "url": url, "figures": [figures.get(c) for c in LEVEL_CODES]}


def _figure(value: Any, url: str = "", numerator: int = 0, denominator: int = 0) -> dict[str, Any]:
    return {"value": float(value), "url": url, "numerator": numerator, "denominator": denominator}


def levels(
    user: Any, office: Unit, period: Period, own_cards: Callable[[], list[dict[str, Any]]]
) -> dict[str, Any]:
    """The levels table: this office's own figures (`own_cards()`: the dashboard cards, asked for only when
    something came from below), one row per lower office that sent a report of exactly this period (a
    monthly dashboard: monthly reports; a quarter: quarterly reports), and the totals."""
    sent = list(
        ReportFromBelow.objects.visible_to(user)
        .filter(
            unit__path__startswith=office.path,
            report_type__period_kind=period.kind,
            period_start=period.start,
        )
        .prefetch_related("figures")
    )
    if not sent:
        return {"codes": [], "rows": [], "total": None}
    names = dict(Indicator.objects.filter(code__in=LEVEL_CODES).values_list("code", "name"))
    own = {}
    for card in own_cards():
        if card["code"] in LEVEL_CODES:
            own[card["code"]] = _figure(
                card["value"],
                card["url"],
                card.get("numerator", {}).get("value", 0),
                card.get("denominator", {}).get("value", 0),
            )
    rows = [_row(_("本级"), "", own)]
    for source in sent:
        url = reverse("reports:from_below", args=[source.pk])
        found = {}
        for f in source.figures.all():
            if f.code in LEVEL_CODES:
                found[f.code] = _figure(
                    f.value,
                    f"{url}#{f.code}",
                    int(f.records.get("numerator", 0)),
                    int(f.records.get("denominator", 0)),
                )
        rows.append(_row(source.origin_name, source.via, found, url))
    return {
        "codes": [{"code": c, "name": names.get(c, c)} for c in LEVEL_CODES],
        "rows": rows,
        "total": _row(_("合计"), "", _totals(rows)),
    }


def _totals(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Counts summed over the rows; a rate from the summed numerators and denominators."""
    out: dict[str, dict[str, Any]] = {}
    for i, code in enumerate(LEVEL_CODES):
        cells = [r["figures"][i] for r in rows if r["figures"][i] is not None]
        if isinstance(measures.MEASURES[code], measures.RateMeasure):
            top = sum(c["numerator"] for c in cells)
            bottom = sum(c["denominator"] for c in cells)
            out[code] = _figure(measures.percent(top, bottom), "", top, bottom)
        else:
            out[code] = _figure(sum(Decimal(str(c["value"])) for c in cells))
    return out
