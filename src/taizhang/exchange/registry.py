"""The key registry: which other instances this one exchanges with, through which unit, under which keys.

A partner is a unit of this tree marked as the upper (parent) or a lower (child) office's own instance, with
that instance's id, its sealing public key and one or more signing keys; a key is revoked, never deleted. A
package is checked against the registry before anything is read: an unknown sender, a partner that left, a
signature under a revoked key, or a direction that does not fit (clues only come down from the parent,
feedback only goes up from a child) is refused and changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from nacl.public import PublicKey
from nacl.signing import VerifyKey

from taizhang.core import audit, clock
from taizhang.core.actors import EXCHANGE, recorded_label
from taizhang.core.errors import ActionError
from taizhang.exchange.models import Conflict, GapAcceptance, Partner, PartnerKey
from taizhang.ferry import package
from taizhang.org.actors import Actor
from taizhang.org.choices import InstanceLink
from taizhang.org.models import Unit

ACTOR = EXCHANGE
# Which relation may send which kind: a package going down comes from our parent, one going up from a child.
SENDER_LINK = {package.EXCHANGE_DOWN: InstanceLink.PARENT, package.EXCHANGE_UP: InstanceLink.CHILD}


def _hex_key(value: Any, kind: type[VerifyKey] | type[PublicKey]) -> str:
    try:
        kind(bytes.fromhex(str(value)))
    except (ValueError, TypeError) as exc:
        raise ActionError("invalid_key", _("公钥格式不正确。")) from exc
    return str(value)


@transaction.atomic
def do_add_partner(*, actor: Actor, unit: Unit, link: str, public: dict[str, Any]) -> Partner:
    """Register another instance (its public half from `taizhang exchange keys public`) as `unit`."""
    if link not in (InstanceLink.PARENT, InstanceLink.CHILD):
        raise ActionError("invalid_link", _("请选择上级或下级。"))
    instance_id = str(public.get("instance_id") or "").strip()
    if not instance_id:
        raise ActionError("required", _("公钥文件缺少实例标识。"))
    verify = _hex_key(public.get("verify_key"), VerifyKey)
    sealing = _hex_key(public.get("sealing_public"), PublicKey)
    if (
        link == InstanceLink.PARENT
        and Partner.objects.filter(unit__instance_link=InstanceLink.PARENT, left_at=None)
        .exclude(unit=unit)
        .exists()
    ):
        raise ActionError("two_parents", _("本实例已登记上级实例，一个实例只有一个上级。"))
    partner, created = Partner.objects.get_or_create(
        instance_id=instance_id, defaults={"unit": unit, "sealing_public": sealing}
    )
    if not created and partner.unit_id != unit.pk:
        raise ActionError("taken", _("该实例已登记为“%(unit)s”。") % {"unit": partner.unit.name})
    partner.sealing_public, partner.left_at = sealing, None
    partner.save(update_fields=["sealing_public", "left_at"])
    PartnerKey.objects.get_or_create(partner=partner, verify_key=verify)
    Unit.objects.filter(pk=unit.pk).update(instance_link=link)
    unit.instance_link = link
    audit.record(
        "exchange.partner_added",
        actor=actor,
        obj=partner,
        after={"unit": unit.name, "link": link, "instance_id": instance_id, "verify_key": verify},
    )
    return partner


@transaction.atomic
def do_revoke_key(*, actor: Actor, partner: Partner, verify_key: str, reason: str) -> PartnerKey:
    """Revoke one of a partner's signing keys: packages signed with it are refused from now on."""
    if not reason.strip():
        raise ActionError("required", _("吊销密钥须说明原因。"))
    key = PartnerKey.objects.select_for_update().filter(partner=partner, verify_key=verify_key).first()
    if key is None:
        raise ActionError("not_found", _("未找到该公钥。"))
    key.revoked_at, key.revoked_reason = clock.now(), reason.strip()[:200]
    key.save(update_fields=["revoked_at", "revoked_reason"])
    audit.record(
        "exchange.key_revoked", actor=actor, obj=partner, after={"verify_key": verify_key}, reason=reason
    )
    return key


