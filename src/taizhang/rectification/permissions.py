"""Who may do what to letters, problem lists and measures they can see (visibility is in the querysets)."""

from __future__ import annotations

from typing import Any

from taizhang.core.actors import is_system
from taizhang.core.errors import PermissionRefused
from taizhang.org.actors import ActorOrAnonymous
from taizhang.org.choices import RoleCode, UnitKind
from taizhang.org.visibility import scope_of

OFFICE_ACTORS = (RoleCode.OFFICE_STAFF, RoleCode.OFFICE_LEADER)
UNIT_ACTORS = (RoleCode.LIAISON, RoleCode.HANDLER, RoleCode.UNIT_LEADER, RoleCode.DISCIPLINE_HANDLER)
ISSUER_KINDS = (UnitKind.COURT, UnitKind.PROCURATORATE, UnitKind.DISCIPLINE, UnitKind.POLICE)


def is_office_over(actor: ActorOrAnonymous, path: str) -> bool:
    """Office staff or leader of the office at `path` or above it."""
    if is_system(actor):
        return True
    scope = scope_of(actor)
    return bool(
        scope and scope.office_path and scope.has(*OFFICE_ACTORS) and path.startswith(scope.office_path)
    )


def is_unit_actor(actor: ActorOrAnonymous, unit_ids: set[int]) -> bool:
    """Liaison, handler or leader of one of `unit_ids`."""
    if is_system(actor):
        return True
    scope = scope_of(actor)
    return bool(scope and scope.unit_id in unit_ids and scope.has(*UNIT_ACTORS))


def can_issue_letter(actor: ActorOrAnonymous, issuer: Any) -> bool:
    """A court, procuratorate, discipline commission or police unit registers its own letters; offices too."""
    if is_office_over(actor, issuer.path):
        return True
    return issuer.kind in ISSUER_KINDS and is_unit_actor(actor, {issuer.pk})


def require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionRefused(message)
