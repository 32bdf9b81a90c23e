"""Changes to sign-in credentials: one-time enrolment codes for a second factor, and their redemption.

A password alone must never be enough to enrol a second factor: whoever guessed the password would enrol their
own authenticator. So an account of a 2FA role enrols only with a one-time code that another person (an
administrator at /admin/, or the operator at the console with `taizhang enrolment issue`) issued and handed
over out of band. Issuing, redeeming and every wrong code are in the audit log.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from taizhang.accounts.models import EnrolmentCode
from taizhang.core import audit, clock
from taizhang.core.actors import recorded_label
from taizhang.core.errors import ActionError, PermissionRefused
from taizhang.org.actors import Actor
from taizhang.org.models import User

# No 0/O, 1/I/L: a code is read aloud or copied from paper.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_GROUPS, _GROUP_LEN = 4, 4  # 16 symbols of 31: about 79 bits


def _new_code() -> str:
    symbols = "".join(secrets.choice(_ALPHABET) for _ in range(_GROUPS * _GROUP_LEN))
    return "-".join(symbols[i : i + _GROUP_LEN] for i in range(0, len(symbols), _GROUP_LEN))


def do_issue_enrolment_code(user: User, *, actor: Actor) -> str:
    """Issue a one-time enrolment code for `user` (earlier unused codes are voided); the plain code is returned
    once and only its hash is kept. `actor` is the issuing person, or a system actor (`core.actors.CLI`)."""
    if isinstance(actor, User) and actor.pk == user.pk:
        raise PermissionRefused(_("登记码须由另一名管理员签发，不能为自己签发。"))
    code = _new_code()
    now = clock.now()
    label = recorded_label(actor)
    with transaction.atomic():
        EnrolmentCode.objects.filter(user=user, used_at__isnull=True, revoked=False).update(revoked=True)
        row = EnrolmentCode.objects.create(
            user=user,
            code_hash=EnrolmentCode.hash_code(code),
            issued_by=label[:150],
            issued_at=now,
            expires_at=now + dt.timedelta(hours=settings.ENROLMENT_CODE_HOURS),
        )
        audit.record(
            "auth.enrolment_code_issued",
            actor=actor,
            obj=user,
            after={"code_id": row.pk, "expires_at": row.expires_at},
        )
    return code


def find_enrolment_code(user: Any, code: str) -> EnrolmentCode | None:
    """The user's live (unused, unexpired, not voided) code matching `code`, or None (audited)."""
    row = (
        EnrolmentCode.objects.filter(
            user=user,
            code_hash=EnrolmentCode.hash_code(code),
            used_at__isnull=True,
            revoked=False,
            expires_at__gt=clock.now(),
        )
        .only("pk")
        .first()
    )
    audit.record(
        "auth.enrolment_code_accepted" if row else "auth.enrolment_code_refused",
        actor=user,
        obj=user,
        after={"code_id": row.pk} if row else None,
    )
    return row


def do_enrol_device(user: Any, code_id: int, device: TOTPDevice, token: str) -> bool:
    """Confirm `device` with a TOTP `token`, spending enrolment code `code_id`; other devices of the user are
    removed (a new phone replaces a lost one). False when the token is wrong; ActionError when the code was
    spent, voided or expired meanwhile."""
    with transaction.atomic():
        # Locks the code so two tabs cannot spend it twice.
        row = EnrolmentCode.objects.select_for_update().filter(pk=code_id, user=user).first()
        if row is None or row.used_at is not None or row.revoked or row.expires_at <= clock.now():
            raise ActionError(
                "enrolment_code_spent", _("登记码已使用、已作废或已过期，请向管理员申请新的登记码。")
            )
        if device.user_id != user.pk or not device.verify_token(token):
            return False
        row.used_at = clock.now()
        row.save(update_fields=["used_at"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record(
            "auth.otp_enrolled", actor=user, obj=user, after={"code_id": row.pk, "device": device.pk}
        )
    return True


def has_confirmed_device(user: Any) -> bool:
    """True when the person has enrolled a second-factor device."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
