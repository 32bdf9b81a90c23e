"""Demo supervision: calendar overrides, rules, extensions, urging notices from a worker pass, listed items,
talks, point notices and a biweekly meeting series whose decisions became tasks.

Runs after the clue demo (INSTALLED_APPS order); on a branch without it, it registers a few clues itself.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from taizhang.clues import actions as clue_actions
from taizhang.clues.actions import SubjectData
from taizhang.clues.choices import Category, Channel, ClueStatus, ReportStage
from taizhang.clues.models import Clue
from taizhang.core.demo_context import DemoContext
from taizhang.supervision import actions, worker
from taizhang.supervision.actions.meetings import AttendeeData
from taizhang.supervision.models import (
    CalendarOverride,
    DeadlineRule,
    Meeting,
    Notification,
    SupervisionPolicy,
)

OVERRIDES = [
    (dt.date(2027, 1, 1), False, "示例：2027年元旦放假（以国务院办公厅通知为准）"),
    (dt.date(2027, 2, 6), True, "示例：2027年春节调休上班"),
    (dt.date(2027, 2, 8), False, "示例：2027年春节放假"),
]


def _own_clues(ctx: DemoContext) -> None:
    """A few clues in hand at the transport bureau, when the clue demo has not run."""
    staff, leader = ctx.users["shb_staff"], ctx.users["shb_leader"]
    for i, summary in enumerate(
        [
            "某运输公司垄断砂石运输",
            "某车站周边黑车团伙强拉乘客",
            "某物流园强收“保护费”",
            "货运码头强揽装卸业务",
        ]
    ):
        clue = clue_actions.do_register_clue(
            actor=staff,
            office=ctx.units["CITY-SHB"],
            channel=Channel.LETTER,
            received_at=ctx.days_ago(3 + i),
            summary=summary,
            facts="群众来信反映：" + summary + "，长期威胁其他经营者。",
            subjects=[SubjectData(name=f"王某{i}", position="负责人")],
        )
        clue_actions.do_triage_clue(clue.pk, actor=staff, in_scope=True, category=Category.EVIL)
        clue_actions.do_assign_clue(
            clue.pk, actor=leader, unit=ctx.units["CITY-JT"], person=ctx.users["jt_handler"]
        )
        if i % 2:
            clue_actions.do_file_stage_report(
                clue.pk, actor=ctx.users["jt_liaison"], stage=ReportStage.FIRST, body="已成立核查专班。"
            )


def _with_unit(unit_code: str, ctx: DemoContext, status: str | None = None) -> list[Clue]:
    qs = Clue.objects.filter(responsible_unit=ctx.units[unit_code], is_umbrella=False)
    if status:
        qs = qs.filter(status=status)
    return list(qs.order_by("id"))


def _rules(ctx: DemoContext) -> None:
    for day, workday, note in OVERRIDES:
        CalendarOverride.objects.get_or_create(date=day, defaults={"is_workday": workday, "note": note})
    DeadlineRule.objects.get_or_create(
        office=ctx.units["DH-SHB"],
        step="first_report",
        defaults={"amount": 5, "unit": "workdays", "note": "东湖区：交办后5个工作日内首次回告"},
    )
    SupervisionPolicy.objects.get_or_create(
        office=ctx.units["DH-SHB"],
        defaults={"extension_cap_days": 20, "reminder_workdays": "3,1", "escalate_leader_workdays": 2},
    )


def _extensions(ctx: DemoContext) -> None:
    verifying = _with_unit("CITY-JT", ctx, ClueStatus.VERIFYING) or _with_unit("CITY-JT", ctx)
    staff, liaison = ctx.users["shb_staff"], ctx.users["jt_liaison"]
    for n, clue in enumerate(verifying[:3]):
        if clue.status not in (ClueStatus.ASSIGNED, ClueStatus.VERIFYING, ClueStatus.RETURNED):
            continue
        ext = actions.do_request_extension(
            clue.pk, actor=liaison, days=10 + 5 * n, reason="涉及多个乡镇，需调取近三年运输合同及资金流水。"
        )
        if n == 0:
            actions.do_decide_extension(ext.pk, actor=staff, approve=True, note="同意延期，请按新时限办结。")
        elif n == 1:
            actions.do_decide_extension(
                ext.pk, actor=staff, approve=False, note="理由不充分，请按原时限办理。"
            )


def _overdue(ctx: DemoContext) -> None:
    # Demo only: move two deadlines into the past so the worker pass below has something to urge.
    for clue in _with_unit("CITY-JT", ctx)[-2:]:
        if clue.is_open:
            Clue.objects.filter(pk=clue.pk).update(deadline_at=ctx.now - dt.timedelta(days=9))


def _records(ctx: DemoContext) -> None:
    staff, leader = ctx.users["shb_staff"], ctx.users["shb_leader"]
    clues = [c for c in _with_unit("CITY-JT", ctx) if c.is_open]
    if clues:
        actions.do_list_target(
            clues[0],
            actor=leader,
            level="city",
            authority="江川市扫黑办",
            document_number="江扫黑办督〔2026〕3号",
            reason="群众反复举报，社会影响较大。",
            requirements="30日内查清事实，每周报告进展。",
            deadline_at=ctx.now + dt.timedelta(days=30),
        )
    if len(clues) > 1:
        actions.do_list_target(
            clues[1],
            actor=staff,
            level="province",
            authority="省扫黑办",
            reason="省扫黑办交办的重点线索。",
            deadline_at=ctx.now + dt.timedelta(days=45),
        )
    actions.do_record_talk(
        actor=leader,
        unit=ctx.units["CITY-JT"],
        persons="刘振华（副局长）",
        conducted_by="陈建国（市扫黑办常务副主任）",
        held_at=ctx.now - dt.timedelta(days=5),
        place="市扫黑办会议室",
        reason="交办线索多次逾期未回告。",
        outcome="当场表态：一周内完成全部逾期线索的首次回告，并建立周调度机制。",
        clue=clues[0] if clues else None,
    )
    actions.do_issue_point_notice(
        actor=staff,
        unit=ctx.units["CITY-JT"],
        title="关于交通运输领域线索核查进度滞后的通报",
        body="截至本月，你局承办的线索中有2件超过办理时限，请于5个工作日内书面说明原因并提出整改措施。",
        clue=clues[0] if clues else None,
    )


def _meetings(ctx: DemoContext) -> None:
    staff, leader = ctx.users["shb_staff"], ctx.users["shb_leader"]
    today = timezone.localdate()
    start = today - dt.timedelta(days=28 + today.weekday()) + dt.timedelta(days=1)  # a Tuesday four weeks ago
    series = actions.do_create_series(
        actor=staff,
        title="市扫黑办双周调度会",
        starts_on=start,
        interval_weeks=2,
        location="市委政法委三楼会议室",
    )
    Meeting.objects.bulk_create(
        [
            Meeting(
                series=series,
                office=series.office,
                title=series.title,
                scheduled_for=day,
                starts_at=timezone.make_aware(dt.datetime.combine(day, series.start_time)),
                location=series.location,
            )
            for day in series.occurrences(start, today - dt.timedelta(days=1))
        ],
        ignore_conflicts=True,
    )
    held = list(Meeting.objects.filter(series=series).order_by("starts_at"))
    decisions_by_meeting = [
        ["交通运输局一周内完成逾期线索首次回告", "住建局牵头梳理工程建设领域强揽工程线索"],
        ["各成员单位于本月25日前报送信息月报", "公安局对已移送线索逐件反馈立案情况"],
    ]
    for meeting, decisions in zip(held, decisions_by_meeting, strict=False):
        actions.do_record_minutes(
            meeting.pk,
            actor=staff,
            chair="陈建国",
            agenda="一、通报线索办理进度；二、研究逾期线索督办措施；三、部署下阶段工作。",
            minutes="会议听取了各成员单位线索核查情况汇报，分析了逾期原因，明确了整改要求。",
            attendees=[AttendeeData(name="陈建国"), AttendeeData(name="王晓雯"), AttendeeData(name="刘振华")],
            decisions=decisions,
        )
    owners = ["CITY-JT", "CITY-ZJ", "CITY-JT", "CITY-GA"]
    people = {"CITY-JT": "jt_handler", "CITY-GA": "ga_liaison"}
    for i, decision in enumerate(d for m in held for d in m.decisions.all()):
        unit = ctx.units[owners[i % len(owners)]]
        person = ctx.users.get(people.get(unit.code, ""))
        task = actions.do_create_task(
            actor=staff,
            title=decision.text,
            owner_unit=unit,
            owner_person=person,
            due_at=ctx.now + dt.timedelta(days=3 + 4 * i),
            decision=decision,
        )
        if i == 0:
            # Demo only: the first task is overdue, so the board and the worker show it.
            type(task).objects.filter(pk=task.pk).update(due_at=ctx.now - dt.timedelta(days=4))
    del leader


def populate(ctx: DemoContext) -> Any:
    if Clue.objects.filter(responsible_unit=ctx.units["CITY-JT"]).count() < 4:
        _own_clues(ctx)
    _rules(ctx)
    _extensions(ctx)
    _overdue(ctx)
    _records(ctx)
    _meetings(ctx)
    # Plan and deliver once so the inbox, urging notices and escalations are there at first sign-in (emails are
    # left to the first real `taizhang worker` pass).
    now = timezone.now()
    worker.plan_deadlines(now)
    worker.deliver(now)
    ctx.extra.setdefault("finishers", []).append(_read_older_messages)


# How many of the newest messages each demo account has not read yet: people of a working office read their
# inbox; a leader finds a handful of new items at sign-in, not the whole year's history.
UNREAD_KEPT = (2, 8)


def _read_older_messages(ctx: DemoContext) -> None:
    """Everyone has read all but their few newest messages, read shortly after each arrived."""
    for user_id in Notification.objects.unread().values_list("user_id", flat=True).distinct():
        mine = Notification.objects.filter(user_id=user_id, read_at__isnull=True).order_by(
            "-created_at", "-id"
        )
        low, high = UNREAD_KEPT
        keep = low + user_id % (high - low + 1)
        for note in mine[keep:]:
            read = min(note.created_at + dt.timedelta(hours=ctx.rng.uniform(0.5, 30)), ctx.now)
            Notification.objects.filter(pk=note.pk).update(read_at=read)
