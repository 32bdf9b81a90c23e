"""Who may do what in publicity (visibility itself is each model's queryset rule)."""

from __future__ import annotations

from taizhang.cases import permissions as case_perm
from taizhang.cases.models import Case
from taizhang.org.actors import ActorOrAnonymous
from taizhang.org.choices import RoleCode
from taizhang.org.models import Unit
from taizhang.org.visibility import scope_of

is_system = case_perm.is_system
require = case_perm.require
UNIT_ACTORS = (RoleCode.LIAISON, RoleCode.HANDLER, RoleCode.UNIT_LEADER)


def can_draft_typical(actor: ActorOrAnonymous, case: Case) -> bool:
    return case_perm.can_manage(actor, case)


def can_approve_typical(actor: ActorOrAnonymous, case: Case) -> bool:
    """The office leader of the case's office (or above) approves what may be published."""
    if is_system(actor):
        return True
    scope = scope_of(actor)
    return bool(
        scope
        and scope.office_path
        and scope.has(RoleCode.OFFICE_LEADER)
        and case.office.path.startswith(scope.office_path)
    )


def can_record_activity(actor: ActorOrAnonymous, unit: Unit) -> bool:
    """A unit's liaison records its own activities; the office records for any unit of its tree."""
    if is_system(actor):
        return True
    scope = scope_of(actor)
    if scope is None:
        return False
    if scope.office_path and scope.has(*case_perm.OFFICE_ACTORS):
        return unit.path.startswith(scope.office_path)
    return scope.unit_id == unit.pk and scope.has(*UNIT_ACTORS)


def can_run_survey(actor: ActorOrAnonymous, office: Unit) -> bool:
    if is_system(actor):
        return True
    scope = scope_of(actor)
    return bool(
        scope
        and scope.office_path
        and scope.has(*case_perm.OFFICE_ACTORS)
        and office.path.startswith(scope.office_path)
    )
