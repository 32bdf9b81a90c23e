"""Giving a clue to a unit (assign, reassign, withdraw, recuse) and the unit's staged reports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from taizhang.clues import permissions as perm
from taizhang.clues.actions.common import (
    AUDITED_FIELDS,
    _current_assignment,
    _lock,
    _move,
    _refuse_recused,
    _require_text,
    _save,
    _set_deadline,
    _withdraw,
    _withdraw_if_barred,
    notify_on_commit,
)
from taizhang.clues.choices import ClueNotice, ClueStep, ReportStage
from taizhang.clues.models import Assignment, Clue, Recusal, StageReport
from taizhang.core import audit, clock
from taizhang.core.deadlines import due_at
from taizhang.core.errors import ActionError
from taizhang.core.workflow import check_version
from taizhang.org.actors import Actor
from taizhang.org.choices import InstanceLink, UnitKind
from taizhang.org.models import Unit, User


@transaction.atomic
def do_withdraw_assignment(clue_id: int, *, actor: Actor, reason: str, version: int | None = None) -> Clue:
    """The office takes a clue back from the unit holding it because the unit must step back (回避), and
    assigns it again later; the unit's pending requests and reminders end with it."""
    clue = _lock(clue_id, actor)
    perm.require(perm.can_manage(actor, clue))
    check_version(clue, version, ["status", "responsible_unit"])
    reason = _require_text(reason, _("撤回交办须说明理由。"))
    before = audit.snapshot(clue, AUDITED_FIELDS)
    _withdraw(clue, actor, reason)
    _save(clue, "clue.withdraw", actor, before, reason=reason)
    notify_on_commit(ClueNotice.WITHDRAWN, clue, actor)
    return clue


def _check_assignee(clue: Clue, unit: Unit, person: User | None) -> None:
    if unit.instance_link == InstanceLink.CHILD and unit.is_active:
        # A lower office running its own Taizhang: the clue leaves as a package (taizhang.exchange writes it
        # for every current assignment to such a unit); that office picks the person and the 保护伞 route.
        _refuse_recused(clue, unit)
        if person is not None:
            raise ActionError("invalid_person", _("交办至外部单位时不能指定责任人，由对方自行确定。"))
        return
    if not unit.is_active or unit.kind == UnitKind.OFFICE:
        raise ActionError("invalid_unit", _("请选择承办线索的成员单位。"))
    _refuse_recused(clue, unit)
    if clue.is_umbrella and unit.kind != UnitKind.DISCIPLINE:
        raise ActionError("umbrella_to_discipline", _("涉保护伞线索须交纪委监委办理。"))
    if person is not None and person.unit_id != unit.pk:
        raise ActionError("invalid_person", _("责任人须为责任单位的人员。"))


def _open_assignment(
    clue: Clue,
    actor: User,
    unit: Unit,
    person: User | None,
    due: dt.datetime | None,
    text: str,
    reason: str = "",
) -> Assignment:
    now = clock.now()
    Assignment.objects.filter(clue=clue, is_current=True).update(is_current=False, ended_at=now)
    verification_due = due or due_at("verification", now, office=clue.office)
    if verification_due <= now:
        raise ActionError("invalid_date", _("办理时限须晚于当前时间。"))
    assignment = Assignment.objects.create(
        clue=clue,
        unit=unit,
        person=person,
        due_at=verification_due,
        instructions=text,
        reason=reason,
        assigned_by=actor,
        assigned_at=now,
    )
    clue.responsible_unit, clue.responsible_person = unit, person
    _set_deadline(clue, "first_report", now)
    return assignment


