"""The notify() API and the notifications clue actions trigger."""

from __future__ import annotations

import pytest

from taizhang.supervision.models import Notification
from taizhang.supervision.notify import notify

pytestmark = pytest.mark.django_db


def test_notify_is_idempotent_by_key(world):
    people = [world.people["liaison"], world.people["handler"]]
    assert notify(people, title="测试", body="正文", url="/x/", key="event:1") == 2
    assert notify(people, title="测试", body="正文", url="/x/", key="event:1") == 0
    assert notify([*people, world.people["unit_leader"]], title="测试", key="event:1") == 1
    assert Notification.objects.filter(key="event:1").count() == 3


def test_inactive_people_are_skipped(world):
    person = world.people["liaison"]
    person.is_active = False
    assert notify([person, None], title="x", key="k") == 0


def test_assignment_tells_the_unit(world, walk, clock, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        clue = walk.assigned()
    titles = list(Notification.objects.filter(user=world.people["liaison"]).values_list("title", flat=True))
    assert any("已交办给你单位" in t and clue.number in t for t in titles)
    assert Notification.objects.filter(user=world.people["handler"]).exists()
    assert not Notification.objects.filter(user=world.people["other_liaison"]).exists()
    # The actor is never told about their own step.
    assert not Notification.objects.filter(user=world.people["office_leader"]).exists()


def _told(world, who, text, clue):
    titles = Notification.objects.filter(user=world.people[who]).values_list("title", flat=True)
    return any(text in t and clue.number in t for t in titles)


def test_each_step_tells_who_acts_next(world, walk, clock, django_capture_on_commit_callbacks):
    from taizhang.clues import actions
    from taizhang.clues.choices import FindingResult, TransferAnswer

    with django_capture_on_commit_callbacks(execute=True):
        clue = walk.verifying()
        actions.do_record_finding(
            clue.pk, actor=world.people["handler"], result=FindingResult.SUBSTANTIATED, basis="经核实属实。"
        )
    assert _told(world, "unit_leader", "待你签字背书", clue)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_sign_finding(clue.pk, actor=world.people["unit_leader"])
    assert _told(world, "office_staff", "已签字，待审核", clue)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_review_finding(clue.pk, actor=world.people["office_staff"], accept=False, note="证据不足")
    assert _told(world, "liaison", "被退查", clue)

    with django_capture_on_commit_callbacks(execute=True):
        moved = walk.transferred()
    assert _told(world, "police_liaison", "已移送你单位", moved)
    assert not _told(world, "liaison", "已移送你单位", moved)
    transfer = moved.transfers.get()
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_answer_transfer(
            transfer.pk,
            actor=world.people["police_liaison"],
            answer=TransferAnswer.FILED,
            case_reference="X1",
        )
    assert _told(world, "office_staff", "已得到接收单位答复", moved)
