"""Who may do what about a clue's reporter (on top of seeing the clue at all)."""

from __future__ import annotations

from typing import Any

from taizhang.accounts.twofactor import is_verified
from taizhang.clues import permissions as clue_perm
from taizhang.clues.models import Clue
from taizhang.org.choices import RoleCode
from taizhang.org.models import Role
from taizhang.org.visibility import scope_of


def is_custodian(user: Any) -> bool:
    """Holds the identity-custodian role."""
    scope = scope_of(user)
    return bool(scope and scope.has(RoleCode.IDENTITY_CUSTODIAN))


def custodian_needs_2fa() -> bool:
    """Whether the administrator requires two-factor sign-in for custodians (it does by default)."""
    role = Role.objects.filter(code=RoleCode.IDENTITY_CUSTODIAN).only("requires_2fa").first()
    return bool(role is None or role.requires_2fa)


def has_second_factor(user: Any) -> bool:
    """The session passed TOTP (a user signed in by API token never has, so tokens cannot reveal)."""
    return is_verified(user)


def can_talk_to_reporter(user: Any, clue: Clue) -> bool:
    """Office staff managing the clue reply to the reporter, set the released outcome and record feedback."""
    return clue_perm.can_manage(user, clue)
