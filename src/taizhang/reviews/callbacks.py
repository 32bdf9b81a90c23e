"""Call-backs (回访): the monthly sample of real-name reporters, assigning, contacting and recording outcomes.

The contact is opened only for the person doing the call-back, through the reporters app's audited reveal
with its reason filled in, and only the contact channel (phone, email) is handed back — never the name.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.clues.choices import ClueStatus, ReporterKind
from taizhang.clues.models import Clue
from taizhang.core import audit, clock
from taizhang.core.actors import WORKER
from taizhang.core.errors import ActionError, NotVisible
from taizhang.core.workflow import check_transition, check_version
from taizhang.org.actors import Actor, person_of
from taizhang.org.choices import RoleCode, UnitKind
from taizhang.org.models import Unit, User
from taizhang.reviews import permissions as perm
from taizhang.reviews import sampling
from taizhang.reviews.choices import CALLBACK_TRANSITIONS, CallbackOutcome
from taizhang.reviews.models import CallbackDraw, CallbackTask

CONTACT_KEYS = ("phone", "mobile", "email", "contact")
NOTES_REQUIRED = (CallbackOutcome.DISSATISFIED, CallbackOutcome.UNREACHABLE)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def previous_month(month: dt.date) -> dt.date:
    return month_start(month - dt.timedelta(days=1))


def population(office: Unit, month: dt.date) -> list[tuple[int, int]]:
    """(clue id, handling unit) of the office's own clues concluded in `month` whose reporter gave a real name."""
    following = month_start(month + dt.timedelta(days=32))
    lo = timezone.make_aware(dt.datetime.combine(month, dt.time.min))
    hi = timezone.make_aware(dt.datetime.combine(following, dt.time.min))
    rows = (
        Clue.objects.filter(
            office=office,
            status=ClueStatus.CONCLUDED,
            concluded_at__gte=lo,
            concluded_at__lt=hi,
            reporter__kind=ReporterKind.REAL_NAME,
        )
        .order_by()
        .values_list("pk", "responsible_unit_id")
    )
    return [(pk, unit or 0) for pk, unit in rows]


def draw_for_office(
    office: Unit,
    month: dt.date,
    *,
    seed: int | None = None,
    share: int | None = None,
    minimum: int | None = None,
) -> int:
    """Draw `month`'s call-backs for one office once (the CallbackDraw row is the claim); the tasks it created."""
    share = settings.CALLBACK_SHARE if share is None else share
    minimum = settings.CALLBACK_MIN if minimum is None else minimum
    seed = secrets.randbelow(2**62) if seed is None else seed
    pairs = population(office, month)
    size = sampling.share_size(len(pairs), share, minimum)
    chosen = sampling.draw(pairs, size, seed)
    units = dict(pairs)
    custodians = list(
        User.objects.filter(unit=office, is_active=True, roles__code=RoleCode.IDENTITY_CUSTODIAN)
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )
    try:
        with transaction.atomic():
            CallbackDraw.objects.create(
                office=office, month=month, seed=seed, population=len(pairs), drawn=size
            )
            CallbackTask.objects.bulk_create(
                CallbackTask(
                    office=office,
                    clue_id=pk,
                    month=month,
                    handling_unit_id=units[pk] or None,
                    # Shared out among the office's identity custodians; the office may reassign.
                    assignee_id=custodians[i % len(custodians)] if custodians else None,
                )
                for i, pk in enumerate(chosen)
            )
            audit.record(
                "callback.draw",
                actor=WORKER,
                obj=office,
                after={
                    "month": month.isoformat(),
                    "seed": seed,
                    "share": share,
                    "minimum": minimum,
                    "population": len(pairs),
                    "population_digest": sampling.digest(pairs),
                    "sample": chosen,
                },
            )
    except IntegrityError:
        return 0  # drawn already (by another worker or an earlier pass)
    return len(chosen)


