"""After the arrest: 一案三查 (the three checks of a case, with accountability) and the seized-assets ledger.

Every change is an action here: one transaction, the case row locked, the transition map checked, the audit
entry written against the case so its 办理记录 shows it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.cases import permissions as perm
from taizhang.cases.actions import _lock
from taizhang.cases.checks import ensure_checks
from taizhang.cases.choices import (
    ASSET_TRANSITIONS,
    CHECK_TRANSITIONS,
    CONCLUDABLE_STAGES,
    DISPOSAL_MONTHS,
    SCREENED,
    AssetKind,
    AssetMeasure,
    AssetStatus,
    CaseStage,
    CheckKind,
    CheckStatus,
    Disposal,
    Measure,
)
from taizhang.cases.models import Accountability, AssetDisposal, AssetItem, Case, CaseCheck
from taizhang.core import audit
from taizhang.core.errors import ActionError, NotVisible
from taizhang.core.workflow import check_transition, check_version
from taizhang.org.actors import Actor
from taizhang.org.models import Unit
from taizhang.pure.money import parse_yuan
from taizhang.supervision.actions.meetings import settle, supervise
from taizhang.supervision.models import Task

CHECK_FIELDS = ["kind", "unit", "status", "failures_found", "finding", "concluded_at", "version"]
ASSET_FIELDS = [
    "kind",
    "description",
    "value",
    "measure",
    "custodian",
    "measured_on",
    "status",
    "disposal",
    "responsible",
    "dispose_by",
    "disposed_amount",
    "version",
]


def _record(action: str, actor: Actor, case: Case, before: dict, after: dict, reason: str = "") -> None:
    audit.record(action, actor=actor, obj=case, before=before, after=after, reason=reason)


@transaction.atomic
def do_set_check_unit(case_id: int, *, actor: Actor, kind: str, unit: Unit | None) -> CaseCheck:
    """Name the unit responsible for one of the case's checks."""
    case = _lock(case_id, actor)
    perm.require(perm.can_manage(actor, case), _("只有扫黑办可以指定核查责任单位。"))
    check = _check(case, kind)
    before = audit.snapshot(check, CHECK_FIELDS)
    check.unit = unit
    check.version += 1
    check.save(update_fields=["unit", "version"])
    _record("case.check_unit", actor, case, before, audit.snapshot(check, CHECK_FIELDS))
    return check


def _check(case: Case, kind: str) -> CaseCheck:
    if kind not in CheckKind.values:
        raise ActionError("invalid_check", _("请选择核查类别。"))
    ensure_checks(case)
    check = CaseCheck.objects.select_for_update().filter(case=case, kind=kind).first()
    if check is None:
        raise ActionError("no_checks", _("只有涉黑涉恶案件需要一案三查。"))
    return check


def _may_conclude_check(actor: Actor, case: Case, kind: str) -> bool:
    if kind == CheckKind.CRIME:
        return perm.can_manage(actor, case)
    return perm.sees_umbrella_part(actor, case) or (
        kind == CheckKind.UMBRELLA and perm.can_screen(actor, case)
    )


