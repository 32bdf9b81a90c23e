"""Home-page panel: what is waiting for the viewer in the clue ledger (counts within what they may see)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.clues.choices import DUE_SOON, OPEN_STATUSES, WITH_UNIT_STATUSES, ClueStatus
from taizhang.clues.models import Clue, Transfer
from taizhang.clues.permissions import OFFICE_ACTORS, UNIT_REPORTERS
from taizhang.clues.visibility import answers
from taizhang.org.choices import RoleCode
from taizhang.org.visibility import scope_of


def overdue_count(request: HttpRequest) -> int:
    """How many open clues the person sees are past their deadline: the ledger panel's 超期未办 and the
    supervision panel's figure for an office, one definition (ClueQuerySet.overdue) counted once per request
    (the home page asked it twice: 38 ms each at 1,000,000 clues)."""
    found = getattr(request, "_taizhang_overdue_clues", None)
    if found is None:
        found = Clue.objects.visible_to(request.user).overdue(timezone.now()).count()
        request._taizhang_overdue_clues = found  # type: ignore[attr-defined]
    return found


def home_panels(request: HttpRequest) -> list[dict[str, Any]]:
    scope = scope_of(request.user)
    if scope is None or scope.unit_id is None:
        return []
    now = timezone.now()
    soon = now + DUE_SOON
    url = reverse("clues:list")
    visible = Clue.objects.visible_to(request.user)
    items: list[dict[str, Any]] = []
    if scope.office_path and scope.has(*OFFICE_ACTORS, RoleCode.GROUP_MEMBER):
        # The counts per status come from the ledger's own source (the trigger-kept tally for office people,
        # counted live otherwise): counting a whole city's clues on every visit to the home page would read
        # all of them. Only the overdue count, which depends on the hour, reads the open clues.
        by_status = answers.visible_status_counts(request.user, {})
        c = {
            "registered": by_status.get(ClueStatus.REGISTERED, 0),
            "triaged": by_status.get(ClueStatus.TRIAGED, 0),
            "review": by_status.get(ClueStatus.UNDER_REVIEW, 0),
            "open": sum(n for status, n in by_status.items() if status in OPEN_STATUSES),
            "overdue": overdue_count(request),
        }
        items = [
            {"label": _("待分流"), "count": c["registered"], "url": f"{url}?status=registered"},
            {"label": _("待交办"), "count": c["triaged"], "url": f"{url}?status=triaged"},
            {"label": _("待审核"), "count": c["review"], "url": f"{url}?status=under_review"},
            {
                "label": _("超期未办"),
                "count": c["overdue"],
                "url": f"{url}?overdue=1&sort=deadline_at",
                "alert": True,
            },
            {
                "label": _("在办线索"),
                "count": c["open"],
                "url": f"{url}?" + "&".join(f"status={s}" for s in sorted(OPEN_STATUSES)),
            },
        ]
    elif scope.has(*UNIT_REPORTERS):
        mine = Q(responsible_unit_id=scope.unit_id, status__in=WITH_UNIT_STATUSES)
        unanswered = Transfer.objects.awaiting_answer_from(scope.unit_id)
        incoming = Q(status=ClueStatus.TRANSFERRED, pk__in=unanswered.values("clue_id"))
        # Only the unit's own clues and, apart (an OR of the two would read every transferred clue), the
        # transfers waiting for it: not all the unit ever handled. A member unit's own HandledClue rows carry
        # the columns asked, so an index answers where they exist (at 1,000,000 clues 81 -> 15 ms).
        rows = answers.counted_rows(request.user)
        own, key = (visible, "id") if rows is None else (rows, "clue_id")
        c = own.filter(mine).aggregate(
            assigned=Count(key),
            due_soon=Count(key, filter=Q(deadline_at__gte=now, deadline_at__lt=soon)),
            overdue=Count(key, filter=Q(deadline_at__lt=now)),
            signoff=Count(key, filter=Q(status=ClueStatus.AWAITING_SIGNOFF)),
        )
        c["transfers"] = visible.filter(incoming).count()
        # Each link opens the ledger on exactly the clues its figure counts (tests/clues/test_panel.py).
        base = f"{url}?unit={scope.unit_id}&" + "&".join(f"status={s}" for s in sorted(WITH_UNIT_STATUSES))
        items = [
            {"label": _("交本单位办理"), "count": c["assigned"], "url": f"{base}&sort=deadline_at"},
            {"label": _("3日内到期"), "count": c["due_soon"], "url": f"{base}&due_soon=1&sort=deadline_at"},
            {"label": _("已超期"), "count": c["overdue"], "url": f"{base}&overdue=1", "alert": True},
            {
                "label": _("待签字背书"),
                "count": c["signoff"],
                "url": f"{url}?unit={scope.unit_id}&status=awaiting_signoff",
            },
            {
                "label": _("待答复移送"),
                "count": c["transfers"],
                "url": f"{url}?status=transferred&awaiting={scope.unit_id}",
            },
        ]
    if not items:
        return []
    return [{"template": "clues/_panel.html", "width": 6, "title": _("线索台账"), "items": items}]