def draw_monthly(now: dt.datetime) -> int:
    """Worker job: in each month, draw the call-backs of last month's concluded clues for every office."""
    month = previous_month(month_start(timezone.localdate(now)))
    done = set(CallbackDraw.objects.filter(month=month).values_list("office_id", flat=True))
    created = 0
    for office in Unit.objects.filter(kind=UnitKind.OFFICE, is_active=True).exclude(pk__in=done):
        created += draw_for_office(office, month)
    return created


def _lock_task(task_id: int, actor: Actor) -> CallbackTask:
    task = (
        CallbackTask.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .select_related("office", "clue")
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise NotVisible()
    return task


@transaction.atomic
def do_assign_callback(task_id: int, *, actor: Actor, assignee: User) -> CallbackTask:
    """The office gives a call-back to one of its identity custodians."""
    task = _lock_task(task_id, actor)
    perm.require(perm.is_office_over(actor, task.office.path), _("只有扫黑办可以分配回访任务。"))
    if not perm.is_custodian_of(assignee, task.office_id):
        raise ActionError("invalid_assignee", _("回访人须为本办的身份信息保管人。"))
    if task.outcome not in (CallbackOutcome.PENDING, CallbackOutcome.UNREACHABLE):
        raise ActionError("done", _("该回访已完成。"))
    before = {"assignee": task.assignee_id}
    task.assignee = assignee
    task.version += 1
    task.save(update_fields=["assignee", "version"])
    audit.record("callback.assign", actor=actor, obj=task, before=before, after={"assignee": assignee.pk})
    return task


def do_reveal_contact(task_id: int, *, actor: Actor, second_factor: bool) -> dict[str, str]:
    """The contact channel of the reporter, for the person doing this call-back only (an audited reveal)."""
    from taizhang.reporters.actions import do_reveal_identity

    task = CallbackTask.objects.visible_to(actor).filter(pk=task_id).first()
    if task is None:
        raise NotVisible()
    perm.require(
        task.assignee_id == getattr(actor, "pk", None), _("只有该回访任务的回访人可以查看联系方式。")
    )
    if task.outcome not in (CallbackOutcome.PENDING, CallbackOutcome.UNREACHABLE):
        raise ActionError("done", _("该回访已完成，不再提供联系方式。"))
    identity = do_reveal_identity(
        task.clue_id,
        actor=actor,
        reason=_("回访任务 #%(t)s：联系实名举报人告知办理结果并了解满意度") % {"t": task.pk},
        second_factor=second_factor,
    )
    contact = {key: identity[key] for key in CONTACT_KEYS if identity.get(key)}
    if not contact:
        raise ActionError("no_contact", _("举报人未留联系方式。"))
    return contact


@transaction.atomic
def do_record_callback(
    task_id: int, *, actor: Actor, outcome: str, notes: str, version: int | None = None
) -> CallbackTask:
    """Record the call-back's outcome; 不满意 puts the clue into the next review campaign."""
    task = _lock_task(task_id, actor)
    allowed = task.assignee_id == getattr(actor, "pk", None) or perm.is_office_over(actor, task.office.path)
    perm.require(allowed, _("只有回访人或扫黑办可以登记回访结果。"))
    check_version(task, version, ["outcome", "notes"])
    check_transition(CALLBACK_TRANSITIONS, task.outcome, outcome, labels=CallbackOutcome)
    notes = (notes or "").strip()
    if outcome in NOTES_REQUIRED and not notes:
        raise ActionError(
            "notes_required", _("“%(o)s”须写明回访情况。") % {"o": CallbackOutcome(outcome).label}
        )
    before = audit.snapshot(task, ["outcome", "notes"])
    task.outcome, task.notes, task.called_at, task.called_by = outcome, notes, clock.now(), person_of(actor)
    task.version += 1
    task.save(update_fields=["outcome", "notes", "called_at", "called_by", "version"])
    audit.record(
        "callback.record",
        actor=actor,
        obj=task,
        before=before,
        after=audit.snapshot(task, ["outcome", "notes"]),
    )
    return task
