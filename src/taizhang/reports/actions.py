"""Every state change of reports: open, save, submit, accept, return; legacy figures; notes; deductions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.core import audit
from taizhang.core.errors import ActionError, NotVisible
from taizhang.core.signals import emit_on_commit
from taizhang.core.workflow import bump_version, check_step, check_version
from taizhang.org.actors import Actor
from taizhang.org.models import Unit, User
from taizhang.pure.numbers import parse_number
from taizhang.reports import from_below
from taizhang.reports import permissions as perm
from taizhang.reports.choices import REPORT_STEPS, NoteKind, ReportStatus, ReportStep
from taizhang.reports.figures import computed_results
from taizhang.reports.indicators import batch
from taizhang.reports.models import (
    AssessmentDeduction,
    AssessmentScheme,
    BulletinNote,
    Indicator,
    LegacyFigure,
    LegacyFigureRecord,
    PeriodicReport,
    ReportType,
    ReportValue,
)
from taizhang.reports.periods import Period

AUDITED = ["status", "narrative", "title", "submitted_at", "reviewed_at", "review_comment", "version"]


def _lock(report_id: int, actor: Actor) -> PeriodicReport:
    # Locks the row so a submit and a review (or two saves) of the same report cannot interleave.
    report = (
        PeriodicReport.objects.visible_to(actor)
        .select_for_update()
        .select_related("unit", "report_type")
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        raise NotVisible()
    return report


def _move(report: PeriodicReport, step: str) -> None:
    report.status = check_step(REPORT_STEPS, step, report.status, states=ReportStatus, step_labels=ReportStep)


def _save(
    report: PeriodicReport, action: str, actor: Actor, before: dict, fields: list[str], reason: str = ""
) -> None:
    report.save(update_fields=bump_version(report, fields))
    audit.record(
        action, actor=actor, obj=report, before=before, after=audit.snapshot(report, AUDITED), reason=reason
    )
    emit_on_commit(model="reports.periodicreport", object_id=report.pk, action=action, actor=actor)


def _decimal(value: Any, name: str = "") -> Decimal:
    """A typed figure as people write it (3, 3次, 一次, 1,200, １２), or a refusal naming the field."""
    number = value if isinstance(value, Decimal) else parse_number(str(value))
    if number is None:
        try:
            number = Decimal(str(value))
            if not number.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            raise ActionError(
                "invalid_value",
                _("「%(n)s」：「%(v)s」不是数字，请填写如 3、1,200 或 三。") % {"n": name, "v": value},
                detail={"field": name},
            ) from None
    if number < 0:
        raise ActionError(
            "invalid_value", _("「%(n)s」：数值不能为负数。") % {"n": name}, detail={"field": name}
        )
    return number


def _computed_for(report: PeriodicReport, actor: Actor, codes: list[str]) -> dict[str, dict]:
    """The figures the ledger computes for this report's unit and period (none for a major-event report)."""
    if not report.report_type.is_periodic or report.period_start is None:
        return {}
    period = Period.of(report.report_type.period_kind, report.period_start)
    with batch():
        return computed_results(actor, report.unit, period, codes)


def _write_entered(report: PeriodicReport, values: dict[str, dict], actor: Actor) -> None:
    """Upsert the entered figures; computed indicators cannot be typed over."""
    computed = _computed_for(report, actor, [str(c) for c in values])
    by_code = Indicator.objects.in_bulk([str(c) for c in values], field_name="code")
    for code, item in values.items():
        indicator = by_code.get(code)
        if indicator is None:
            raise ActionError("unknown_indicator", _("未知的统计指标：%(c)s") % {"c": code})
        if code in computed:
            raise ActionError(
                "computed_indicator", _("「%(n)s」由系统计算，不能填报。") % {"n": indicator.name}
            )
        if item.get("value") in (None, ""):
            ReportValue.objects.filter(report=report, indicator=indicator).delete()
            continue
        persons = item.get("persons")
        ReportValue.objects.update_or_create(
            report=report,
            indicator=indicator,
            defaults={
                "value": _decimal(item["value"], indicator.name),
                "persons": int(_decimal(persons, f"{indicator.name}（人数）"))
                if persons not in (None, "")
                else None,
                "is_computed": False,
            },
        )