@transaction.atomic
def do_leave(*, actor: Actor, partner: Partner, reason: str) -> Partner:
    """The partner leaves the exchange: its packages are refused, the unit is an ordinary unit again (its
    clues handed down stay as they are, with their history)."""
    if not reason.strip():
        raise ActionError("required", _("退出联动须说明原因。"))
    partner.left_at = clock.now()
    partner.save(update_fields=["left_at"])
    Unit.objects.filter(pk=partner.unit_id).update(instance_link=InstanceLink.NONE)
    partner.unit.instance_link = InstanceLink.NONE
    audit.record("exchange.partner_left", actor=actor, obj=partner, reason=reason)
    return partner


def verify(path: Path, *, kind: str, claimed: str, receiver: str) -> tuple[Partner, package.Package]:
    """Check a package from another instance against the registry and its signature, completely."""
    partner = Partner.objects.select_related("unit").filter(instance_id=claimed).first()
    if partner is None:
        raise package.PackageRefused(
            _("数据包来自未登记的实例“%(id)s”，已拒收，未作任何更改。") % {"id": claimed[:60]}
        )
    if partner.left_at is not None:
        raise package.PackageRefused(
            _("“%(unit)s”已退出联动，其数据包不再接收。") % {"unit": partner.unit.name}
        )
    if partner.unit.instance_link != SENDER_LINK.get(kind):
        raise package.PackageRefused(
            _("“%(unit)s”不是本实例的%(want)s，不能发来“%(kind)s”的数据包。")
            % {
                "unit": partner.unit.name,
                "want": InstanceLink(SENDER_LINK[kind]).label,
                "kind": package.kind_label(kind),
            }
        )
    keys = list(
        PartnerKey.objects.filter(partner=partner).order_by(F("revoked_at").asc(nulls_first=True), "-id")
    )
    refusal: package.PackageRefused | None = None
    for key in keys:
        try:
            pkg = package.verify(
                path,
                sender_key=VerifyKey(bytes.fromhex(key.verify_key)),
                sender=partner.instance_id,
                receiver=receiver,
                kind=kind,
            )
        except package.PackageRefused as exc:
            refusal = refusal or exc
            continue
        if key.revoked_at is not None:
            raise package.PackageRefused(
                _("数据包由已吊销的密钥签名（%(at)s 吊销：%(why)s），已拒收。")
                % {"at": key.revoked_at.strftime("%Y-%m-%d"), "why": key.revoked_reason},
                digest=pkg.digest,
                sequence=pkg.sequence,
            )
        return partner, pkg
    raise refusal or package.PackageRefused(_("未登记该实例的签名公钥。"))


@transaction.atomic
def do_resolve_conflict(conflict_id: int, *, actor: Actor, note: str) -> None:
    """A person has looked at a conflict and says what was decided (the local decision stands)."""
    conflict = Conflict.objects.select_for_update().filter(pk=conflict_id, resolved_at=None).first()
    if conflict is None:
        raise ActionError("not_found", _("该冲突不存在或已处理。"))
    note = note.strip()
    if not note:
        raise ActionError("required", _("请填写处理说明。"))
    conflict.resolved_at, conflict.resolved_note = clock.now(), note[:200]
    conflict.save(update_fields=["resolved_at", "resolved_note"])
    audit.record(
        "exchange.conflict_resolved",
        actor=actor,
        object_type="clues.clue",
        object_id=conflict.clue_id,
        after={"step": conflict.step, "body": note[:200]},
    )


@transaction.atomic
def do_accept_gap(*, actor: Actor, partner: Partner, missing: list[int], reason: str) -> GapAcceptance:
    """Accept, from the page, that the packages `missing` from `partner` will not come: the worker's next pass
    applies the package waiting behind them with this reason (a request does not import a package)."""
    reason = reason.strip()
    if not reason:
        raise ActionError("required", _("确认缺号须说明原因。"))
    if not missing:
        raise ActionError("no_gap", _("该实例目前没有缺少的数据包。"))
    Partner.objects.select_for_update().filter(pk=partner.pk).first()
    if GapAcceptance.objects.filter(partner=partner, used_at=None).exists():
        raise ActionError("pending", _("已确认缺号，正在等待下一次自动导入。"))
    accepted = GapAcceptance.objects.create(
        partner=partner,
        missing="、".join(str(n) for n in missing)[:200],
        reason=reason[:200],
        accepted_by=recorded_label(actor)[:150],
    )
    audit.record(
        "exchange.gap_accept_requested",
        actor=actor,
        obj=partner,
        after={"missing": missing},
        reason=reason[:200],
    )
    return accepted
