"""Who may take which supervision step on a record they can see."""

from __future__ import annotations

from typing import Any

from taizhang.core.errors import PermissionRefused
from taizhang.org.actors import ActorOrAnonymous
from taizhang.org.choices import RoleCode
from taizhang.org.visibility import scope_of

OFFICE_ACTORS = (RoleCode.OFFICE_STAFF, RoleCode.OFFICE_LEADER)
UNIT_ACTORS = (RoleCode.LIAISON, RoleCode.HANDLER, RoleCode.UNIT_LEADER, RoleCode.DISCIPLINE_HANDLER)


def is_office_actor(actor: ActorOrAnonymous) -> bool:
    """Office staff or leaders (group members only read)."""
    scope = scope_of(actor)
    return bool(scope and scope.office_path and scope.has(*OFFICE_ACTORS))


def can_supervise(actor: ActorOrAnonymous, unit: Any) -> bool:
    """Office staff or leaders of an office at or above `unit` (an office or any unit in its tree)."""
    scope = scope_of(actor)
    return bool(
        scope and scope.office_path and scope.has(*OFFICE_ACTORS) and unit.path.startswith(scope.office_path)
    )


def is_unit_actor(actor: ActorOrAnonymous, unit_id: int | None) -> bool:
    """Liaison, handler or leader of the unit."""
    scope = scope_of(actor)
    return bool(scope and unit_id and scope.unit_id == unit_id and scope.has(*UNIT_ACTORS))


def require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionRefused(message)
