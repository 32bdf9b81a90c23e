"""Extensions (延期): the unit asks, the office decides; approved days are capped per clue and move the deadline."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.clues import permissions as clue_perm
from taizhang.clues.choices import WITH_UNIT_STATUSES
from taizhang.clues.models import Assignment, Clue
from taizhang.core import audit, deadlines
from taizhang.core.errors import ActionError, NotVisible
from taizhang.core.signals import emit_on_commit
from taizhang.core.workflow import check_transition
from taizhang.org.actors import Actor
from taizhang.supervision.choices import EXTENSION_TRANSITIONS, ExtensionStatus
from taizhang.supervision.models import Extension
from taizhang.supervision.notices import clue_url
from taizhang.supervision.notify import notify
from taizhang.supervision.permissions import require
from taizhang.supervision.recipients import Directory

EXTENSION_FIELDS = ["status", "days", "granted_days", "old_deadline", "new_deadline", "decision_note"]


def _lock_clue(clue_id: int, actor: Actor) -> Clue:
    # Lock the clue for the whole step: a deadline moved by an approval and a step taken at the same moment
    # are serialised, and two approvals can never both fit under the cap.
    clue = (
        Clue.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .select_related("office")
        .filter(pk=clue_id)
        .first()
    )
    if clue is None:
        raise NotVisible()
    return clue


def used_days(clue: Clue) -> int:
    """Days already granted to the clue by approved extensions."""
    granted = Extension.objects.filter(clue=clue, status=ExtensionStatus.APPROVED).aggregate(
        n=Sum("granted_days")
    )
    return int(granted["n"] or 0)


def _check_cap(clue: Clue, days: int) -> None:
    cap = deadlines.policy_for(clue.office_id).extension_cap_days
    used = used_days(clue)
    if used + days > cap:
        raise ActionError(
            "extension_cap",
            _("累计延期不得超过 %(cap)s 天：已延期 %(used)s 天，最多还可延期 %(left)s 天。")
            % {"cap": cap, "used": used, "left": max(0, cap - used)},
            detail={"cap": cap, "used": used},
        )


@transaction.atomic
def do_request_extension(clue_id: int, *, actor: Actor, days: int, reason: str) -> Extension:
    """The responsible unit asks for more time on the clue's current deadline, with a reason."""
    clue = _lock_clue(clue_id, actor)
    require(clue_perm.can_report(actor, clue), _("只有责任单位的人员可以申请延期。"))
    if clue.status not in WITH_UNIT_STATUSES or clue.deadline_at is None:
        raise ActionError("not_extendable", _("该线索当前环节不能申请延期。"))
    reason = (reason or "").strip()
    if not reason:
        raise ActionError("required", _("请填写延期理由。"))
    if int(days) < 1:
        raise ActionError("invalid_days", _("延期天数须至少为 1 天。"))
    if Extension.objects.filter(clue=clue, status=ExtensionStatus.PENDING).exists():
        raise ActionError("extension_pending", _("已有待审批的延期申请，请等待扫黑办审批。"))
    _check_cap(clue, int(days))
    assignment = Assignment.objects.filter(clue=clue, is_current=True).first()
    ext = Extension.objects.create(
        clue=clue,
        assignment=assignment,
        step=clue.deadline_step,
        days=int(days),
        reason=reason,
        requested_by=actor,
        requested_at=timezone.now(),
        unit_id=clue.responsible_unit_id,  # type: ignore[misc]
        old_deadline=clue.deadline_at,
    )
    audit.record(
        "extension.request", actor=actor, obj=ext, after=audit.snapshot(ext, EXTENSION_FIELDS), reason=reason
    )
    audit.record(
        "clue.extension_requested", actor=actor, obj=clue, after={"extension": ext.pk, "days": ext.days}
    )
    emit_on_commit(
        model="supervision.extension",
        object_id=ext.pk,
        action="extension.request",
        actor=actor,
        clue_id=clue.pk,
    )

    def _tell() -> None:
        d = Directory()
        notify(
            d.people(d.office(clue.office_id)),
            title=_("线索 %(n)s 申请延期 %(d)s 天，待审批") % {"n": clue.number, "d": ext.days},
            body="" if clue.is_umbrella else reason,
            url=clue_url(clue.pk),
            key=f"extension:{ext.pk}:request",
            about=clue,
        )

    transaction.on_commit(_tell)
    return ext


