"""Reports and figures up: this office's filed periodic reports (monthly, quarterly...) go to the parent instance
in the next exchange-up package, with every figure as frozen at submission (a clue figure with the clue numbers
it counted); reports that came up from our own children are relayed further up once, unchanged.

On the upper side each record is kept through the reports app's own action (reports.from_below): it counts on
the reports board as the child unit's filed report and its figures join the dashboard and bulletin beside
the upper office's own. Part parts/reports.jsonl, records version 2 (exchange/records.schema.json,
"report").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from taizhang.core.actors import SystemActor
from taizhang.core.errors import ActionError
from taizhang.exchange import keys
from taizhang.exchange.down import intake_office
from taizhang.exchange.models import Partner, SentReport
from taizhang.ferry import package
from taizhang.ferry.models import Cursor
from taizhang.reports.choices import FILED_STATUSES, PeriodKind
from taizhang.reports.from_below import do_file_from_below
from taizhang.reports.models import PeriodicReport, ReportFromBelow, ReportType
from taizhang.reports.periods import Period

# Records version 2 adds this part; the manifest format is unchanged (version 1), a package without the part
# reads as before, and a receiver of records version 1 ignores it (upgrade the upper instance first).
REPORTS = "parts/reports.jsonl"


def relay_cursor(partner: Partner) -> Cursor:
    return Cursor.objects.select_for_update().get_or_create(
        name=f"exchange-relay:{partner.instance_id}"[:60]
    )[0]


def _time(value: dt.datetime | None) -> str:
    return value.isoformat() if value else ""


class Outgoing:
    """The report records for the parent: our own filed reports not sent yet, then the reports from below
    received since the relay cursor. After the package is written, `mark_sent` records both."""

    def __init__(self, parent: Partner, instance_id: str) -> None:
        self.parent, self.instance_id = parent, instance_id
        self.cursor = relay_cursor(parent)
        self.own: list[int] = []
        self.last_relayed = self.cursor.value
        self.count = 0

    def __iter__(self) -> Iterator[dict[str, Any]]:
        yield from self._own()
        yield from self._relayed()

    def _own(self) -> Iterator[dict[str, Any]]:
        try:
            office = intake_office()
        except ActionError:
            return  # no office set up here yet: nothing of our own to send
        sent = SentReport.objects.filter(partner=self.parent).values("report_id")
        own = (
            PeriodicReport.objects.filter(unit=office, status__in=FILED_STATUSES, period_start__isnull=False)
            .exclude(report_type__period_kind=PeriodKind.IMMEDIATE)
            .exclude(pk__in=sent)
            .select_related("report_type")
            .prefetch_related("values__indicator")
            .order_by("id")
        )
        for report in own:
            self.own.append(report.pk)
            self.count += 1
            yield {
                "origin": self.instance_id,
                "office": office.name,
                "via": "",
                "type": report.report_type.code,
                "period_start": str(report.period_start),
                "submitted_at": _time(report.submitted_at),
                "first_submitted_at": _time(report.first_submitted_at),
                "narrative": report.narrative,
                "figures": [
                    {
                        "code": v.indicator.code,
                        "name": v.indicator.name,
                        "unit_label": v.indicator.unit_label,
                        "value": str(v.value),
                        "persons": v.persons,
                        "computed": v.is_computed,
                        "records": v.records or {},
                    }
                    for v in report.values.all()
                ],
            }

    def _relayed(self) -> Iterator[dict[str, Any]]:
        relayed = (
            ReportFromBelow.objects.filter(id__gt=self.cursor.value)
            .exclude(origin=self.instance_id)  # never our own report back (a loop)
            .select_related("report_type")
            .prefetch_related("figures")
            .order_by("id")
        )
        for source in relayed:
            self.last_relayed = source.pk
            self.count += 1
            yield {
                "origin": source.origin,
                "office": source.origin_name,
                "via": source.via,
                "type": source.report_type.code,
                "period_start": str(source.period_start),
                "submitted_at": _time(source.submitted_at),
                "first_submitted_at": "",
                "narrative": source.narrative,
                "figures": [
                    {
                        "code": f.code,
                        "name": f.name,
                        "unit_label": f.unit_label,
                        "value": str(f.value),
                        "persons": f.persons,
                        "computed": f.is_computed,
                        "records": f.records,
                    }
                    for f in source.figures.all()
                ],
            }

    def mark_sent(self, sequence: int, now: dt.datetime) -> None:
        SentReport.objects.bulk_create(
            SentReport(report_id=pk, partner=self.parent, sequence=sequence, sent_at=now) for pk in self.own
        )
        self.cursor.value = self.last_relayed
        self.cursor.save(update_fields=["value"])


def _when(value: Any) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _claimed_elsewhere(origin: str, partner: Partner, me: str) -> bool:
    """A relayed report must come from below that child: not from us, not from another partner of ours, nor
    from an office whose reports reached us through another child."""
    if origin == me or Partner.objects.filter(instance_id=origin).exclude(pk=partner.pk).exists():
        return True
    return ReportFromBelow.objects.filter(origin=origin).exclude(unit=partner.unit).exists()


def _keep(
    row: dict[str, Any], partner: Partner, report_type: ReportType, below: SystemActor, sequence: int
) -> None:
    period = Period.of(report_type.period_kind, dt.date.fromisoformat(str(row["period_start"])))
    direct = row["origin"] == partner.instance_id
    do_file_from_below(
        actor=below,
        unit=partner.unit,
        direct=direct,
        origin=str(row["origin"]),
        origin_name=str(row["office"]),
        via="、".join(v for v in (str(row.get("via", "")), "" if direct else partner.unit.name) if v),
        report_type=report_type,
        period=period,
        narrative=str(row.get("narrative", "")),
        submitted_at=_when(row.get("submitted_at")),
        first_submitted_at=_when(row.get("first_submitted_at")),
        figures=list(row.get("figures", [])),
        sequence=sequence,
    )


def apply(pkg: package.Package, partner: Partner) -> int:
    """Keep every report of the package (all in the caller's transaction); the number kept."""
    below = SystemActor.acting_for(_("下级：%(unit)s") % {"unit": partner.unit.name})
    types = {t.code: t for t in ReportType.objects.all()}
    me = keys.own().instance_id
    kept = 0
    for row in pkg.lines(REPORTS):
        report_type = types.get(str(row["type"]))
        if report_type is None or not report_type.is_periodic:
            raise package.PackageRefused(
                _("数据包中的报告类型“%(type)s”本实例没有，请先在管理后台添加该报送类型。")
                % {"type": row["type"]},
                digest=pkg.digest,
                sequence=pkg.sequence,
            )
        origin = str(row.get("origin", ""))
        if origin != partner.instance_id and _claimed_elsewhere(origin, partner, me):
            raise package.PackageRefused(
                _("数据包中转报的报告来自“%(office)s”，该实例不在“%(unit)s”之下。")
                % {"office": row.get("office", ""), "unit": partner.unit.name},
                digest=pkg.digest,
                sequence=pkg.sequence,
            )
        try:
            _keep(row, partner, report_type, below, pkg.sequence)
        except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
            raise package.PackageRefused(
                _("数据包中“%(office)s”的报告格式不正确，未导入。") % {"office": row.get("office", "")},
                digest=pkg.digest,
                sequence=pkg.sequence,
            ) from exc
        kept += 1
    return kept
