"""The leaders' dashboard data (领导驾驶舱): GROUP BY queries over visible clues, plus optional series from
other apps' indicators (organisations by type, case stage funnel, rectification). Every element carries the
URL of the records behind it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.clues.choices import OPEN_STATUSES, Category, Channel, ClueStatus, FindingResult
from taizhang.clues.models import Clue
from taizhang.org.models import Unit
from taizhang.reports import drill
from taizhang.reports.figures import providers
from taizhang.reports.indicators import rate
from taizhang.reports.periods import LOCAL, Period

ORG_CODES = ["orgs.mafia", "orgs.criminal_group", "orgs.gang", "orgs.village_bully"]
FUNNEL_CODES = [
    "police.cases_solved",
    "procuratorate.arrests",
    "procuratorate.prosecutions",
    "court.first_instance_judged",
    "court.effective_judgments",
]


def _labelled(rows: Any, key: str, labels: dict[str, str], url: Any) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        code = row[key]
        out.append(
            {
                "name": labels.get(code, _("未分类")) if code else _("未分类"),
                "value": row["n"],
                "url": url(code) if code else "",
            }
        )
    return sorted(out, key=lambda item: -item["value"])


def clue_series(user: Any, unit: Unit, period: Period) -> dict[str, Any]:
    """Totals and clue charts; about nine queries whatever the number of clues or units."""
    lo, hi = period.bounds()
    now = timezone.now()
    base = Clue.objects.visible_to(user).filter(drill.unit_q(unit))
    got = base.filter(received_at__gte=lo, received_at__lt=hi)
    rp = drill.received(period.start, period.end)
    cp = drill.concluded(period.start, period.end)
    done = Q(concluded_at__gte=lo, concluded_at__lt=hi)
    totals = base.aggregate(
        received=Count("id", filter=Q(received_at__gte=lo, received_at__lt=hi)),
        concluded=Count("id", filter=done),
        substantiated=Count("id", filter=done & Q(finding_result=FindingResult.SUBSTANTIATED)),
        received_concluded=Count(
            "id", filter=Q(received_at__gte=lo, received_at__lt=hi, concluded_at__lt=hi)
        ),
        overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, deadline_at__lt=now)),
    )
    cards = [
        {
            "key": "received",
            "name": _("受理线索"),
            "value": totals["received"],
            "unit": _("条"),
            "url": drill.clue_url(unit, **rp),
        },
        {
            "key": "concluded",
            "name": _("查结线索"),
            "value": totals["concluded"],
            "unit": _("条"),
            "url": drill.clue_url(unit, **cp),
        },
        {
            "key": "substantiated",
            "name": _("查实线索"),
            "value": totals["substantiated"],
            "unit": _("条"),
            "url": drill.clue_url(unit, finding=FindingResult.SUBSTANTIATED, **cp),
        },
        {
            "key": "conclusion_rate",
            "name": _("查结率"),
            "value": rate(totals["received_concluded"], totals["received"]),
            "unit": "%",
            "url": drill.clue_url(unit, **rp, concluded_to=drill.day(period.end)),
        },
        {
            "key": "overdue",
            "name": _("超期未办结"),
            "value": totals["overdue"],
            "unit": _("条"),
            "url": drill.clue_url(unit, overdue=1),
        },
    ]
    channels = dict(Channel.choices)
    categories = dict(Category.choices)
    statuses = dict(ClueStatus.choices)
    by_channel = _labelled(
        got.values("channel").annotate(n=Count("id")).order_by(),
        "channel",
        channels,
        lambda c: drill.clue_url(unit, channel=c, **rp),
    )
    by_category = _labelled(
        got.values("category").annotate(n=Count("id")).order_by(),
        "category",
        categories,
        lambda c: drill.clue_url(unit, category=c, **rp),
    )
    by_status = _labelled(
        got.values("status").annotate(n=Count("id")).order_by(),
        "status",
        statuses,
        lambda c: drill.clue_url(unit, status=c, **rp),
    )
    sector_rows = list(got.values("sector_id", "sector__name").annotate(n=Count("id")).order_by())
    sector_names = {r["sector_id"]: r["sector__name"] for r in sector_rows}
    by_sector = _labelled(
        sector_rows, "sector_id", sector_names, lambda s: drill.clue_url(unit, sector=s, **rp)
    )
    return {
        "cards": cards,
        "by_channel": by_channel,
        "by_category": by_category,
        "by_status": by_status,
        "by_sector": by_sector,
        "monthly": _monthly(base, unit, period),
        "units": _by_unit(base, got, unit, period, hi, now),
    }


def _monthly(base: Any, unit: Unit, period: Period) -> dict[str, Any]:
    """Received and concluded in each of the 12 months ending with the period's last month."""
    last = Period.of("month", period.end)
    months = [last]
    for _i in range(11):
        months.insert(0, months[0].previous())
    lo, hi = months[0].bounds()[0], last.bounds()[1]

    def counts(field: str) -> dict[str, int]:
        rows = (
            base.filter(**{f"{field}__gte": lo, f"{field}__lt": hi})
            .annotate(month=TruncMonth(field, tzinfo=LOCAL))
            .values("month")
            .annotate(n=Count("id"))
            .order_by()
        )
        out: dict[str, int] = {}
        for row in rows:
            month = row["month"]
            if isinstance(month, dt.datetime):
                month = timezone.localtime(month, LOCAL) if timezone.is_aware(month) else month
            out[f"{month:%Y-%m}"] = row["n"]
        return out

    got, done = counts("received_at"), counts("concluded_at")
    return {
        "months": [m.key for m in months],
        "received": [
            {"value": got.get(m.key, 0), "url": drill.clue_url(unit, **drill.received(m.start, m.end))}
            for m in months
        ],
        "concluded": [
            {"value": done.get(m.key, 0), "url": drill.clue_url(unit, **drill.concluded(m.start, m.end))}
            for m in months
        ],
    }


