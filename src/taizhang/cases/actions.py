"""Every change to a case: registration, edits, stage events, 保护伞 screening, conclusion. Audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.cases import permissions as perm
from taizhang.cases.checks import ensure_checks, open_checks
from taizhang.cases.choices import (
    CONCLUDABLE_STAGES,
    JUDGED_STAGES,
    SCREENED,
    SCREENING_TRANSITIONS,
    STAGE_TRANSITIONS,
    STATUS_TRANSITIONS,
    CaseStage,
    CaseStatus,
    OrgType,
    Screening,
)
from taizhang.cases.models import Case, CaseCounter, CaseStageEvent
from taizhang.clues.models import Clue
from taizhang.core import audit
from taizhang.core.actors import SystemActor
from taizhang.core.errors import ActionError, NotVisible
from taizhang.core.signals import emit_on_commit
from taizhang.core.workflow import check_transition, check_version
from taizhang.org.actors import Actor
from taizhang.org.choices import UnitKind
from taizhang.org.models import Sector, Unit

AUDITED_FIELDS = [
    "name",
    "org_type",
    "sector",
    "stage",
    "stage_on",
    "status",
    "screening",
    "screened_by",
    "screened_at",
    "umbrella_clue",
    "persons_caught",
    "fugitives_caught",
    "fugitives_at_large",
    "assets_seized",
    "assets_frozen",
    "assets_confiscated",
    "concluded_at",
    "version",
]
EDITABLE_FIELDS = [
    "name",
    "org_type",
    "sector",
    "brief",
    "persons_caught",
    "fugitives_caught",
    "fugitives_at_large",
    "assets_seized",
    "assets_frozen",
    "assets_confiscated",
]
COUNT_FIELDS = ("persons_caught", "fugitives_caught", "fugitives_at_large")
MONEY_FIELDS = ("assets_seized", "assets_frozen", "assets_confiscated")


def _lock(case_id: int, actor: Actor) -> Case:
    # Row lock for the whole step: two people recording a stage at once are serialised, and the later one
    # sees the stage the earlier one left (then the transition map refuses a repeated or skipped stage).
    qs = Case.objects.all() if perm.is_system(actor) else Case.objects.visible_to(actor)
    case = qs.select_for_update(of=("self",)).select_related("office").filter(pk=case_id).first()
    if case is None:
        raise NotVisible()
    return case


def _save(
    case: Case, action: str, actor: Actor, before: dict[str, Any], fields: list[str], **extra: Any
) -> None:
    case.version += 1
    case.save(update_fields=sorted({*fields, "version", "updated_at"}))
    after = audit.snapshot(case, AUDITED_FIELDS)
    if extra:
        after["detail"] = audit.jsonable(extra)
    audit.record(action, actor=actor, obj=case, before=before, after=after, reason=str(extra.get("note", "")))
    emit_on_commit(
        model="cases.case",
        object_id=case.pk,
        action=action,
        actor=None if perm.is_system(actor) else actor,
        stage=case.stage,
        status=case.status,
    )


def _next_number(office: Unit, year: int) -> str:
    # The counter row stays locked until the registration commits, so numbers are unique and gap-free.
    CaseCounter.objects.bulk_create([CaseCounter(office=office, year=year)], ignore_conflicts=True)
    counter = CaseCounter.objects.select_for_update().get(office=office, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    prefix = f"{year}-AJ" if office.parent_id is None else f"{year}-AJ-{office.code}"
    return f"{prefix}-{counter.last:05d}"


def _clean_figures(values: dict[str, Any]) -> None:
    for name in COUNT_FIELDS:
        if name in values and (values[name] is None or int(values[name]) < 0):
            raise ActionError("invalid_number", _("人数不能为负数。"))
    for name in MONEY_FIELDS:
        if name in values:
            values[name] = Decimal(str(values[name] or 0))
            if values[name] < 0:
                raise ActionError("invalid_amount", _("资产金额不能为负数。"))


def _check_units(units: list[Unit]) -> None:
    for unit in units:
        if unit.kind == UnitKind.OFFICE:
            raise ActionError("invalid_unit", _("承办单位不能是扫黑办。"))


@transaction.atomic
def do_register_case(
    *,
    actor: Actor,
    office: Unit,
    name: str,
    org_type: str,
    handling_units: list[Unit] | None = None,
    clues: list[Clue] | None = None,
    sector: Sector | None = None,
    brief: str = "",
    **figures: Any,
) -> Case:
    """Register a case (案件登记) from one or more clues, or directly when the police report one."""
    if office.kind != UnitKind.OFFICE:
        raise ActionError("invalid_office", _("案件须登记在扫黑办名下。"))
    perm.require(perm.can_register(actor, office), _("只有扫黑办工作人员或公安机关可以登记案件。"))
    name = (name or "").strip()
    if not name:
        raise ActionError("required", _("案件名称不能为空。"))
    if org_type not in OrgType.values:
        raise ActionError("required", _("请选择组织类型。"))
    unknown = set(figures) - set(COUNT_FIELDS + MONEY_FIELDS)
    if unknown:
        raise ActionError("invalid_field", _("不可填写的字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    _clean_figures(figures)
    units = list(handling_units or [])
    _check_units(units)
    own = None if perm.is_system(actor) else actor.unit
    if own is not None and own.kind == UnitKind.POLICE and own not in units:
        units.append(own)  # a police unit reporting its own case handles it
    linked = list(clues or [])
    if linked and not perm.is_system(actor):
        visible = set(
            Clue.objects.visible_to(actor).filter(pk__in=[c.pk for c in linked]).values_list("pk", flat=True)
        )
        if len(visible) != len({c.pk for c in linked}):
            raise NotVisible()
    case = Case.objects.create(
        number=_next_number(office, timezone.localdate().year),
        name=name[:120],
        org_type=org_type,
        office=office,
        sector=sector,
        brief=brief,
        registered_by=None if perm.is_system(actor) else actor,
        **figures,
    )
    case.handling_units.set(units)
    case.clues.set(linked)
    ensure_checks(case)
    audit.record(
        "case.register",
        actor=actor,
        obj=case,
        after={
            **audit.snapshot(case, AUDITED_FIELDS),
            "handling_units": [u.pk for u in units],
            "clues": [c.pk for c in linked],
        },
    )
    emit_on_commit(model="cases.case", object_id=case.pk, action="case.register", actor=None)
    return case


@transaction.atomic
def do_edit_case(
    case_id: int,
    *,
    actor: Actor,
    version: int | None,
    handling_units: list[Unit] | None = None,
    clues: list[Clue] | None = None,
    **changes: Any,
) -> Case:
    """Correct a case's facts and figures; refused when someone else saved it since it was loaded."""
    case = _lock(case_id, actor)
    perm.require(perm.can_manage(actor, case))
    check_version(case, version, EDITABLE_FIELDS)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ActionError("invalid_field", _("不可修改的字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    if "org_type" in changes and changes["org_type"] not in OrgType.values:
        raise ActionError("required", _("请选择组织类型。"))
    if "name" in changes and not (changes["name"] or "").strip():
        raise ActionError("required", _("案件名称不能为空。"))
    _clean_figures(changes)
    typed = {name for name in MONEY_FIELDS if name in changes and changes[name] != getattr(case, name)}
    if typed and case.assets.exists():
        raise ActionError("assets_itemised", _("涉案财产已逐项登记，资产总额由明细计算，不能直接修改。"))
    counted = {name for name in COUNT_FIELDS if name in changes and int(changes[name]) != getattr(case, name)}
    if counted and case.suspects.exists():
        raise ActionError(
            "suspects_itemised", _("犯罪嫌疑人已逐人登记，抓获、缉拿和在逃人数由名单计算，不能直接修改。")
        )
    before = audit.snapshot(case, AUDITED_FIELDS)
    before["handling_units"] = sorted(case.handling_units.values_list("pk", flat=True))
    before["clues"] = sorted(case.clues.values_list("pk", flat=True))
    for field, value in changes.items():
        setattr(case, field, value)
    ensure_checks(case)
    if handling_units is not None:
        _check_units(handling_units)
        case.handling_units.set(handling_units)
    if clues is not None:
        visible = Clue.objects.visible_to(actor) if not perm.is_system(actor) else Clue.objects.all()
        keep_hidden = case.clues.exclude(pk__in=visible.values("pk"))  # links the editor cannot see stay
        case.clues.set([*clues, *keep_hidden])
    _save(
        case,
        "case.edit",
        actor,
        before,
        list(changes),
        handling_units=sorted(case.handling_units.values_list("pk", flat=True)),
        clues=sorted(case.clues.values_list("pk", flat=True)),
    )
    return case


@transaction.atomic
def do_record_case_stage(
    case_id: int,
    *,
    actor: Actor,
    stage: str,
    occurred_on: dt.date,
    persons: int = 0,
    judged_on: dt.date | None = None,
    note: str = "",
) -> CaseStageEvent:
    """Move a case to its next stage (立案侦查 → 批捕 → 起诉 → 一审 → 二审/生效 → 执行) with date and persons."""
    case = _lock(case_id, actor)
    handling = set(case.handling_units.values_list("pk", flat=True))
    perm.require(
        perm.can_record_stage(actor, case, handling), _("只有扫黑办或承办的政法单位可以登记诉讼阶段。")
    )
    if case.status != CaseStatus.OPEN:
        raise ActionError("concluded", _("案件已办结，不能再登记诉讼阶段。"))
    if stage not in CaseStage.values or stage == CaseStage.REGISTERED:
        raise ActionError("invalid_stage", _("请选择诉讼阶段。"))
    check_transition(STAGE_TRANSITIONS, case.stage, stage, labels=CaseStage)
    if occurred_on > timezone.localdate():
        raise ActionError("invalid_date", _("阶段日期不能晚于今天。"))
    if case.stage_on and occurred_on < case.stage_on:
        raise ActionError("invalid_date", _("阶段日期不能早于上一阶段的日期。"))
    if judged_on is not None and (stage not in JUDGED_STAGES or judged_on < occurred_on):
        raise ActionError("invalid_date", _("宣判日期只适用于一审、二审，且不能早于受理日期。"))
    if persons is None or persons < 0:
        raise ActionError("invalid_number", _("人数不能为负数。"))
    before = audit.snapshot(case, AUDITED_FIELDS)
    event = CaseStageEvent.objects.create(
        case=case,
        stage=stage,
        occurred_on=occurred_on,
        judged_on=judged_on,
        persons=persons,
        note=note,
        recorded_by=None if perm.is_system(actor) else actor,
    )
    case.stage, case.stage_on = stage, occurred_on
    _save(
        case, "case.stage", actor, before, ["stage", "stage_on"], event=event.pk, persons=persons, note=note
    )
    return event


@transaction.atomic
def do_record_judgment(case_id: int, *, actor: Actor, event_id: int, judged_on: dt.date) -> CaseStageEvent:
    """Record the day a first- or second-instance trial gave judgment (宣判) after it was accepted."""
    case = _lock(case_id, actor)
    handling = set(case.handling_units.values_list("pk", flat=True))
    perm.require(perm.can_record_stage(actor, case, handling))
    event = CaseStageEvent.objects.filter(case=case, pk=event_id, stage__in=JUDGED_STAGES).first()
    if event is None:
        raise NotVisible()
    if judged_on < event.occurred_on or judged_on > timezone.localdate():
        raise ActionError("invalid_date", _("宣判日期不能早于受理日期，也不能晚于今天。"))
    before = audit.snapshot(case, AUDITED_FIELDS)
    event.judged_on = judged_on
    event.save(update_fields=["judged_on"])
    _save(case, "case.judgment", actor, before, [], event=event.pk, judged_on=judged_on)
    return event


def _raise_umbrella_clue(case: Case, actor: Actor, note: str) -> Clue:
    """The 保护伞 clue a screening found: registered, triaged as 保护伞, given to the discipline commission."""
    from taizhang.clues import actions as clue_actions
    from taizhang.clues.actions import SubjectData
    from taizhang.clues.choices import Category, Channel, ClueStatus
    from taizhang.org.choices import RoleCode

    # The screener may not see 保护伞 clues (office staff do not), so the clue steps run as the screening
    # itself; the audit entry of the case names the person.
    system = SystemActor.acting_for(f"逐案过筛：{actor}")
    clue = clue_actions.do_register_clue(
        actor=system,
        office=case.office,
        channel=Channel.SCREENING,
        received_at=timezone.now(),
        summary=(_("%(case)s逐案过筛发现保护伞线索") % {"case": case.name})[:150],
        facts=note,
        subjects=[SubjectData(name=_("待查公职人员"), is_official=True)],
        sector=case.sector,
        alleges_umbrella=True,
        source_ref=case.number,
    )
    clue = clue_actions.do_triage_clue(clue.pk, actor=system, in_scope=True, category=Category.UMBRELLA)
    discipline = list(Unit.objects.filter(parent=case.office, kind=UnitKind.DISCIPLINE, is_active=True)[:2])
    # An office leader screening assigns at once; otherwise the clue waits, triaged, for the leader (交办).
    if len(discipline) == 1 and not perm.is_system(actor) and actor.has_role(RoleCode.OFFICE_LEADER):
        clue = clue_actions.do_assign_clue(clue.pk, actor=actor, unit=discipline[0])
    assert clue.status in (ClueStatus.TRIAGED, ClueStatus.ASSIGNED)
    case.clues.add(clue)
    return clue


@transaction.atomic
def do_screen_case(case_id: int, *, actor: Actor, result: str, note: str = "") -> Case:
    """逐案过筛: record whether the case revealed a 保护伞; 发现线索 raises a new 保护伞 clue at once."""
    case = _lock(case_id, actor)
    perm.require(perm.can_screen(actor, case), _("只有扫黑办或纪委监委可以进行逐案过筛。"))
    if result not in Screening.values:
        raise ActionError("invalid_result", _("请选择过筛结果。"))
    check_transition(SCREENING_TRANSITIONS, case.screening, result, labels=Screening)
    note = (note or "").strip()
    if result == Screening.CLUE_FOUND and not note:
        raise ActionError("required", _("发现线索时须写明线索内容。"))
    before = audit.snapshot(case, AUDITED_FIELDS)
    if result == Screening.CLUE_FOUND:
        case.umbrella_clue = _raise_umbrella_clue(case, actor, note)
    case.screening = result
    case.screening_note = note
    case.screened_by = None if perm.is_system(actor) else actor
    case.screened_at = timezone.now()
    fields = ["screening", "screening_note", "screened_by", "screened_at", "umbrella_clue"]
    _save(case, "case.screen", actor, before, fields, note=note)
    return case


@transaction.atomic
def do_conclude_case(case_id: int, *, actor: Actor, note: str = "") -> Case:
    """Conclude (办结) a case whose judgment is effective; refused while it is unscreened or being checked."""
    case = _lock(case_id, actor)
    perm.require(perm.can_manage(actor, case), _("只有扫黑办可以办结案件。"))
    check_transition(STATUS_TRANSITIONS, case.status, CaseStatus.CONCLUDED, labels=CaseStatus)
    if case.screening not in SCREENED:
        raise ActionError(
            "unscreened",
            _("案件尚未完成逐案过筛（当前：%(s)s），不能办结。") % {"s": Screening(case.screening).label},
        )
    if case.stage not in CONCLUDABLE_STAGES:
        raise ActionError("not_effective", _("判决生效后方可办结。"))
    missing = open_checks(case)
    if missing:
        raise ActionError(
            "checks_open",
            _("一案三查尚未全部查结（%(c)s），不能办结。")
            % {"c": "、".join(c.get_kind_display() for c in missing)},
        )
    before = audit.snapshot(case, AUDITED_FIELDS)
    case.status, case.concluded_at = CaseStatus.CONCLUDED, timezone.now()
    _save(case, "case.conclude", actor, before, ["status", "concluded_at"], note=note)
    return case


@transaction.atomic
def do_reopen_case(case_id: int, *, actor: Actor, reason: str) -> Case:
    """Reopen a concluded case (e.g. a retrial); the reason is kept in the audit log."""
    case = _lock(case_id, actor)
    perm.require(perm.can_manage(actor, case))
    if not (reason or "").strip():
        raise ActionError("required", _("重新启动须说明理由。"))
    check_transition(STATUS_TRANSITIONS, case.status, CaseStatus.OPEN, labels=CaseStatus)
    before = audit.snapshot(case, AUDITED_FIELDS)
    case.status, case.concluded_at = CaseStatus.OPEN, None
    _save(case, "case.reopen", actor, before, ["status", "concluded_at"], note=reason)
    return case
