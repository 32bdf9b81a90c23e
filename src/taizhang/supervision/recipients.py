"""Who is told: the people of a unit by role, cached for one worker pass or one event."""

from __future__ import annotations

from collections import defaultdict

from taizhang.org.choices import RoleCode
from taizhang.org.models import User

OFFICE_RECEIVERS = (RoleCode.OFFICE_STAFF, RoleCode.OFFICE_LEADER)


class Directory:
    """Active people per (unit, role), loaded lazily per unit; one instance per worker pass."""

    def __init__(self) -> None:
        self._by_unit: dict[int, dict[str, list[int]]] = {}
        self._answers: dict[tuple[int, tuple[str, ...]], list[int]] = {}
        self.users: dict[int, User] = {}

    def _load(self, unit_id: int) -> dict[str, list[int]]:
        found = self._by_unit.get(unit_id)
        if found is None:
            found = defaultdict(list)
            rows = User.objects.filter(unit_id=unit_id, is_active=True).values_list("pk", "roles__code")
            for pk, code in rows:
                if code:
                    found[code].append(pk)
            self._by_unit[unit_id] = found
        return found

    def with_roles(self, unit_id: int | None, *codes: str) -> list[int]:
        """Ids of the unit's active people holding any of the roles (a shared list: callers do not mutate it)."""
        if not unit_id:
            return []
        found = self._answers.get((unit_id, codes))
        if found is None:
            by_role = self._load(unit_id)
            seen: dict[int, None] = {}
            for code in codes:
                for pk in by_role.get(code, []):
                    seen[pk] = None
            found = self._answers[unit_id, codes] = list(seen)
        return found

    def liaisons(self, unit_id: int | None) -> list[int]:
        """The unit liaison(s); a unit without one falls back to its handlers."""
        found = self.with_roles(unit_id, RoleCode.LIAISON)
        return found or self.with_roles(unit_id, RoleCode.HANDLER, RoleCode.DISCIPLINE_HANDLER)

    def leaders(self, unit_id: int | None) -> list[int]:
        return self.with_roles(unit_id, RoleCode.UNIT_LEADER)

    def office(self, office_id: int | None) -> list[int]:
        return self.with_roles(office_id, *OFFICE_RECEIVERS)

    def office_leaders(self, office_id: int | None) -> list[int]:
        return self.with_roles(office_id, RoleCode.OFFICE_LEADER) or self.office(office_id)

    def people(self, ids: list[int]) -> list[User]:
        missing = [pk for pk in ids if pk not in self.users]
        if missing:
            self.users.update(User.objects.in_bulk(missing))
        return [self.users[pk] for pk in ids if pk in self.users]
