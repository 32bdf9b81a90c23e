"""Apply a year's 节假日安排 notice to the working-day calendar (administrators only, audited)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from taizhang.core import audit, clock, deadlines
from taizhang.core.errors import ActionError
from taizhang.org.choices import RoleCode
from taizhang.org.models import User
from taizhang.pure.holiday_notice import ParsedNotice, Problem, parse_notice
from taizhang.supervision.models import CalendarOverride, HolidayNotice
from taizhang.supervision.permissions import require

_WEEKDAY_NAMES = "一二三四五六日"
MAX_NOTICE_CHARS = 20_000


def problem_text(problem: Problem) -> str:
    """A problem of the notice reader, worded for the administrator."""
    day = f"{problem.day:%Y-%m-%d}" if problem.day else ""
    if problem.kind == "no_year":
        return _("未能从通知中读出年份，请填写年份。")
    if problem.kind == "weekday":
        return _("%(festival)s：%(day)s 是星期%(found)s，通知写的是星期%(stated)s。请核对年份和原文。") % {
            "festival": problem.festival,
            "day": day,
            "found": _WEEKDAY_NAMES[int(problem.found)],
            "stated": _WEEKDAY_NAMES[int(problem.stated)],
        }
    if problem.kind == "total":
        return _("%(festival)s：通知写共 %(stated)s 天，读出的放假日期是 %(found)s 天。") % {
            "festival": problem.festival,
            "stated": problem.stated,
            "found": problem.found,
        }
    if problem.kind == "conflict":
        return _("%(festival)s：%(day)s 既写为放假又写为上班。") % {"festival": problem.festival, "day": day}
    if problem.stated:
        return _("%(festival)s：未能读懂日期“%(stated)s”。") % {
            "festival": problem.festival,
            "stated": problem.stated,
        }
    return _("未能从文本中读出任何放假或上班日期。")


def read_notice(text: str, year: int | None) -> ParsedNotice:
    """Parse a pasted notice; refuse empty or oversized text with a clear message."""
    text = (text or "").strip()
    if not text:
        raise ActionError("required", _("请粘贴通知原文或上传文本文件。"))
    if len(text) > MAX_NOTICE_CHARS:
        raise ActionError("too_long", _("通知原文过长（最多 %(n)s 字）。") % {"n": MAX_NOTICE_CHARS})
    return parse_notice(text, year)


def do_apply_holiday_notice(text: str, year: int | None, *, actor: User) -> HolidayNotice:
    """Write a notice's holidays and 调休 working days as calendar overrides, replacing that year's earlier notice."""
    require(actor.has_role(RoleCode.SYSADMIN), _("只有系统管理员可以导入节假日安排。"))
    parsed = read_notice(text, year)
    if parsed.problems or parsed.year is None:
        raise ActionError("invalid", "；".join(problem_text(p) for p in parsed.problems))
    now = clock.now()
    with transaction.atomic():
        # Two administrators confirming at once: the second waits here and replaces the first's days whole.
        notice = HolidayNotice.objects.select_for_update().filter(year=parsed.year).first()
        earlier_days = set(notice.days) if notice else set()
        new_days = {d.day.isoformat(): d for d in parsed.days}
        dates = [dt.date.fromisoformat(s) for s in earlier_days | set(new_days)]
        existing = {o.date: o for o in CalendarOverride.objects.select_for_update().filter(date__in=dates)}
        before = {f"{o.date:%Y-%m-%d}": o.is_workday for o in existing.values()}
        stale = [dt.date.fromisoformat(s) for s in earlier_days - set(new_days)]
        CalendarOverride.objects.filter(date__in=stale).delete()
        for day in new_days.values():
            note = (_("%(festival)s调休上班") if day.is_workday else _("%(festival)s放假")) % {
                "festival": day.festival
            }
            row = existing.get(day.day) or CalendarOverride(date=day.day)
            row.is_workday, row.note, row.updated_by = day.is_workday, note[:100], actor
            row.save()
        if notice is None:
            notice = HolidayNotice(year=parsed.year)
        notice.text, notice.days = text.strip(), sorted(new_days)
        notice.applied_by, notice.applied_at = actor, now
        notice.save()
        audit.record(
            "calendar.apply_notice",
            actor=actor,
            obj=notice,
            object_repr=_("%(year)s年节假日安排") % {"year": parsed.year},
            before=before,
            after={iso: d.is_workday for iso, d in new_days.items()},
        )
        transaction.on_commit(deadlines.clear_cache)
    deadlines.clear_cache()
    return notice
