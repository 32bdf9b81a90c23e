"""Who may do what to a case they can see (visibility itself is CaseQuerySet.visibility_q)."""

from __future__ import annotations

from taizhang.cases.models import Case
from taizhang.clues.visibility.rule import reaches_umbrella
from taizhang.core.actors import is_system
from taizhang.core.errors import PermissionRefused
from taizhang.org.actors import ActorOrAnonymous
from taizhang.org.choices import RoleCode, UnitKind
from taizhang.org.models import Unit
from taizhang.org.visibility import scope_of

OFFICE_ACTORS = (RoleCode.OFFICE_STAFF, RoleCode.OFFICE_LEADER)
UNIT_ACTORS = (RoleCode.LIAISON, RoleCode.HANDLER, RoleCode.UNIT_LEADER)
JUDICIAL_KINDS = (UnitKind.POLICE, UnitKind.PROCURATORATE, UnitKind.COURT)


def can_manage(actor: ActorOrAnonymous, case: Case) -> bool:
    """Office staff or leaders of the case's office or an office above it."""
    if is_system(actor):
        return True
    scope = scope_of(actor)
    return bool(
        scope
        and scope.office_path
        and scope.has(*OFFICE_ACTORS)
        and case.office.path.startswith(scope.office_path)
    )


def can_register(actor: ActorOrAnonymous, office: Unit) -> bool:
    """Office staff register cases; a police unit under the office reports one directly."""
    if is_system(actor):
        return True
    scope = scope_of(actor)
    if scope is None:
        return False
    if scope.office_path and scope.has(*OFFICE_ACTORS):
        return office.path.startswith(scope.office_path)
    return (
        scope.unit_kind == UnitKind.POLICE
        and scope.has(*UNIT_ACTORS)
        and scope.home_office_path == office.path
    )


def can_record_stage(actor: ActorOrAnonymous, case: Case, handling_ids: set[int]) -> bool:
    """The office, or the police/procuratorate/court handling the case, record its stages."""
    if can_manage(actor, case):
        return True
    scope = scope_of(actor)
    return bool(
        scope
        and scope.unit_id in handling_ids
        and scope.unit_kind in JUDICIAL_KINDS
        and scope.has(*UNIT_ACTORS)
    )


def can_screen(actor: ActorOrAnonymous, case: Case) -> bool:
    """The office or a discipline-commission handler of the office's tree screens a case for 保护伞."""
    if can_manage(actor, case):
        return True
    scope = scope_of(actor)
    return bool(
        scope
        and scope.has(RoleCode.DISCIPLINE_HANDLER)
        and scope.home_office_path
        and case.office.path.startswith(scope.home_office_path)
    )


def require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionRefused(message)


def sees_umbrella_part(actor: ActorOrAnonymous, case: Case) -> bool:
    """Who reads a case's 保护伞 and accountability parts: the same people who see 保护伞 clues — office leaders
    over their tree and discipline-commission handlers over the tree of the office they answer to."""
    if is_system(actor):
        return True
    scope = scope_of(actor)
    return scope is not None and reaches_umbrella(scope, case.office.path)