@transaction.atomic
def do_open_report(
    *, actor: User, report_type: ReportType, unit: Unit, period: Period | None = None, title: str = ""
) -> PeriodicReport:
    """Open the draft of a unit's report for a period (or a new major-event report); returns an existing one."""
    perm.require(perm.can_draft(actor, unit), _("只有本单位联络员或负责人可以起草报送。"))
    if report_type.is_periodic:
        if period is None or period.kind != report_type.period_kind:
            raise ActionError("invalid_period", _("报送期间与报送类型不符。"))
        existing = PeriodicReport.objects.filter(
            report_type=report_type, unit=unit, period_start=period.start
        ).first()
        if existing is not None:
            return existing
        report = PeriodicReport(
            report_type=report_type,
            unit=unit,
            period_start=period.start,
            period_end=period.end,
            title=f"{unit.label}{period.label}{report_type.name}",
            due_at=period.due_at(report_type.due_day, report_type.due_month_offset),
            drafted_by=actor,
        )
    else:
        if not title.strip():
            raise ActionError("title_required", _("重大信息须填写标题。"))
        report = PeriodicReport(
            report_type=report_type, unit=unit, title=title.strip()[:200], drafted_by=actor
        )
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        # Two people opened the same period at once; the other one's draft is the report.
        return PeriodicReport.objects.get(
            report_type=report_type, unit=unit, period_start=report.period_start
        )
    audit.record("report.open", actor=actor, obj=report, after=audit.snapshot(report, AUDITED))
    emit_on_commit(model="reports.periodicreport", object_id=report.pk, action="report.open", actor=actor)
    return report


@transaction.atomic
def do_save_report(
    report_id: int,
    *,
    actor: Actor,
    version: int | None,
    narrative: str,
    values: dict[str, dict] | None = None,
) -> PeriodicReport:
    """Save the draft: narrative and entered figures (refused if someone saved since the form was loaded)."""
    report = _lock(report_id, actor)
    perm.require(perm.can_draft(actor, report.unit))
    check_version(report, version, ["narrative", "status"])
    before = audit.snapshot(report, AUDITED)
    _move(report, ReportStep.SAVE)
    report.narrative = narrative.strip()
    _write_entered(report, values or {}, actor)
    _save(report, "report.save", actor, before, ["narrative"])
    return report


@transaction.atomic
def do_fill_entered_indicators(report_id: int, *, actor: Actor, values: dict[str, dict]) -> PeriodicReport:
    """Fill entered figures of a draft (used by the figures-from-text helper): code → {value, persons}."""
    report = _lock(report_id, actor)
    perm.require(perm.can_draft(actor, report.unit))
    before = audit.snapshot(report, AUDITED)
    _move(report, ReportStep.SAVE)
    _write_entered(report, values, actor)
    _save(report, "report.fill", actor, before, [], reason=_("从文本识别填报数值"))
    return report


def _snapshot_computed(report: PeriodicReport, actor: Actor) -> None:
    """Freeze the computed figures as they stood at submission, so the report reads the same later."""
    wanted = list(report.report_type.indicators.values_list("code", flat=True))
    found = _computed_for(report, actor, wanted)
    indicators = Indicator.objects.in_bulk(list(found), field_name="code")
    for code, result in found.items():
        ReportValue.objects.update_or_create(
            report=report,
            indicator=indicators[code],
            defaults={
                "value": Decimal(str(result["value"])),
                "persons": result.get("persons"),
                "is_computed": True,
                # The clue numbers behind a clue figure, frozen with it (they go up with the report).
                "records": from_below.clue_records(actor, code, result),
            },
        )


@transaction.atomic
def do_submit_report(report_id: int, *, actor: User, version: int | None = None) -> PeriodicReport:
    """The unit leader submits (报送); the computed figures are frozen into the report."""
    report = _lock(report_id, actor)
    perm.require(perm.can_submit(actor, report.unit), _("只有本单位负责人可以报送。"))
    check_version(report, version, ["narrative", "status"])
    before = audit.snapshot(report, AUDITED)
    _move(report, ReportStep.SUBMIT)
    if not report.narrative.strip():
        raise ActionError("narrative_required", _("请先填写工作情况再报送。"))
    _snapshot_computed(report, actor)
    report.submitted_by = actor
    report.submitted_at = timezone.now()
    report.first_submitted_at = report.first_submitted_at or report.submitted_at
    fields = ["status", "submitted_by", "submitted_at", "first_submitted_at"]
    _save(report, "report.submit", actor, before, fields)
    return report


@transaction.atomic
def do_accept_report(
    report_id: int, *, actor: User, comment: str = "", version: int | None = None
) -> PeriodicReport:
    """The office accepts the report (采用)."""
    report = _lock(report_id, actor)
    perm.require(perm.can_review(actor, report.unit), _("只有上级扫黑办可以审核报送。"))
    check_version(report, version, ["status"])
    before = audit.snapshot(report, AUDITED)
    _move(report, ReportStep.ACCEPT)
    report.reviewed_by, report.reviewed_at, report.review_comment = actor, timezone.now(), comment.strip()
    _save(report, "report.accept", actor, before, ["status", "reviewed_by", "reviewed_at", "review_comment"])
    return report