def _by_unit(
    base: Any, got: Any, unit: Unit, period: Period, hi: dt.datetime, now: dt.datetime
) -> list[dict]:
    """Conclusion rate and overdue clues per responsible unit (two GROUP BY queries)."""
    rp = drill.received(period.start, period.end)
    rows = (
        got.exclude(responsible_unit=None)
        .values("responsible_unit_id", "responsible_unit__name")
        .annotate(received=Count("id"), concluded=Count("id", filter=Q(concluded_at__lt=hi)))
        .order_by()
    )
    late = (
        base.filter(status__in=OPEN_STATUSES, deadline_at__lt=now)
        .exclude(responsible_unit=None)
        .values("responsible_unit_id", "responsible_unit__name")
        .annotate(n=Count("id"))
        .order_by()
    )
    table: dict[int, dict[str, Any]] = {}
    for row in rows:
        uid = row["responsible_unit_id"]
        table[uid] = {
            "unit_id": uid,
            "name": row["responsible_unit__name"],
            "received": row["received"],
            "concluded": row["concluded"],
            "rate": rate(row["concluded"], row["received"]),
            "rate_url": drill.clue_url(unit, **{**rp, "unit": uid, "concluded_to": drill.day(period.end)}),
            "received_url": drill.clue_url(unit, **{**rp, "unit": uid}),
            "overdue": 0,
            "overdue_url": drill.clue_url(unit, unit=uid, overdue=1),
        }
    for row in late:
        uid = row["responsible_unit_id"]
        entry = table.setdefault(
            uid,
            {
                "unit_id": uid,
                "name": row["responsible_unit__name"],
                "received": 0,
                "concluded": 0,
                "rate": 0.0,
                "rate_url": "",
                "received_url": "",
                "overdue_url": drill.clue_url(unit, unit=uid, overdue=1),
            },
        )
        entry["overdue"] = row["n"]
    return sorted(table.values(), key=lambda r: (-r["rate"], r["overdue"], r["name"]))


def optional_series(user: Any, unit: Unit, period: Period) -> dict[str, Any]:
    """Series from other apps' indicators; each is omitted when no app computes it yet."""
    found = providers()
    out: dict[str, Any] = {}

    def collect(codes: list[str]) -> list[dict[str, Any]]:
        from taizhang.reports.models import Indicator

        names = dict(Indicator.objects.filter(code__in=codes).values_list("code", "name"))
        items = []
        for code in codes:
            if code not in found:
                continue
            result = found[code](user=user, unit=unit, start=period.start, end=period.end)
            if result is not None:
                items.append({"code": code, "name": names.get(code, code), **result})
        return items

    if orgs := collect(ORG_CODES):
        out["orgs_by_type"] = orgs
    if funnel := collect(FUNNEL_CODES):
        out["case_funnel"] = funnel
    if rect := collect(sorted(code for code in found if code.startswith("rectification."))):
        out["rectification"] = rect
    return out


def dashboard_data(user: Any, unit: Unit, period: Period) -> dict[str, Any]:
    """Everything the dashboard draws, for one unit subtree and period."""
    data = clue_series(user, unit, period)
    data.update(optional_series(user, unit, period))
    data["unit"] = {"id": unit.pk, "name": unit.name}
    data["period"] = {
        "kind": period.kind,
        "key": period.key,
        "label": period.label,
        "start": drill.day(period.start),
        "end": drill.day(period.end),
    }
    return data
