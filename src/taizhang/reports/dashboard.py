"""The leaders' dashboard data (领导驾驶舱): clue counts from the tally (or GROUP BY queries over visible
clues), plus series from other apps (organisations by type, case stage funnel, rectification progress).
Every element carries the URL of the records behind it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from taizhang.clues.choices import Category, Channel, ClueStatus
from taizhang.org.models import Unit
from taizhang.rectification import filters as letter_filters
from taizhang.rectification.choices import LetterBucket
from taizhang.rectification.models import Letter
from taizhang.reports import drill, from_below, measures
from taizhang.reports.figures import call, call_for_units, providers
from taizhang.reports.grouping import ClueCounts, counts_for, twelve_months
from taizhang.reports.indicators import batch
from taizhang.reports.periods import Period

ORG_CODES = ["orgs.mafia", "orgs.criminal_group", "orgs.gang", "orgs.village_bully"]
CARD_CODES = [
    "clues.received",
    "clues.concluded",
    "clues.substantiated",
    "clues.conclusion_rate",
    "clues.overdue",
]
FUNNEL_CODES = [
    "police.cases_solved",
    "procuratorate.arrests",
    "procuratorate.prosecutions",
    "court.first_instance_judged",
    "court.effective_judgments",
]
SCREENING_CODES = ["drives.run", "drives.units_covered", "drives.clues_found"]


def _labelled(counts: dict[Any, int], labels: dict[Any, Any], url: Any) -> list[dict[str, Any]]:
    out = []
    for code, n in counts.items():
        name = labels.get(code) if code not in (None, "") else None
        out.append(
            {"name": str(name or _("未分类")), "value": n, "url": url(code) if code not in (None, "") else ""}
        )
    return sorted(out, key=lambda item: -item["value"])


def clue_series(user: Any, unit: Unit, period: Period) -> dict[str, Any]:
    """Totals and clue charts: from the tally, or one pass over the clue table (grouping.counts_for)."""
    from taizhang.org.models import Sector

    counts = counts_for(user, unit, period)
    totals = counts.totals
    rp = drill.received(period.start, period.end)
    base = drill.unit_params(unit)
    cards = []
    for code in CARD_CODES:
        measure = measures.MEASURES[code]
        card = {
            "key": code.removeprefix("clues."),
            "code": code,
            "name": str(measure.name),
            "unit": str(measure.unit_label),
            "rule": str(measure.rule),
            **measures.figure(code, totals, period.start, period.end, base),
        }
        if "numerator" in card:
            # The rate's own numerator and denominator, printed under it ("其中已查结 3 / 受理 151").
            card["detail"] = _("%(n)s %(a)d / %(d)s %(b)d") % {
                "n": measures.MEASURES[measure.numerator].name,  # type: ignore[union-attr]
                "a": card["numerator"]["value"],
                "d": measures.MEASURES[measure.denominator].name,  # type: ignore[union-attr]
                "b": card["denominator"]["value"],
            }
        cards.append(card)
    sectors = dict(
        Sector.objects.filter(pk__in=[k for k in counts.by["sector_id"] if k]).values_list("id", "name")
    )
    months = twelve_months(period)
    unit_names = dict(Unit.objects.filter(pk__in=list(counts.units)).values_list("id", "name"))
    return {
        "cards": cards,
        "by_channel": _labelled(
            counts.by["channel"], dict(Channel.choices), lambda c: drill.clue_url(unit, channel=c, **rp)
        ),
        "by_category": _labelled(
            counts.by["category"], dict(Category.choices), lambda c: drill.clue_url(unit, category=c, **rp)
        ),
        "by_status": _labelled(
            counts.by["status"], dict(ClueStatus.choices), lambda c: drill.clue_url(unit, status=c, **rp)
        ),
        "by_sector": _labelled(
            counts.by["sector_id"], sectors, lambda s: drill.clue_url(unit, sector=s, **rp)
        ),
        "monthly": {
            "months": [m.key for m in months],
            "received": [
                {
                    "value": counts.months_received.get(m.key, 0),
                    "url": drill.clue_url(unit, **drill.received(m.start, m.end)),
                }
                for m in months
            ],
            "concluded": [
                {
                    "value": counts.months_concluded.get(m.key, 0),
                    "url": drill.clue_url(unit, **drill.concluded(m.start, m.end)),
                }
                for m in months
            ],
        },
        "units": _by_unit(counts, unit_names, unit, period),
    }


def own_figures(user: Any, units: list[Unit], period: Period) -> dict[int, dict[str, Any]]:
    """Each unit's clue figures by the catalogue's unit rule (reports.drill.unit_q: an office's whole subtree,
    a member unit's own clues): what its assessment score was computed from and its own dashboard shows, with
    their ledger links."""
    found = providers()
    with batch():  # both figures from one count per unit (joins the caller's batch)
        rates = call_for_units(found["clues.conclusion_rate"], user=user, units=units, period=period)
        late = call_for_units(found["clues.overdue"], user=user, units=units, period=period)
    rows = {}
    for unit in units:
        rate, overdue = rates.get(unit.pk), late.get(unit.pk)
        if rate is None or overdue is None:
            continue
        received = rate["denominator"]["value"]
        rows[unit.pk] = {
            "unit_id": unit.pk,
            "received": received,
            "received_url": rate["denominator"]["url"],
            "received_concluded": rate["numerator"]["value"],
            "received_concluded_url": rate["numerator"]["url"],
            "rate": rate["value"] if received else None,
            "rate_url": rate["url"] if received else "",
            "overdue": overdue["value"],
            "overdue_url": overdue["url"],
        }
    return rows


def _by_unit(counts: ClueCounts, names: dict[int, str], unit: Unit, period: Period) -> list[dict[str, Any]]:
    """Conclusion rate and overdue clues per responsible unit of `unit`'s clues (a breakdown of its figures,
    where a district office's row holds the clues it is responsible for itself; a row per unit with the unit's
    own figures is own_figures), best first (a unit without clues received in the period has no rate: it is
    listed after the units that have one)."""
    rows = []
    for uid, c in counts.units.items():
        base = {**drill.unit_params(unit), "unit": uid}
        rate = measures.figure("clues.conclusion_rate", c, period.start, period.end, base)
        overdue = measures.figure("clues.overdue", c, period.start, period.end, base)
        rows.append(
            {
                "unit_id": uid,
                "name": names.get(uid, ""),
                "received": c["received"],
                "received_url": rate["denominator"]["url"],
                "received_concluded": c["received_concluded"],
                "received_concluded_url": rate["numerator"]["url"],
                "rate": rate["value"] if c["received"] else None,
                "rate_url": rate["url"] if c["received"] else "",
                "overdue": c["overdue"],
                "overdue_url": overdue["url"],
            }
        )
    return sorted(rows, key=lambda r: (r["rate"] is None, -(r["rate"] or 0), r["overdue"], r["name"]))


def optional_series(user: Any, unit: Unit, period: Period) -> dict[str, Any]:
    """Series from other apps' indicators; each is omitted when no app computes it yet."""
    from taizhang.reports import case_series
    from taizhang.reports.models import Indicator

    found = providers()
    out: dict[str, Any] = {}
    batched = case_series.figures(user, unit, period, case_series.batched_codes(found))
    names = dict(Indicator.objects.values_list("code", "name"))

    def collect(codes: list[str]) -> list[dict[str, Any]]:
        items = []
        for code in codes:
            if code not in found:
                continue
            result = (
                batched[code] if code in batched else call(found[code], user=user, unit=unit, period=period)
            )
            if result is not None:
                items.append({"code": code, "name": names.get(code, code), **result})
        return items

    if orgs := collect(ORG_CODES):
        out["orgs_by_type"] = orgs
    if funnel := collect(FUNNEL_CODES):
        out["case_funnel"] = funnel
    if rect := rectification_series(user, unit, period):
        out["rectification"] = rect
    if screening := collect(SCREENING_CODES):
        out["screening"] = screening
    if satisfaction := satisfaction_series(user, unit):
        out["satisfaction"] = satisfaction
    if security := security_series(user, unit, period):
        out["security"] = security
    return out


