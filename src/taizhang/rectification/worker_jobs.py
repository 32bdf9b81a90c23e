"""Worker jobs: overdue letter replies and overdue measures are supervised like any deadline.

Each job claims its rows with a conditional update (only rows not yet notified for this deadline), so two
workers running at once notify each person once; the notification key makes a retry harmless too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.org.choices import RoleCode
from taizhang.org.models import User
from taizhang.rectification.choices import OPEN_MEASURE_STATUSES
from taizhang.rectification.models import Letter, Measure
from taizhang.supervision.notify import notify

BATCH = 500
RECIPIENT_ROLES = (RoleCode.LIAISON, RoleCode.UNIT_LEADER, RoleCode.HANDLER, RoleCode.DISCIPLINE_HANDLER)


def _notify(users: Any, **kwargs: Any) -> int:
    return int(notify(users, **kwargs))


def _people(unit_ids: set[int]) -> list[Any]:
    return list(
        User.objects.filter(unit_id__in=unit_ids, is_active=True, roles__code__in=RECIPIENT_ROLES).distinct()
    )


def notify_overdue_letters(now: dt.datetime) -> int:
    """Tell the recipient unit (and the issuer) when a letter's reply is overdue."""
    sent = 0
    due = Letter.objects.filter(
        replied_at__isnull=True, reply_due_at__lt=now, overdue_notified_at__isnull=True
    )
    for letter in due.select_related("letter_type")[:BATCH]:
        claimed = Letter.objects.filter(pk=letter.pk, overdue_notified_at__isnull=True).update(
            overdue_notified_at=now
        )
        if not claimed:
            continue  # another worker took it
        sent += _notify(
            _people({letter.recipient_unit_id, letter.issuer_unit_id}),
            title=_("%(letter)s逾期未回复") % {"letter": letter},
            body=_("回复期限为 %(due)s，请尽快书面回复。") % {"due": letter.reply_due_at.date()},
            url=reverse("rectification:letter", args=[letter.pk]),
            key=f"letter-overdue:{letter.pk}",
            about=letter,
        )
    return sent


def notify_overdue_measures(now: dt.datetime) -> int:
    """Tell the responsible units when a measure passes its deadline (once per deadline)."""
    today = timezone.localdate(now)
    sent = 0
    # Notified before the current deadline means the deadline moved later since then: notify again.
    due = Measure.objects.filter(status__in=OPEN_MEASURE_STATUSES, deadline__lt=today).filter(
        Q(overdue_notified_on__isnull=True) | Q(overdue_notified_on__lt=F("deadline"))
    )
    for measure in due[:BATCH]:
        claimed = (
            Measure.objects.filter(pk=measure.pk)
            .filter(Q(overdue_notified_on__isnull=True) | Q(overdue_notified_on__lt=measure.deadline))
            .update(overdue_notified_on=today)
        )
        if not claimed:
            continue
        sent += _notify(
            _people(set(measure.units.values_list("pk", flat=True))),
            title=_("整改措施逾期：%(m)s") % {"m": str(measure)[:40]},
            body=_("完成时限为 %(due)s。") % {"due": measure.deadline},
            url=reverse("rectification:measure", args=[measure.pk]),
            key=f"measure-overdue:{measure.pk}:{measure.deadline}",
            about=measure,
        )
    return sent


JOBS = [notify_overdue_letters, notify_overdue_measures]
