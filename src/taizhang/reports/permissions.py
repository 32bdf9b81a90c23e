"""Who may take which step on a report they can see (visibility is UnitTreeQuerySet.visibility_q)."""

from __future__ import annotations

from taizhang.core.errors import PermissionRefused
from taizhang.org.actors import ActorOrAnonymous
from taizhang.org.choices import RoleCode
from taizhang.org.models import Unit
from taizhang.org.visibility import scope_of

DRAFTERS = (RoleCode.LIAISON, RoleCode.UNIT_LEADER, RoleCode.OFFICE_STAFF, RoleCode.OFFICE_LEADER)
OFFICE_ACTORS = (RoleCode.OFFICE_STAFF, RoleCode.OFFICE_LEADER)


def can_draft(actor: ActorOrAnonymous, unit: Unit) -> bool:
    """The unit's liaison (or leader) drafts; an office drafts its own report too."""
    scope = scope_of(actor)
    return bool(scope and scope.unit_id == unit.pk and scope.has(*DRAFTERS))


def can_submit(actor: ActorOrAnonymous, unit: Unit) -> bool:
    """Only the unit's leader submits (for an office: its leader)."""
    scope = scope_of(actor)
    return bool(
        scope and scope.unit_id == unit.pk and scope.has(RoleCode.UNIT_LEADER, RoleCode.OFFICE_LEADER)
    )


def can_review(actor: ActorOrAnonymous, unit: Unit) -> bool:
    """Office staff or leaders of an office above the unit (an office does not review its own report)."""
    scope = scope_of(actor)
    return bool(
        scope
        and scope.office_path
        and scope.has(*OFFICE_ACTORS)
        and unit.path.startswith(scope.office_path)
        and unit.path != scope.office_path
    )


def can_manage_office(actor: ActorOrAnonymous, office: Unit) -> bool:
    """Office staff or leaders of this office (bulletin notes, assessment deductions, legacy figures)."""
    scope = scope_of(actor)
    return bool(
        scope
        and scope.office_path
        and scope.has(*OFFICE_ACTORS)
        and office.path.startswith(scope.office_path)
    )


def can_record_for(actor: ActorOrAnonymous, unit: Unit) -> bool:
    """Legacy figures: the unit's own liaison/leader, or office staff above it."""
    scope = scope_of(actor)
    if scope is None:
        return False
    if scope.unit_id == unit.pk and scope.has(*DRAFTERS):
        return True
    return bool(scope.office_path and scope.has(*OFFICE_ACTORS) and unit.path.startswith(scope.office_path))


def require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionRefused(message)
