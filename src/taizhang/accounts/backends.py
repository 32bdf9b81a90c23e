"""Sign-in backend: Django's, with the person's unit (and the unit's parent) read with the person."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class UnitModelBackend(ModelBackend):
    """Every signed-in request reads the person's unit (the visibility scope) and, for a member unit, the office
    it answers to (usually its parent): one query instead of three."""

    def get_user(self, user_id: Any) -> Any:
        from taizhang.org.models import User

        # Sliced rather than .first(), which would add an ORDER BY (and Django hashes every selected column
        # to compile one).
        rows = User._default_manager.select_related("unit", "unit__parent").filter(pk=user_id)[:1]
        user = next(iter(rows), None)
        return user if user is not None and self.user_can_authenticate(user) else None
