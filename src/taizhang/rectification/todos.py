"""我的待办 from rectification: letters to reply to, measures to work on, completion requests to review."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.org.visibility import scope_of
from taizhang.rectification import permissions as perm
from taizhang.rectification.choices import LetterStatus, MeasureStatus
from taizhang.rectification.models import Letter, Measure
from taizhang.supervision.worklist import Todo

LIMIT = 50


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def todos_for(user: Any) -> list[Any]:
    scope = scope_of(user)
    if scope is None or scope.unit_id is None:
        return []
    found: list[Any] = []
    if scope.has(*perm.UNIT_ACTORS):
        letters = Letter.objects.visible_to(user).filter(
            recipient_unit_id=scope.unit_id, status=LetterStatus.ISSUED
        )
        for letter in letters.select_related("letter_type").order_by("reply_due_at")[:LIMIT]:
            found.append(
                Todo(
                    title=_("回复%(letter)s") % {"letter": letter},
                    url=reverse("rectification:letter", args=[letter.pk]),
                    due_at=letter.reply_due_at,
                    kind="letter_reply",
                )
            )
        measures = Measure.objects.visible_to(user).filter(
            units=scope.unit_id, status=MeasureStatus.IN_PROGRESS
        )
        for measure in measures.order_by("deadline", "id")[:LIMIT]:
            found.append(
                Todo(
                    title=_("整改措施：%(m)s") % {"m": str(measure)[:40]},
                    url=reverse("rectification:measure", args=[measure.pk]),
                    due_at=_end_of(measure.deadline),
                    kind="measure",
                )
            )
    if scope.office_path and scope.has(*perm.OFFICE_ACTORS):
        requested = Measure.objects.visible_to(user).filter(
            status=MeasureStatus.REQUESTED, problem__problem_list__office__path__startswith=scope.office_path
        )
        for measure in requested.order_by("requested_at", "id")[:LIMIT]:
            found.append(
                Todo(
                    title=_("审核销号：%(m)s") % {"m": str(measure)[:40]},
                    url=reverse("rectification:measure", args=[measure.pk]),
                    due_at=None,
                    kind="measure_review",
                )
            )
    return found
