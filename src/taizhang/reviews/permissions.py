"""Who may do what in reviews and call-backs on records they can see (visibility is in the querysets)."""

from __future__ import annotations

from typing import Any

from taizhang.core.actors import is_system
from taizhang.core.errors import PermissionRefused
from taizhang.org.actors import ActorOrAnonymous
from taizhang.org.choices import RoleCode
from taizhang.org.visibility import scope_of

OFFICE_ACTORS = (RoleCode.OFFICE_STAFF, RoleCode.OFFICE_LEADER)
REVIEWERS = (
    RoleCode.LIAISON,
    RoleCode.HANDLER,
    RoleCode.UNIT_LEADER,
    RoleCode.DISCIPLINE_HANDLER,
    RoleCode.OFFICE_STAFF,
    RoleCode.OFFICE_LEADER,
)


def is_office_over(actor: ActorOrAnonymous, path: str) -> bool:
    """Office staff or leader of the office at `path` or above it."""
    if is_system(actor):
        return True
    scope = scope_of(actor)
    return bool(
        scope and scope.office_path and scope.has(*OFFICE_ACTORS) and path.startswith(scope.office_path)
    )


def is_office_leader_over(actor: ActorOrAnonymous, path: str) -> bool:
    """The office leader who signs a campaign's result (签批)."""
    scope = scope_of(actor)
    return bool(
        scope
        and scope.office_path
        and scope.has(RoleCode.OFFICE_LEADER)
        and path.startswith(scope.office_path)
    )


def is_reviewer(actor: ActorOrAnonymous, unit_id: int | None) -> bool:
    """A person of the reviewing unit who may record verdicts."""
    scope = scope_of(actor)
    return bool(scope and unit_id and scope.unit_id == unit_id and scope.has(*REVIEWERS))


def is_custodian_of(user: Any, office_id: int) -> bool:
    """An identity custodian of the office (the people who may open a reporter's contact)."""
    scope = scope_of(user)
    return bool(scope and scope.unit_id == office_id and scope.has(RoleCode.IDENTITY_CUSTODIAN))


def require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionRefused(message)