@transaction.atomic
def do_return_report(
    report_id: int, *, actor: User, comment: str, version: int | None = None
) -> PeriodicReport:
    """The office returns the report with comments (退回修改); the unit edits and submits again."""
    report = _lock(report_id, actor)
    perm.require(perm.can_review(actor, report.unit), _("只有上级扫黑办可以审核报送。"))
    if not comment.strip():
        raise ActionError("comment_required", _("退回须填写审核意见。"))
    check_version(report, version, ["status"])
    if report.from_below.exists():
        raise ActionError(
            "from_below",
            _("该报告来自下级台账（数据包报送），不能在本级退回；请通过督办告知下级办公室修改后重新报送。"),
        )
    before = audit.snapshot(report, AUDITED)
    _move(report, ReportStep.RETURN)
    report.reviewed_by, report.reviewed_at, report.review_comment = actor, timezone.now(), comment.strip()
    report.return_count += 1
    fields = ["status", "reviewed_by", "reviewed_at", "review_comment", "return_count"]
    _save(report, "report.return", actor, before, fields, reason=comment.strip())
    return report


@transaction.atomic
def do_record_legacy_figures(
    *,
    actor: User,
    unit: Unit,
    period_start: dt.date,
    period_end: dt.date,
    source: str,
    figures: list[dict],
) -> LegacyFigureRecord:
    """Store typed figures for a unit and period from a legacy report or text ({indicator, value, unit, approx, text})."""
    perm.require(perm.can_record_for(actor, unit), _("您不能为该单位录入历史数据。"))
    if period_end < period_start:
        raise ActionError("invalid_period", _("期末不能早于期初。"))
    if not source.strip():
        raise ActionError("source_required", _("请注明数据来源。"))
    by_code = Indicator.objects.in_bulk([str(f["indicator"]) for f in figures], field_name="code")
    record = LegacyFigureRecord.objects.create(
        unit=unit,
        period_start=period_start,
        period_end=period_end,
        source=source.strip()[:200],
        recorded_by=actor,
    )
    rows = []
    for item in figures:
        indicator = by_code.get(str(item["indicator"]))
        if indicator is None:
            raise ActionError("unknown_indicator", _("未知的统计指标：%(c)s") % {"c": item["indicator"]})
        approx = item.get("approx") or ""
        rows.append(
            LegacyFigure(
                record=record,
                indicator=indicator,
                value=_decimal(item["value"]),
                unit_label=str(item.get("unit") or indicator.unit_label)[:10],
                approx=str(approx if approx is not True else "约")[:10],
                text=str(item.get("text") or "")[:300],
            )
        )
    LegacyFigure.objects.bulk_create(rows)
    audit.record(
        "report.legacy_figures",
        actor=actor,
        obj=record,
        after={"figures": [{"indicator": r.indicator.code, "value": r.value} for r in rows]},
    )
    emit_on_commit(
        model="reports.legacyfigurerecord", object_id=record.pk, action="report.legacy_figures", actor=actor
    )
    return record


@transaction.atomic
def do_add_bulletin_note(
    *, actor: User, office: Unit, unit: Unit, period: Period, kind: str, text: str
) -> BulletinNote:
    """Enter a commendation or criticism of a unit for the bulletin of a period."""
    perm.require(perm.can_manage_office(actor, office) and unit.path.startswith(office.path))
    if kind not in NoteKind.values or not text.strip():
        raise ActionError("invalid_note", _("请选择类别并填写通报内容。"))
    note = BulletinNote.objects.create(
        office=office,
        unit=unit,
        period_start=period.start,
        period_end=period.end,
        kind=kind,
        text=text.strip(),
        created_by=actor,
    )
    audit.record("report.bulletin_note", actor=actor, obj=note, after={"kind": kind, "text": note.text})
    return note


@transaction.atomic
def do_add_assessment_deduction(
    scheme_id: int, *, actor: User, unit: Unit, points: Any, reason: str
) -> AssessmentDeduction:
    """Deduct points from a unit in an assessment scheme, with the reason (shown in the drill-down)."""
    # Locks the scheme so deductions and a concurrent scheme edit are serialised.
    scheme = (
        AssessmentScheme.objects.select_for_update().select_related("office").filter(pk=scheme_id).first()
    )
    if scheme is None or not perm.can_manage_office(actor, scheme.office):
        raise NotVisible()
    perm.require(unit.path.startswith(scheme.office.path))
    if not reason.strip():
        raise ActionError("reason_required", _("扣分须说明理由。"))
    amount = _decimal(points)
    deduction = AssessmentDeduction.objects.create(
        scheme=scheme, unit=unit, points=amount, reason=reason.strip()[:300], created_by=actor
    )
    audit.record("report.deduction", actor=actor, obj=deduction, after={"points": amount}, reason=reason)
    return deduction