@transaction.atomic
def do_conclude_check(
    case_id: int,
    *,
    actor: Actor,
    kind: str,
    finding: str,
    failures_found: bool = False,
    version: int | None = None,
) -> CaseCheck:
    """Conclude one check with its finding. The crime check needs an effective judgment, the 保护伞 check a
    finished screening, and a responsibility check that found failures needs its accountability records."""
    case = _lock(case_id, actor)
    check = _check(case, kind)
    perm.require(
        _may_conclude_check(actor, case, kind),
        _("只有扫黑办领导或纪委监委可以查结此项核查。")
        if kind != CheckKind.CRIME
        else _("只有扫黑办可以查结此项核查。"),
    )
    check_version(check, version, ["finding"])
    check_transition(CHECK_TRANSITIONS, check.status, CheckStatus.CONCLUDED, labels=CheckStatus)
    finding = (finding or "").strip()
    if not finding:
        raise ActionError("required", _("请填写核查结论。"))
    if kind == CheckKind.CRIME and case.stage not in CONCLUDABLE_STAGES:
        raise ActionError("not_effective", _("判决生效后方可查结案件本身。"))
    if kind == CheckKind.UMBRELLA and case.screening not in SCREENED:
        raise ActionError("unscreened", _("逐案过筛完成后方可查结保护伞核查。"))
    if kind == CheckKind.RESPONSIBILITY and failures_found and not check.accountabilities.exists():
        raise ActionError("no_accountability", _("发现失职失责的，须先录入问责记录。"))
    before = audit.snapshot(check, CHECK_FIELDS)
    check.status, check.finding, check.failures_found = CheckStatus.CONCLUDED, finding, bool(failures_found)
    check.concluded_by = None if perm.is_system(actor) else actor
    check.concluded_at = timezone.now()
    check.version += 1
    check.save()
    after = audit.snapshot(check, CHECK_FIELDS)
    # The finding of the 保护伞 and responsibility checks is not put in the case's audit row: the case's
    # timeline is read by everyone who sees the case.
    _record(
        "case.check_conclude", actor, case, before, {**after, "finding": ""} if kind != "crime" else after
    )
    return check


@transaction.atomic
def do_reopen_check(case_id: int, *, actor: Actor, kind: str, reason: str) -> CaseCheck:
    """Reopen a concluded check (new facts); the case cannot be concluded until it is concluded again."""
    case = _lock(case_id, actor)
    check = _check(case, kind)
    perm.require(_may_conclude_check(actor, case, kind))
    if not (reason or "").strip():
        raise ActionError("required", _("重新核查须说明理由。"))
    check_transition(CHECK_TRANSITIONS, check.status, CheckStatus.OPEN, labels=CheckStatus)
    before = audit.snapshot(check, CHECK_FIELDS)
    check.status, check.concluded_at, check.concluded_by = CheckStatus.OPEN, None, None
    check.version += 1
    check.save()
    _record("case.check_reopen", actor, case, before, audit.snapshot(check, CHECK_FIELDS), reason)
    return check


@transaction.atomic
def do_record_accountability(
    case_id: int,
    *,
    actor: Actor,
    person_name: str,
    post: str,
    unit_name: str,
    measure: str,
    decided_on: dt.date,
    note: str = "",
) -> Accountability:
    """A person held to account by the responsibility check (entered by the discipline commission)."""
    case = _lock(case_id, actor)
    perm.require(perm.sees_umbrella_part(actor, case), _("只有纪委监委或扫黑办领导可以录入问责记录。"))
    check = _check(case, CheckKind.RESPONSIBILITY)
    if check.status == CheckStatus.CONCLUDED:
        raise ActionError("concluded", _("该项核查已查结，请先重新核查。"))
    person_name, post, unit_name = (
        (person_name or "").strip(),
        (post or "").strip(),
        (unit_name or "").strip(),
    )
    if not (person_name and post and unit_name):
        raise ActionError("required", _("请填写被问责人的姓名、职务和单位。"))
    if measure not in Measure.values:
        raise ActionError("invalid_measure", _("请选择问责措施。"))
    if decided_on > timezone.localdate():
        raise ActionError("invalid_date", _("决定日期不能晚于今天。"))
    row = Accountability.objects.create(
        check_row=check,
        person_name=person_name[:40],
        post=post[:80],
        unit_name=unit_name[:120],
        measure=measure,
        decided_on=decided_on,
        note=note,
        recorded_by=None if perm.is_system(actor) else actor,
    )
    # The case's timeline says that a record was added, not whom it names.
    _record("case.accountability", actor, case, {}, {"accountability": row.pk, "measure": measure})
    return row


# Seized assets ------------------------------------------------------------------------------------------


def _amount(value: object, field: str) -> Decimal:
    try:
        amount = parse_yuan(value)
    except ValueError as exc:
        raise ActionError(
            "invalid_amount",
            _("%(f)s「%(v)s」不是有效的金额（可写 3000、72.5万、1.2亿）。") % {"f": field, "v": value},
        ) from exc
    return amount