@transaction.atomic
def do_assign_clue(
    clue_id: int,
    *,
    actor: User,
    unit: Unit,
    person: User | None = None,
    due: dt.datetime | None = None,
    instructions: str = "",
    version: int | None = None,
) -> Clue:
    """Assign (交办) to a responsible unit and person with a deadline; recused units are refused."""
    clue = _lock(clue_id, actor)
    perm.require(perm.can_manage(actor, clue))
    check_version(clue, version, ["status", "responsible_unit"])
    before = audit.snapshot(clue, AUDITED_FIELDS)
    _move(clue, ClueStep.ASSIGN)
    _check_assignee(clue, unit, person)
    assignment = _open_assignment(clue, actor, unit, person, due, instructions)
    extra: dict[str, Any] = {"external": True} if unit.instance_link == InstanceLink.CHILD else {}
    _save(
        clue,
        "clue.assign",
        actor,
        before,
        assignment=assignment.pk,
        unit=unit.name,
        due=assignment.due_at,
        **extra,
    )
    notify_on_commit(ClueNotice.ASSIGNED, clue, actor)
    return clue


@transaction.atomic
def do_reassign_clue(
    clue_id: int,
    *,
    actor: User,
    unit: Unit,
    person: User | None = None,
    reason: str,
    due: dt.datetime | None = None,
    version: int | None = None,
) -> Clue:
    """Give the clue to another unit or person (改派), with a reason; the previous assignment ends."""
    clue = _lock(clue_id, actor)
    perm.require(perm.can_manage(actor, clue))
    check_version(clue, version, ["status", "responsible_unit"])
    reason = _require_text(reason, _("改派须说明理由。"))
    before = audit.snapshot(clue, AUDITED_FIELDS)
    _move(clue, ClueStep.REASSIGN)
    _check_assignee(clue, unit, person)
    assignment = _open_assignment(clue, actor, unit, person, due, "", reason)
    _save(clue, "clue.reassign", actor, before, reason=reason, assignment=assignment.pk, unit=unit.name)
    notify_on_commit(ClueNotice.REASSIGNED, clue, actor)
    return clue


@transaction.atomic
def do_file_stage_report(clue_id: int, *, actor: User, stage: str, body: str) -> StageReport:
    """The responsible unit reports back: 首次回告 (plan and who) or 二次回告 (progress)."""
    clue = _lock(clue_id, actor)
    perm.require(perm.can_report(actor, clue), _("只有责任单位的联络员、承办人或负责人可以回告。"))
    body = _require_text(body, _("回告内容不能为空。"))
    assignment = _current_assignment(clue)
    before = audit.snapshot(clue, AUDITED_FIELDS)
    if stage == ReportStage.FIRST:
        _move(clue, ClueStep.FIRST_REPORT)
        _set_deadline(clue, "verification", at=assignment.due_at)
    elif stage == ReportStage.PROGRESS:
        _move(clue, ClueStep.PROGRESS_REPORT)
    else:
        raise ActionError("invalid_stage", _("末次回告请通过提交核查结论完成。"))
    report = StageReport.objects.create(
        clue=clue, assignment=assignment, stage=stage, body=body, submitted_by=actor, submitted_at=clock.now()
    )
    _save(clue, f"clue.report_{stage}", actor, before, report=report.pk, body=body[:500])
    return report


@transaction.atomic
def do_recuse_unit(
    clue_id: int, *, actor: Actor, unit: Unit, reason: str, version: int | None = None
) -> Recusal:
    """The office recuses a unit by hand (回避): it and every unit under it stop seeing the clue; if it holds the
    clue, its assignment ends and the clue comes back to the office."""
    clue = _lock(clue_id, actor)
    perm.require(perm.can_manage(actor, clue), _("只有扫黑办可以设置回避单位。"))
    check_version(clue, version, ["responsible_unit", "status"])
    reason = _require_text(reason, _("设置回避须说明理由。"))[:200]
    if unit.kind == UnitKind.OFFICE:
        raise ActionError("invalid_unit", _("扫黑办不能设置为回避单位。"))
    before = audit.snapshot(clue, AUDITED_FIELDS)
    recusal, created = Recusal.objects.get_or_create(clue=clue, unit=unit, defaults={"reason": reason})
    if not created:
        raise ActionError("already_recused", _("「%(unit)s」已是回避单位。") % {"unit": unit.name})
    _withdraw_if_barred(clue, actor)
    _save(clue, "clue.recuse", actor, before, reason=reason, unit=unit.name)
    notify_on_commit(ClueNotice.RECUSED, clue, actor)
    return recusal
