"""The exchange's contribution to 我的待办: what the upper office sent down and is not yet answered."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from taizhang.clues.models import Clue
from taizhang.exchange.models import FromAbove
from taizhang.exchange.supervise import DOWN_LABELS
from taizhang.org.choices import RoleCode
from taizhang.org.visibility import scope_of
from taizhang.supervision.worklist import Todo

LIMIT = 200


def todos_for(user: Any) -> list[Todo]:
    scope = scope_of(user)
    if not (scope and scope.office_path and scope.has(RoleCode.OFFICE_STAFF, RoleCode.OFFICE_LEADER)):
        return []
    visible = Clue.objects.visible_to(user).values("id")
    items = (
        FromAbove.objects.filter(answered_at=None, clue_id__in=visible)
        .select_related("clue", "partner__unit")
        .order_by("due_at", "at")[:LIMIT]
    )
    return [
        Todo(
            title=_("上级%(step)s：%(number)s %(summary)s")
            % {
                "step": DOWN_LABELS.get(item.step, item.step),
                "number": item.clue.number,
                "summary": item.clue.summary,
            },
            url=reverse("clues:detail", args=[item.clue_id]),
            due_at=item.due_at,
            kind="exchange",
            detail=item.text[:200],
        )
        for item in items
    ]