def sync_case_totals(case: Case) -> None:
    """Once items exist, the case's asset figures are their sums (no typed total beside the items)."""
    items = AssetItem.objects.filter(case=case)
    if not items.exists():
        return
    held = items.values("measure").annotate(total=Sum("value"))
    by_measure = {r["measure"]: r["total"] or Decimal(0) for r in held}
    confiscated = AssetDisposal.objects.filter(
        item__case=case, item__disposal__in=[Disposal.CONFISCATE, Disposal.RECOVER, Disposal.AUCTION]
    ).aggregate(n=Sum("amount"))["n"] or Decimal(0)
    case.assets_seized = by_measure.get(AssetMeasure.SEAL, Decimal(0)) + by_measure.get(
        AssetMeasure.SEIZE, Decimal(0)
    )
    case.assets_frozen = by_measure.get(AssetMeasure.FREEZE, Decimal(0))
    case.assets_confiscated = confiscated
    case.save(update_fields=["assets_seized", "assets_frozen", "assets_confiscated", "updated_at"])


@transaction.atomic
def do_add_asset(
    case_id: int,
    *,
    actor: Actor,
    kind: str,
    description: str,
    value: object,
    measure: str,
    custodian: Unit,
    measured_on: dt.date,
) -> AssetItem:
    """Register one seized, impounded or frozen asset (涉案财产逐项登记)."""
    case = _lock(case_id, actor)
    handling = set(case.handling_units.values_list("pk", flat=True))
    perm.require(
        perm.can_record_stage(actor, case, handling), _("只有扫黑办或承办的政法单位可以登记涉案财产。")
    )
    if kind not in AssetKind.values:
        raise ActionError("invalid_kind", _("请选择财产类别。"))
    if measure not in AssetMeasure.values:
        raise ActionError("invalid_measure", _("请选择强制措施（查封、扣押或冻结）。"))
    description = (description or "").strip()
    if not description:
        raise ActionError("required", _("请填写财产描述。"))
    amount = _amount(value, _("价值"))
    if measured_on > timezone.localdate():
        raise ActionError("invalid_date", _("采取措施日期不能晚于今天。"))
    item = AssetItem.objects.create(
        case=case,
        kind=kind,
        description=description[:200],
        value=amount,
        measure=measure,
        custodian=custodian,
        measured_on=measured_on,
    )
    sync_case_totals(case)
    _record("case.asset_add", actor, case, {}, {"asset": item.pk, **audit.snapshot(item, ASSET_FIELDS)})
    return item


def effective_on(case: Case) -> dt.date | None:
    """The day the judgment became effective (判决生效), if it has."""
    event = case.events.filter(stage=CaseStage.EFFECTIVE).order_by("occurred_on").first()
    return event.occurred_on if event else None


def _add_months(day: dt.date, months: int) -> dt.date:
    import calendar

    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _item(case: Case, item_id: int) -> AssetItem:
    item = AssetItem.objects.select_for_update().filter(case=case, pk=item_id).first()
    if item is None:
        raise NotVisible()
    return item


@transaction.atomic
def do_plan_disposal(
    case_id: int,
    *,
    actor: Actor,
    item_id: int,
    disposal: str,
    responsible: str,
    dispose_by: dt.date | None = None,
    version: int | None = None,
) -> AssetItem:
    """After the effective judgment: how the asset is disposed of, by whom, by when (default three months)."""
    case = _lock(case_id, actor)
    handling = set(case.handling_units.values_list("pk", flat=True))
    perm.require(perm.can_record_stage(actor, case, handling))
    item = _item(case, item_id)
    check_version(item, version, ["disposal", "responsible", "dispose_by"])
    check_transition(ASSET_TRANSITIONS, item.status, AssetStatus.PLANNED, labels=AssetStatus)
    effective = effective_on(case)
    if effective is None:
        raise ActionError("not_effective", _("判决生效后方可制定处置方案。"))
    if disposal not in Disposal.values:
        raise ActionError("invalid_disposal", _("请选择处置方式。"))
    responsible = (responsible or "").strip()
    if not responsible:
        raise ActionError("required", _("请填写处置责任人。"))
    limit = _add_months(effective, DISPOSAL_MONTHS)
    dispose_by = dispose_by or limit
    if dispose_by < effective:
        raise ActionError("invalid_date", _("处置期限不能早于判决生效日期。"))
    before = audit.snapshot(item, ASSET_FIELDS)
    item.status, item.disposal, item.responsible, item.dispose_by = (
        AssetStatus.PLANNED,
        disposal,
        responsible[:40],
        dispose_by,
    )
    item.version += 1
    item.task = _supervise_disposal(case, item, actor)
    item.save()
    _record("case.asset_plan", actor, case, before, {"asset": item.pk, **audit.snapshot(item, ASSET_FIELDS)})
    return item


