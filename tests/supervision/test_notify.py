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
