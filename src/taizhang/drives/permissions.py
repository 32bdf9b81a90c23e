"""Who may do what to drives, rounds and returns they can see (visibility itself is in the querysets)."""

from __future__ import annotations

from typing import Any

from taizhang.core.actors import is_system
from taizhang.core.errors import PermissionRefused
from taizhang.org.actors import ActorOrAnonymous
from taizhang.org.choices import RoleCode
from taizhang.org.visibility import scope_of

OFFICE_ACTORS = (RoleCode.OFFICE_STAFF, RoleCode.OFFICE_LEADER)
UNIT_ACTORS = (RoleCode.LIAISON, RoleCode.HANDLER, RoleCode.UNIT_LEADER, RoleCode.DISCIPLINE_HANDLER)


def is_office_over(actor: ActorOrAnonymous, path: str) -> bool:
    """Office staff or leader of the office at `path` or above it."""
    if is_system(actor):
        return True
    scope = scope_of(actor)
    return bool(
        scope and scope.office_path and scope.has(*OFFICE_ACTORS) and path.startswith(scope.office_path)
    )


def is_unit_actor(actor: ActorOrAnonymous, unit_id: int) -> bool:
    """Liaison, handler or leader of the unit."""
    scope = scope_of(actor)
    return bool(scope and scope.unit_id == unit_id and scope.has(*UNIT_ACTORS))


def can_organise(actor: ActorOrAnonymous, drive: Any) -> bool:
    """The organising office (or one above it) runs the drive: rounds, registration, rectification."""
    return is_office_over(actor, drive.office.path)


def require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionRefused(message)
