"""Spreadsheets: the monthly summary sheet of every unit's figures, and the assessment scores."""

from __future__ import annotations

import io
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _

from taizhang.core.xlsx import Book
from taizhang.org.models import Unit
from taizhang.reports import board, dashboard
from taizhang.reports.choices import FILED_STATUSES
from taizhang.reports.models import Indicator, PeriodicReport, ReportValue
from taizhang.reports.periods import Period


def summary_xlsx(user: Any, office: Unit, period: Period) -> bytes:
    """One row per unit: clue figures (computed) and the entered figures of its filed reports for the period."""
    units = board.expected_units(user, office)
    clue_rows = dashboard.own_figures(user, units, period)
    entered = list(Indicator.objects.filter(kind="entered", is_active=True))
    values: dict[tuple[int, int], Any] = {
        (row["report__unit_id"], row["indicator_id"]): row["value"]
        for row in ReportValue.objects.filter(
            report__in=PeriodicReport.objects.visible_to(user).filter(
                status__in=FILED_STATUSES,
                unit__path__startswith=office.path,
                period_start__gte=period.start,
                period_end__lte=period.end,
            ),
            is_computed=False,
        )
        .values("report__unit_id", "indicator_id")
        .annotate(value=Sum("value"))
        .order_by()
    }
    out = io.BytesIO()
    book = Book(out)
    ws = book.sheet(_("汇总表"), widths=[36])
    ws.row([_("%(p)s各单位扫黑除恶工作数据汇总表") % {"p": period.label}], style="title")
    header = [_("单位"), _("受理线索"), _("其中已查结"), _("查结率(%)"), _("超期未办结")] + [
        i.name for i in entered
    ]
    ws.row(header, style="bold")
    for unit in units:
        c = clue_rows.get(unit.pk, {})
        ws.row(
            [
                unit.name,
                c.get("received", 0),
                c.get("received_concluded", 0),
                c["rate"] if c.get("rate") is not None else "—",
                c.get("overdue", 0),
            ]
            + [float(values.get((unit.pk, i.pk), 0)) for i in entered]
        )
    book.close()
    return out.getvalue()


def assessment_xlsx(scheme_name: str, results: list[dict[str, Any]]) -> bytes:
    """Ranking on the first sheet, every point gained or lost on the second."""
    out = io.BytesIO()
    book = Book(out)
    ws = book.sheet(_("排名"))
    ws.row([scheme_name])
    ws.row([_("名次"), _("单位"), _("总分")])
    for row in results:
        ws.row([row["rank"] or _("不参与排名"), row["unit"].name, float(row["total"])])
    detail = book.sheet(_("得分明细"))
    detail.row([_("单位"), _("考评项目"), _("依据"), _("得分")])
    for row in results:
        for line in row["lines"]:
            detail.row([row["unit"].name, line["item"], line["basis"], float(line["points"])])
    book.close()
    return out.getvalue()