@transaction.atomic
def do_decide_extension(
    extension_id: int, *, actor: Actor, approve: bool, note: str = "", days: int | None = None
) -> Extension:
    """The office approves (possibly fewer days) or refuses an extension; approval moves the clue's deadline."""
    probe = (
        Extension.objects.visible_to(actor).filter(pk=extension_id).values_list("clue_id", flat=True).first()
    )
    if probe is None:
        raise NotVisible()
    clue = _lock_clue(probe, actor)
    ext = Extension.objects.select_for_update().get(pk=extension_id)
    require(clue_perm.can_manage(actor, clue), _("只有扫黑办可以审批延期。"))
    target = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    check_transition(EXTENSION_TRANSITIONS, ext.status, target, labels=ExtensionStatus)
    before = audit.snapshot(ext, EXTENSION_FIELDS)
    note = (note or "").strip()
    ext.status, ext.decided_by, ext.decided_at, ext.decision_note = target, actor, timezone.now(), note
    if approve:
        granted = int(days if days is not None else ext.days)
        if granted < 1 or granted > ext.days:
            raise ActionError("invalid_days", _("批准天数须在 1 至 %(d)s 天之间。") % {"d": ext.days})
        if clue.deadline_step != ext.step or clue.deadline_at is None:
            raise ActionError("step_changed", _("线索的办理环节已变化，该延期申请不再适用，请不予批准。"))
        _check_cap(clue, granted)
        clue_before = audit.snapshot(clue, ["deadline_at", "deadline_step", "version"])
        ext.granted_days = granted
        ext.old_deadline = clue.deadline_at
        ext.new_deadline = clue.deadline_at + dt.timedelta(days=granted)
        clue.deadline_at = ext.new_deadline
        clue.version += 1
        clue.save(update_fields=["deadline_at", "version", "updated_at"])
        if ext.step == "verification":
            Assignment.objects.filter(clue=clue, is_current=True).update(due_at=ext.new_deadline)
        audit.record(
            "clue.deadline_extended",
            actor=actor,
            obj=clue,
            before=clue_before,
            after=audit.snapshot(clue, ["deadline_at", "deadline_step", "version"]),
            reason=note,
        )
        emit_on_commit(
            model="clues.clue",
            object_id=clue.pk,
            action="clue.deadline_extended",
            actor=actor,
            unit_id=clue.responsible_unit_id,
            person_id=clue.responsible_person_id,
            status=clue.status,
        )
    elif not note:
        raise ActionError("required", _("不予批准须说明理由。"))
    ext.save(
        update_fields=[
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
            "granted_days",
            "old_deadline",
            "new_deadline",
        ]
    )
    audit.record(
        "extension.approve" if approve else "extension.refuse",
        actor=actor,
        obj=ext,
        before=before,
        after=audit.snapshot(ext, EXTENSION_FIELDS),
        reason=note,
    )

    def _tell() -> None:
        d = Directory()
        ids = [ext.requested_by_id, *d.liaisons(ext.unit_id)]
        if approve:
            title = _("线索 %(n)s 延期申请已批准，新时限 %(t)s") % {
                "n": clue.number,
                "t": f"{timezone.localtime(ext.new_deadline):%Y-%m-%d}",
            }
        else:
            title = _("线索 %(n)s 延期申请未获批准") % {"n": clue.number}
        notify(
            d.people(ids),
            title=title,
            body="" if clue.is_umbrella else note,
            url=clue_url(clue.pk),
            key=f"extension:{ext.pk}:decided",
            about=clue,
        )

    transaction.on_commit(_tell)
    return ext


@transaction.atomic
def do_withdraw_extensions(clue_id: int, *, reason: str) -> int:
    """The unit that asked stepped back from the clue (回避): its pending requests are withdrawn (system step)."""
    pending = list(
        Extension.objects.select_for_update().filter(clue_id=clue_id, status=ExtensionStatus.PENDING)
    )
    for ext in pending:
        before = audit.snapshot(ext, EXTENSION_FIELDS)
        check_transition(EXTENSION_TRANSITIONS, ext.status, ExtensionStatus.WITHDRAWN, labels=ExtensionStatus)
        ext.status = ExtensionStatus.WITHDRAWN
        ext.save(update_fields=["status"])
        audit.record(
            "extension.withdraw",
            actor=None,
            obj=ext,
            before=before,
            after=audit.snapshot(ext, EXTENSION_FIELDS),
            reason=reason,
        )
    return len(pending)
