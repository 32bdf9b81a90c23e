"""Worker jobs (run by the supervision worker): remind units of monthly reports due soon or late; fold the
clue tally's delta rows."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from taizhang.org.choices import RoleCode
from taizhang.org.models import Unit, User
from taizhang.reports.due import unfiled
from taizhang.supervision.notify import notify


def remind_reports(now: dt.datetime) -> int:
    """Notify each unit's liaisons and leaders once per report and stage (due soon / late); safe to rerun:
    the notification key makes a second run a no-op."""
    units = list(Unit.objects.filter(is_active=True, parent__isnull=False))
    items = unfiled(units, now)
    if not items:
        return 0
    people: dict[int, list[User]] = {}
    for user in User.objects.filter(
        is_active=True,
        unit__in={i["unit"].pk for i in items},
        roles__code__in=[RoleCode.LIAISON, RoleCode.UNIT_LEADER],
    ).distinct():
        people.setdefault(user.unit_id or 0, []).append(user)
    sent = 0
    for item in items:
        stage = "late" if item["overdue"] else "soon"
        title = (_("逾期未报：%(l)s") if item["overdue"] else _("即将截止：%(l)s")) % {"l": item["label"]}
        body = _("截止时间：%(d)s。请联络员起草、单位负责人报送。") % {
            "d": f"{item['due_at']:%Y-%m-%d %H:%M}"
        }
        key = f"reports:{item['report_type'].code}:{item['period'].key}:{item['unit'].pk}:{stage}"
        url = f"/reports/{item['report'].pk}/" if item["report"] else "/reports/"
        sent += notify(people.get(item["unit"].pk, []), title=title, body=body, url=url, key=key, now=now)
    return sent


def compact_tally(now: dt.datetime) -> int:
    """Fold the clue tally's delta rows (figures never change by it, only how fast they are read)."""
    from taizhang.clues.visibility import tally

    return tally.compact(now)


JOBS = [remind_reports, compact_tally]
