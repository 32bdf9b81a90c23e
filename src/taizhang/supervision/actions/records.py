"""Urging notices, listed supervision, admonition talks, point notices and reading notifications."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.clues.models import Clue
from taizhang.core import audit, deadlines
from taizhang.core.errors import ActionError, NotVisible, PermissionRefused
from taizhang.core.signals import emit_on_commit
from taizhang.core.workflow import check_transition, check_version
from taizhang.org.actors import Actor
from taizhang.org.models import Unit, User
from taizhang.org.visibility import scope_of
from taizhang.supervision import owners
from taizhang.supervision.audience import label_of as message_label
from taizhang.supervision.choices import LISTING_TRANSITIONS, ListingLevel, ListingStatus, step_label
from taizhang.supervision.models import ListedSupervision, Notification, PointNotice, Talk, UrgingNotice
from taizhang.supervision.notify import notify
from taizhang.supervision.permissions import can_supervise, is_unit_actor, require
from taizhang.supervision.recipients import Directory
from taizhang.supervision.targets import label_of, url_of

LISTING_FIELDS = ["status", "level", "deadline_at", "unit", "lifted_at", "version"]


def _required(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ActionError("required", message)
    return value


def _visible_target(target: Model, actor: Actor) -> Model:
    qs: Any = type(target)._default_manager.all()
    if not hasattr(qs, "visible_to") or not qs.visible_to(actor).filter(pk=target.pk).exists():
        raise NotVisible()
    return target


def _responsible_unit_id(target: Model) -> int | None:
    """The unit urged: for a clue, the unit that owes its current step (supervision/owners.py: a receiver
    registering a transfer, else the responsible unit); for a task or listed item, its owner."""
    if isinstance(target, Clue) and target.deadline_step:
        owner, is_office = owners.owner_of(
            status=target.status,
            step=target.deadline_step,
            responsible_unit_id=target.responsible_unit_id,
            office_id=target.office_id,
            receiver_id=owners.receiver_of(target.pk),
        )
        if not is_office:
            return owner
    for name in ("responsible_unit_id", "owner_unit_id", "unit_id"):
        value = getattr(target, name, None)
        if value:
            return int(value)
    return None


def _own_office(actor: User) -> Unit:
    scope = scope_of(actor)
    if scope is None or not scope.office_path or actor.unit is None:
        raise ActionError("forbidden", _("只有扫黑办人员可以执行此操作。"))
    return actor.unit


@transaction.atomic
def do_issue_urging_notice(
    target: Model, *, actor: User, note: str = "", reply_workdays: int = 2
) -> UrgingNotice:
    """Office staff issue a 催办单 by hand for a clue or task (the worker issues them when work is overdue)."""
    _visible_target(target, actor)
    office = _own_office(actor)
    unit_id = _responsible_unit_id(target)
    unit = Unit.objects.filter(pk=unit_id).first() if unit_id else None
    if unit is None or not can_supervise(actor, unit):
        raise PermissionRefused(_("只能向本级及下级管辖范围内的责任单位催办。"))
    now = timezone.now()
    deadline = getattr(target, "deadline_at", None) or getattr(target, "due_at", None)
    reply_by = deadlines.add_workdays(now, reply_workdays)
    label = label_of(target)[:240]
    body = _required(note, _("请填写催办内容。"))
    notice = UrgingNotice.objects.create(
        number=f"{timezone.localtime(now):%Y}-CB-M{uuid.uuid4().hex[:6].upper()}",
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        target_label=label,
        office=office,
        unit=unit,
        step=step_label(str(getattr(target, "deadline_step", "") or "")),  # as the worker stores it
        deadline_at=deadline,
        reply_by=reply_by,
        body=body,
        issued_at=now,
        issued_by=actor,
        key=f"manual:{uuid.uuid4().hex}",
    )
    audit.record(
        "urging.issue", actor=actor, obj=notice, after={"target": label, "unit": unit.pk}, reason=body
    )
    audit.record("urging.issued_on", actor=actor, obj=target, after={"notice": notice.number})
    url = url_of(target)

    def _tell() -> None:
        d = Directory()
        ids = d.liaisons(unit.pk) + d.leaders(unit.pk)
        notify(
            d.people(ids),
            title=_("【催办】%(label)s") % {"label": message_label(target)[:60]},
            body="" if getattr(target, "is_umbrella", False) else body,
            url=url,
            key=f"urging:{notice.pk}",
            about=target,
        )

    transaction.on_commit(_tell)
    return notice


@transaction.atomic
def do_list_target(
    target: Model,
    *,
    actor: User,
    level: str,
    authority: str,
    reason: str,
    deadline_at: dt.datetime,
    requirements: str = "",
    document_number: str = "",
) -> ListedSupervision:
    """挂牌督办: record that an office (at a level) lists a clue or case for supervision with its own deadline."""
    _visible_target(target, actor)
    office = _own_office(actor)
    require(can_supervise(actor, office), _("只有扫黑办工作人员可以登记挂牌督办。"))
    if level not in ListingLevel.values:
        raise ActionError("required", _("请选择挂牌级别。"))
    if deadline_at <= timezone.now():
        raise ActionError("invalid_date", _("督办时限须晚于当前时间。"))
    # Lock the target row: two people listing the same item at the same level at once get one listing.
    type(target)._default_manager.select_for_update().filter(pk=target.pk).first()
    listing = ListedSupervision(
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        target_label=label_of(target)[:240],
        level=level,
        authority=_required(authority, _("请填写挂牌机关。"))[:100],
        office=office,
        unit_id=_responsible_unit_id(target),
        document_number=document_number[:60],
        reason=_required(reason, _("请填写督办事由。")),
        requirements=requirements,
        listed_at=timezone.now(),
        deadline_at=deadline_at,
        listed_by=actor,
    )
    try:
        with transaction.atomic():
            listing.save()
    except IntegrityError as exc:
        raise ActionError("already_listed", _("该事项已被同级挂牌督办。")) from exc
    audit.record(
        "listing.list", actor=actor, obj=listing, after=audit.snapshot(listing, LISTING_FIELDS), reason=reason
    )
    audit.record("listing.listed_on", actor=actor, obj=target, after={"listing": listing.pk, "level": level})
    emit_on_commit(
        model="supervision.listedsupervision", object_id=listing.pk, action="listing.list", actor=actor
    )
    url = url_of(target)

    def _tell() -> None:
        if listing.unit_id:
            d = Directory()
            notify(
                d.people(d.liaisons(listing.unit_id) + d.leaders(listing.unit_id)),
                title=_("【挂牌督办】%(label)s 已被%(level)s，请按期办结")
                % {
                    "label": message_label(target)[:60],
                    "level": listing.get_level_display(),
                },
                body="" if getattr(target, "is_umbrella", False) else listing.reason,
                url=url,
                key=f"listing:{listing.pk}:listed",
                about=target,
            )

    transaction.on_commit(_tell)
    return listing


@transaction.atomic
def do_lift_listing(
    listing_id: int, *, actor: Actor, note: str, version: int | None = None
) -> ListedSupervision:
    """摘牌: end a listed supervision once its matter is resolved, with a note."""
    listing = (
        ListedSupervision.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .filter(pk=listing_id)
        .first()
    )
    if listing is None:
        raise NotVisible()
    require(can_supervise(actor, listing.office), _("只有登记挂牌的扫黑办可以摘牌。"))
    check_version(listing, version, ["status", "deadline_at"])
    check_transition(LISTING_TRANSITIONS, listing.status, ListingStatus.LIFTED, labels=ListingStatus)
    before = audit.snapshot(listing, LISTING_FIELDS)
    listing.status = ListingStatus.LIFTED
    listing.lifted_at, listing.lifted_by = timezone.now(), actor
    listing.lifted_note = _required(note, _("请填写摘牌说明。"))
    listing.version += 1
    listing.save(update_fields=["status", "lifted_at", "lifted_by", "lifted_note", "version"])
    audit.record(
        "listing.lift",
        actor=actor,
        obj=listing,
        before=before,
        after=audit.snapshot(listing, LISTING_FIELDS),
        reason=note,
    )
    emit_on_commit(
        model="supervision.listedsupervision", object_id=listing.pk, action="listing.lift", actor=actor
    )
    return listing


@transaction.atomic
def do_record_talk(
    *,
    actor: User,
    unit: Unit,
    persons: str,
    conducted_by: str,
    held_at: dt.datetime,
    reason: str,
    outcome: str = "",
    place: str = "",
    clue: Any = None,
) -> Talk:
    """约谈: record an admonition talk with a unit's leaders (who, when, why, outcome)."""
    office = _own_office(actor)
    require(can_supervise(actor, unit), _("只能约谈本级及下级管辖范围内的单位。"))
    if clue is not None:
        _visible_target(clue, actor)
    talk = Talk.objects.create(
        office=office,
        unit=unit,
        persons=_required(persons, _("请填写被约谈人。"))[:200],
        conducted_by=_required(conducted_by, _("请填写约谈人。"))[:200],
        held_at=held_at,
        place=place[:100],
        reason=_required(reason, _("请填写约谈事由。")),
        outcome=outcome,
        clue=clue,
        recorded_by=actor,
    )
    audit.record(
        "talk.record", actor=actor, obj=talk, after={"unit": unit.pk, "persons": talk.persons}, reason=reason
    )
    emit_on_commit(model="supervision.talk", object_id=talk.pk, action="talk.record", actor=actor)
    return talk


