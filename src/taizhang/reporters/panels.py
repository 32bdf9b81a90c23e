"""Staff home-page panels: unread messages from reporters, and feedback owed to real-name reporters."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max

from taizhang.clues.models import Clue
from taizhang.clues.permissions import OFFICE_ACTORS
from taizhang.org.visibility import scope_of
from taizhang.portal.choices import Sender
from taizhang.portal.models import Message
from taizhang.reporters.choices import FeedbackStatus
from taizhang.reporters.models import FeedbackRecord


def home_panels(request: Any) -> list[dict[str, Any]]:
    scope = scope_of(request.user)
    if scope is None or not scope.office_path or not scope.has(*OFFICE_ACTORS):
        return []
    visible = Clue.objects.visible_to(request.user)
    unread = list(
        Message.objects.filter(sender=Sender.REPORTER, read_at__isnull=True, clue__in=visible.values("pk"))
        .values("clue_id", "clue__number", "clue__summary")
        .annotate(n=Count("id"), last=Max("created_at"))
        .order_by("-last")[:10]
    )
    due = list(
        FeedbackRecord.objects.visible_to(request.user)
        .filter(status__in=[FeedbackStatus.DUE, FeedbackStatus.UNREACHABLE])
        .select_related("clue")
        .only("id", "status", "due_since", "clue_id", "clue__number", "clue__summary")
        .order_by("due_since")[:10]
    )
    if not unread and not due:
        return []
    return [{"template": "reporters/_home_panel.html", "width": 6, "unread": unread, "due": due}]