def _supervise_disposal(case: Case, item: AssetItem, actor: Actor) -> Task | None:
    """The disposal deadline becomes a supervised task of the case's office for the custodian unit: it is
    reminded, urged and counted on the overdue board like any other deadline (a replanned item moves it).
    The task names the case by its number, not its name: the custodian sees the task, not necessarily the case."""
    if item.task_id:
        settle(item.task_id, actor=actor, result=_("处置方案已调整，按新的处置期限督办。"))
    if perm.is_system(actor):
        return None  # tasks are given by people; a system actor writes none
    assert item.dispose_by is not None
    end_of_day = dt.datetime.combine(item.dispose_by, dt.time(23, 59), tzinfo=timezone.get_current_timezone())
    return supervise(
        actor=actor,
        office=case.office,
        title=_("案件 %(c)s 涉案财产处置：%(d)s") % {"c": case.number, "d": item.description[:60]},
        owner_unit=item.custodian,
        due_at=end_of_day,
        detail=_("处置方式：%(w)s；处置责任人：%(r)s。")
        % {"w": Disposal(item.disposal).label, "r": item.responsible},
    )


@transaction.atomic
def do_record_disposal(
    case_id: int,
    *,
    actor: Actor,
    item_id: int,
    amount: object,
    disposed_on: dt.date,
    complete: bool = False,
    note: str = "",
) -> AssetDisposal:
    """A disposal of (part of) an asset; never more than its value. `complete` or the full value closes it."""
    case = _lock(case_id, actor)
    handling = set(case.handling_units.values_list("pk", flat=True))
    perm.require(perm.can_record_stage(actor, case, handling))
    item = _item(case, item_id)
    if item.status != AssetStatus.PLANNED:
        raise ActionError(
            "not_planned",
            _("该财产当前为「%(s)s」，须先制定处置方案。") % {"s": AssetStatus(item.status).label}
            if item.status == AssetStatus.HELD
            else _("该财产已处置完毕。"),
        )
    money = _amount(amount, _("处置金额"))
    if money <= 0:
        raise ActionError("invalid_amount", _("处置金额须大于零。"))
    if item.disposed_amount + money > item.value:
        raise ActionError(
            "over_value",
            _("处置金额合计 %(total)s 元超过该财产价值 %(value)s 元。")
            % {"total": item.disposed_amount + money, "value": item.value},
        )
    if disposed_on > timezone.localdate():
        raise ActionError("invalid_date", _("处置日期不能晚于今天。"))
    before = audit.snapshot(item, ASSET_FIELDS)
    row = AssetDisposal.objects.create(
        item=item,
        amount=money,
        disposed_on=disposed_on,
        note=note,
        recorded_by=None if perm.is_system(actor) else actor,
    )
    item.disposed_amount += money
    if complete or item.disposed_amount == item.value:
        item.status = AssetStatus.DISPOSED
        if item.task_id:
            settle(item.task_id, actor=actor, result=_("涉案财产已处置完毕。"))
    item.version += 1
    item.save()
    sync_case_totals(case)
    _record(
        "case.asset_dispose",
        actor,
        case,
        before,
        {"asset": item.pk, "disposal": row.pk, **audit.snapshot(item, ASSET_FIELDS)},
    )
    return row
