"""Who may take which step on a clue they can see (visibility itself is ClueQuerySet.visibility_q)."""

from __future__ import annotations

from taizhang.clues.models import Clue
from taizhang.core.actors import is_system
from taizhang.core.errors import PermissionRefused
from taizhang.org.actors import ActorOrAnonymous
from taizhang.org.choices import RoleCode
from taizhang.org.visibility import scope_of

OFFICE_ACTORS = (RoleCode.OFFICE_STAFF, RoleCode.OFFICE_LEADER)
UNIT_REPORTERS = (RoleCode.LIAISON, RoleCode.HANDLER, RoleCode.UNIT_LEADER, RoleCode.DISCIPLINE_HANDLER)


def can_manage(actor: ActorOrAnonymous, clue: Clue) -> bool:
    """Office staff or leaders of the clue's office or an office above it (group members only read)."""
    if is_system(actor):
        return True
    scope = scope_of(actor)
    return bool(
        scope
        and scope.office_path
        and scope.has(*OFFICE_ACTORS)
        and clue.office.path.startswith(scope.office_path)
    )


def can_report(actor: ActorOrAnonymous, clue: Clue) -> bool:
    """Liaison, handler or leader of the unit the clue is currently assigned to."""
    scope = scope_of(actor)
    return bool(
        scope
        and clue.responsible_unit_id
        and scope.unit_id == clue.responsible_unit_id
        and scope.has(*UNIT_REPORTERS)
    )


def can_sign(actor: ActorOrAnonymous, clue: Clue) -> bool:
    """Only the responsible unit's leader signs a finding (签字背书)."""
    scope = scope_of(actor)
    return bool(scope and scope.unit_id == clue.responsible_unit_id and scope.has(RoleCode.UNIT_LEADER))


def can_answer(actor: ActorOrAnonymous, receiver_unit_id: int) -> bool:
    """People of the receiving unit answer a transfer."""
    scope = scope_of(actor)
    return bool(scope and scope.unit_id == receiver_unit_id and scope.has(*UNIT_REPORTERS))


def require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionRefused(message)