def security_series(user: Any, unit: Unit, period: Period) -> list[dict[str, Any]]:
    """群众安全感满意度 by district (the surveys of the period the person may see), each bar opening the survey."""
    from django.urls import reverse

    from taizhang.publicity import indicators

    start, end = period.bounds()
    counts = indicators.security_counts(user, unit, start, end)
    latest = indicators.surveys_in(user, start, end).order_by("-period_end", "-id").first()
    if not counts or latest is None:
        return []
    url = reverse("publicity:survey", args=[latest.pk])
    names = dict(Unit.objects.filter(pk__in=counts).values_list("pk", "name"))
    return [
        {"name": names.get(pk, ""), "value": indicators.share(n, ok), "url": url}
        for pk, (n, ok) in sorted(counts.items(), key=lambda item: names.get(item[0], ""))
    ]


def satisfaction_series(user: Any, unit: Unit) -> list[dict[str, Any]]:
    """回访满意率 by handling unit (call-backs the person may see in the unit's tree), each bar opening the tasks."""
    from django.db.models import Q
    from django.urls import reverse

    from taizhang.reviews import results
    from taizhang.reviews.models import CallbackTask

    qs = CallbackTask.objects.visible_to(user).filter(
        Q(office__path__startswith=unit.path) | Q(handling_unit__path__startswith=unit.path)
    )
    url = reverse("reviews:callbacks")
    return [
        {"name": row["unit"], "value": row["rate"], "url": f"{url}?unit={row['handling_unit_id'] or 0}"}
        for row in results.satisfaction(user, qs)["by_unit"]
        if row["rate"] is not None
    ]


def rectification_series(user: Any, unit: Unit, period: Period) -> dict[str, Any] | None:
    """整改进度: 三书一函 letters issued in the period by units of the subtree, per issuer — issued, and of those
    replied, rectified and overdue now — each bar linking to the letter list filtered by issuer, issue dates and
    column (the letter list's own filters, so the list holds exactly the letters counted). None when there
    are none."""
    dates = {"issued_from": period.start.isoformat(), "issued_to": period.end.isoformat()}
    letters = letter_filters.apply(Letter.objects.visible_to(user), dates)
    rows = letter_filters.board(letters.filter(issuer_unit__path__startswith=unit.path), "issuer", **dates)
    if not rows:
        return None
    return {
        "buckets": [{"key": key, "name": str(name)} for key, name in LetterBucket.choices],
        "units": [
            {
                "unit_id": row["unit_id"],
                "name": row["unit"],
                "cells": [
                    {"bucket": c["bucket"], "value": c["count"], "url": c["url"]} for c in row["cells"]
                ],
            }
            for row in rows
        ],
    }


def dashboard_data(user: Any, unit: Unit, period: Period) -> dict[str, Any]:
    """Everything the dashboard draws, for one unit subtree and period."""
    data = clue_series(user, unit, period)
    data.update(optional_series(user, unit, period))
    data["levels"] = from_below.levels(user, unit, period, lambda: data["cards"])
    data["unit"] = {"id": unit.pk, "name": unit.name}
    data["period"] = {
        "kind": period.kind,
        "key": period.key,
        "label": period.label,
        "start": drill.day(period.start),
        "end": drill.day(period.end),
    }
    return data
