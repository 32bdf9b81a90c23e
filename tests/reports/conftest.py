"""A hand-counted ledger for March 2026 (Asia/Shanghai) in the standard world.

| clue | office   | received (local)   | responsible  | outcome                                   |
|------|----------|--------------------|--------------|-------------------------------------------|
| A    | city     | 2026-03-05 10:00   | transport    | 查实, concluded 2026-03-20                 |
| B    | city     | 2026-03-31 23:30   | transport    | open, deadline passed (overdue)           |
| C    | city     | 2026-04-01 00:10   | construction | open                                      |
| D    | city     | 2026-03-10 09:00   | construction | 查否, concluded 2026-04-02                 |
| E    | district | 2026-03-12 15:00   | —            | registered                                |
| U    | city     | 2026-03-15 11:00   | —            | 保护伞, triaged (office leaders only)        |
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from taizhang.clues import actions
from taizhang.clues.actions import SubjectData
from taizhang.clues.choices import Category, Channel, FindingResult, ReportStage
from taizhang.clues.models import Clue
from taizhang.reports.periods import LOCAL


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LOCAL)


def register(world, when, *, office="city", umbrella=False, channel=Channel.LETTER):
    actor = world.people["office_staff" if office == "city" else "district_staff"]
    return actions.do_register_clue(
        actor=actor,
        office=world.units[office],
        channel=channel,
        received_at=when,
        summary="某某团伙强揽工程",
        facts="群众来信反映，某某长期纠集社会闲散人员，在工地强揽土方工程。",
        subjects=[SubjectData(name="张某某", position="包工头")],
        alleges_umbrella=umbrella,
    )


PEOPLE = {
    "transport": ("liaison", "handler", "unit_leader"),
    "construction": ("other_liaison", "other_liaison", "other_leader"),
}


def assigned(world, when, unit, **kw):
    clue = register(world, when, **kw)
    actions.do_triage_clue(clue.pk, actor=world.people["office_staff"], in_scope=True, category=Category.EVIL)
    liaison, handler, _leader = PEOPLE[unit]
    return actions.do_assign_clue(
        clue.pk, actor=world.people["office_leader"], unit=world.units[unit], person=world.people[handler]
    )


def concluded(world, when, unit, result, done_at):
    clue = assigned(world, when, unit)
    liaison, handler, leader = PEOPLE[unit]
    actions.do_file_stage_report(
        clue.pk, actor=world.people[liaison], stage=ReportStage.FIRST, body="已成立核查组。"
    )
    actions.do_record_finding(clue.pk, actor=world.people[handler], result=result, basis="经走访核实。")
    actions.do_sign_finding(clue.pk, actor=world.people[leader])
    actions.do_review_finding(clue.pk, actor=world.people["office_staff"], accept=True)
    actions.do_conclude_clue(clue.pk, actor=world.people["office_staff"])
    # The action stamps "now"; move the conclusion to the day the fixture needs (the clock, not the workflow).
    Clue.objects.filter(pk=clue.pk).update(concluded_at=done_at)
    return Clue.objects.get(pk=clue.pk)


@pytest.fixture
def ledger(world):
    a = concluded(
        world, local(2026, 3, 5, 10), "transport", FindingResult.SUBSTANTIATED, local(2026, 3, 20, 9)
    )
    b = assigned(world, local(2026, 3, 31, 23, 30), "transport")
    # Past its deadline: the deadline is a stored column the actions compute; put it in the past.
    Clue.objects.filter(pk=b.pk).update(deadline_at=timezone.now() - dt.timedelta(days=2))
    c = assigned(world, local(2026, 4, 1, 0, 10), "construction")
    d = concluded(
        world, local(2026, 3, 10, 9), "construction", FindingResult.UNFOUNDED, local(2026, 4, 2, 10)
    )
    e = register(world, local(2026, 3, 12, 15), office="district")
    u = register(world, local(2026, 3, 15, 11), umbrella=True)
    return SimpleNamespace(a=a, b=b, c=c, d=d, e=e, u=u)
