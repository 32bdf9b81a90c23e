"""Supervision's contribution to 我的待办: clue steps, transfers to register, extensions, tasks, listed items."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang.clues.choices import ENDED_BY_RECUSAL, ClueStatus
from taizhang.clues.models import Assignment, Clue
from taizhang.core.expressions import ExistsPerRow
from taizhang.org.choices import RoleCode
from taizhang.org.visibility import scope_of
from taizhang.supervision import owners
from taizhang.supervision.choices import ExtensionStatus, ListingStatus, MeetingStatus, TaskStatus
from taizhang.supervision.models import Extension, ListedSupervision, Meeting, PointNotice, Task
from taizhang.supervision.notices import clue_url
from taizhang.supervision.permissions import OFFICE_ACTORS, UNIT_ACTORS
from taizhang.supervision.worklist import Todo

LIMIT = 200

# What the person must do next for a clue in each state.
NEXT_STEP = {
    ClueStatus.REGISTERED: gettext_lazy("分流"),
    ClueStatus.TRIAGED: gettext_lazy("交办"),
    ClueStatus.ASSIGNED: gettext_lazy("首次回告"),
    ClueStatus.VERIFYING: gettext_lazy("核查并提交结论"),
    ClueStatus.AWAITING_SIGNOFF: gettext_lazy("签字背书"),
    ClueStatus.RETURNED: gettext_lazy("退查重办"),
    ClueStatus.UNDER_REVIEW: gettext_lazy("审核核查结论"),
    ClueStatus.ACCEPTED: gettext_lazy("移交移送或办结"),
    ClueStatus.TRANSFERRED: gettext_lazy("办结"),
}
OFFICE_STATES = [ClueStatus.REGISTERED, ClueStatus.TRIAGED, ClueStatus.UNDER_REVIEW, ClueStatus.ACCEPTED]
UNIT_STATES = [ClueStatus.ASSIGNED, ClueStatus.VERIFYING, ClueStatus.RETURNED]


def _clue_todo(clue: Clue, action: Any, kind: str = "clue") -> Todo:
    return Todo(
        title=f"{clue.number} {clue.summary}",
        url=clue_url(clue.pk),
        due_at=clue.deadline_at,
        kind=kind,
        detail=str(action),
    )


def todos_for(user: Any) -> list[Todo]:
    """What this person (or their unit) must do next in supervision and the clue ledger."""
    scope = scope_of(user)
    if scope is None or scope.unit_id is None:
        return []
    found: list[Todo] = []
    visible = Clue.objects.visible_to(user).only("pk", "number", "summary", "deadline_at", "status")
    if scope.office_path and scope.has(*OFFICE_ACTORS):
        # One query for the office's own steps and the transfers answered (to conclude): the home page runs
        # this on every visit, and each query on the visibility rule costs more to build than to run.
        office_steps = Q(status__in=OFFICE_STATES) | (
            Q(status=ClueStatus.TRANSFERRED) & ~Q(deadline_step="register_transfer")
        )
        stepped_back = Assignment.objects.filter(clue=OuterRef("pk"), ended_reason=ENDED_BY_RECUSAL)
        # Asked per row: a plain EXISTS was hashed over every assignment ever ended (93 ms at 1M clues).
        mine = visible.filter(office_steps, office_id=scope.unit_id).annotate(
            stepped_back=ExistsPerRow(stepped_back)
        )
        for clue in mine.order_by("deadline_at")[: 2 * LIMIT]:
            if clue.stepped_back and clue.status == ClueStatus.TRIAGED:
                # The unit that held it had to step back (回避): the office must assign it again.
                found.append(_clue_todo(clue, _("原责任单位须回避，已撤回交办，请重新交办"), kind="recusal"))
            else:
                found.append(_clue_todo(clue, NEXT_STEP[clue.status]))
        pending = Extension.objects.visible_to(user).filter(
            status=ExtensionStatus.PENDING, clue__office_id=scope.unit_id
        )
        pending = pending.select_related("clue").only(
            "id", "clue_id", "days", "reason", "old_deadline", "requested_at", "clue__number"
        )
        for ext in pending[:LIMIT]:
            found.append(
                Todo(
                    title=_("审批延期申请：%(n)s（%(d)s 天）") % {"n": ext.clue.number, "d": ext.days},
                    url=clue_url(ext.clue_id),
                    due_at=ext.old_deadline,
                    kind="extension",
                    detail=ext.reason[:80],
                )
            )
        unrecorded = Meeting.objects.visible_to(user).filter(
            office_id=scope.unit_id, status=MeetingStatus.PLANNED
        )
        for meeting in unrecorded.order_by("starts_at")[:20]:
            found.append(
                Todo(
                    title=_("例会：%(t)s") % {"t": meeting.title},
                    url=reverse("supervision:meeting_detail", args=[meeting.pk]),
                    due_at=meeting.starts_at,
                    kind="meeting",
                    detail=_("召开并记录纪要、议定事项"),
                )
            )
    if scope.has(*UNIT_ACTORS):
        states = list(UNIT_STATES)
        if scope.has(RoleCode.UNIT_LEADER):
            states.append(ClueStatus.AWAITING_SIGNOFF)
        own = Q(responsible_unit_id=scope.unit_id, status__in=states)
        # Transfers to this unit waiting for it to register and answer (never in one of the unit's own states,
        # so the status tells the two kinds apart); one query for both, as above. The transfers' clues as a
        # list, found by the primary key beside the unit's own (owners.awaiting_answer_from: 60 -> 15 ms).
        incoming = Q(
            status=ClueStatus.TRANSFERRED,
            deadline_step="register_transfer",
            pk__in=owners.awaiting_answer_from(scope.unit_id),
        )
        for clue in visible.filter(own | incoming).order_by("deadline_at")[: 2 * LIMIT]:
            if clue.status == ClueStatus.TRANSFERRED:
                found.append(_clue_todo(clue, _("登记并答复移送"), kind="transfer"))
            else:
                found.append(_clue_todo(clue, NEXT_STEP[clue.status]))
        for task in Task.objects.visible_to(user).filter(owner_unit_id=scope.unit_id, status=TaskStatus.OPEN)[
            :LIMIT
        ]:
            found.append(
                Todo(
                    title=f"{task.number} {task.title}",
                    url=reverse("supervision:task_detail", args=[task.pk]),
                    due_at=task.due_at,
                    kind="task",
                    detail=_("督办任务"),
                )
            )
        listed = ListedSupervision.objects.visible_to(user).filter(
            unit_id=scope.unit_id, status=ListingStatus.LISTED
        )
        for item in listed[:LIMIT]:
            found.append(
                Todo(
                    title=_("【%(level)s】%(label)s")
                    % {"level": item.get_level_display(), "label": item.target_label},
                    url=reverse("supervision:listed_detail", args=[item.pk]),
                    due_at=item.deadline_at,
                    kind="listed",
                    detail=_("挂牌督办事项"),
                )
            )
        unsigned = PointNotice.objects.visible_to(user).filter(
            unit_id=scope.unit_id, acknowledged_at__isnull=True
        )
        for notice in unsigned[:LIMIT]:
            found.append(
                Todo(
                    title=_("签收通报：%(t)s") % {"t": notice.title},
                    url=reverse("supervision:notice_detail", args=[notice.pk]),
                    due_at=None,
                    kind="notice",
                )
            )
    return found