@transaction.atomic
def do_issue_point_notice(*, actor: User, unit: Unit, title: str, body: str, clue: Any = None) -> PointNotice:
    """点对点通报: send a notice to one unit; its liaison and leaders are told and the unit acknowledges it."""
    office = _own_office(actor)
    require(can_supervise(actor, unit), _("只能向本级及下级管辖范围内的单位通报。"))
    if clue is not None:
        _visible_target(clue, actor)
    notice = PointNotice.objects.create(
        office=office,
        unit=unit,
        title=_required(title, _("请填写通报标题。"))[:120],
        body=_required(body, _("请填写通报内容。")),
        clue=clue,
        issued_at=timezone.now(),
        issued_by=actor,
    )
    audit.record(
        "point_notice.issue", actor=actor, obj=notice, after={"unit": unit.pk, "title": notice.title}
    )
    emit_on_commit(
        model="supervision.pointnotice", object_id=notice.pk, action="point_notice.issue", actor=actor
    )
    from django.urls import reverse

    url = reverse("supervision:notice_detail", args=[notice.pk])

    def _tell() -> None:
        d = Directory()
        notify(
            d.people(d.liaisons(unit.pk) + d.leaders(unit.pk)),
            title=_("【通报】%(t)s") % {"t": notice.title},
            body=notice.body[:500],
            url=url,
            key=f"point_notice:{notice.pk}",
            about=notice,
        )

    transaction.on_commit(_tell)
    return notice


@transaction.atomic
def do_acknowledge_point_notice(notice_id: int, *, actor: Actor) -> PointNotice:
    """The notified unit signs for a point notice (签收); signing twice changes nothing."""
    notice = (
        PointNotice.objects.visible_to(actor).select_for_update(of=("self",)).filter(pk=notice_id).first()
    )
    if notice is None:
        raise NotVisible()
    require(is_unit_actor(actor, notice.unit_id), _("只有被通报单位可以签收。"))
    if notice.acknowledged_at is None:
        notice.acknowledged_at, notice.acknowledged_by = timezone.now(), actor
        notice.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit.record(
            "point_notice.acknowledge", actor=actor, obj=notice, after={"at": notice.acknowledged_at}
        )
    return notice


@transaction.atomic
def do_mark_notifications_read(*, actor: Actor, ids: list[int] | None = None) -> int:
    """Mark the person's own notifications read (all unread ones when ids is None); return how many changed."""
    qs = Notification.objects.visible_to(actor).filter(read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
