"""Who may use the people pages and who decides merges and relations (what they see is people/reading.py)."""

from __future__ import annotations

from typing import Any

from taizhang.org.choices import RoleCode, UnitKind
from taizhang.org.visibility import scope_of

OFFICE_ACTORS = (RoleCode.OFFICE_STAFF, RoleCode.OFFICE_LEADER)


def may_use(user: Any, **_kwargs: Any) -> bool:
    """Office people, the discipline commission (深挖保护伞) and police units (who investigate networks)."""
    scope = scope_of(user)
    return bool(
        scope
        and scope.unit_id
        and (
            scope.office_path or scope.has(RoleCode.DISCIPLINE_HANDLER) or scope.unit_kind == UnitKind.POLICE
        )
    )


def may_decide(user: Any, **_kwargs: Any) -> bool:
    """Office staff and leaders confirm or reject merges, undo them and enter relations."""
    scope = scope_of(user)
    return bool(scope and scope.office_path and scope.has(*OFFICE_ACTORS))
