"""Extensions: the unit asks, the office decides, the total is capped, approval moves the stored deadline."""

from __future__ import annotations

import datetime as dt

import pytest

from taizhang.clues.models import Assignment, Clue
from taizhang.core.errors import ActionError, NotVisible, PermissionRefused, TransitionRefused
from taizhang.core.models import AuditEntry
from taizhang.supervision.actions import do_decide_extension, do_request_extension
from taizhang.supervision.models import Extension, Notification, SupervisionPolicy

pytestmark = pytest.mark.django_db


@pytest.fixture
def verifying(walk, clock):
    return walk.verifying()


def ask(world, clue, days, who="liaison"):
    return do_request_extension(
        clue.pk, actor=world.people[who], days=days, reason="需调取银行流水，时间较长。"
    )


def test_approval_moves_the_clue_and_assignment_deadline(
    world, verifying, django_capture_on_commit_callbacks
):
    clue = Clue.objects.get(pk=verifying.pk)
    before, version = clue.deadline_at, clue.version
    with django_capture_on_commit_callbacks(execute=True):
        ext = ask(world, clue, 10)
    with django_capture_on_commit_callbacks(execute=True):
        ext = do_decide_extension(ext.pk, actor=world.people["office_staff"], approve=True, note="同意")
    clue.refresh_from_db()
    assert clue.deadline_at == before + dt.timedelta(days=10) == ext.new_deadline
    assert Assignment.objects.get(clue=clue, is_current=True).due_at == ext.new_deadline
    assert clue.version == version + 1
    assert AuditEntry.objects.filter(action="clue.deadline_extended", object_id=str(clue.pk)).count() == 1
    assert Notification.objects.filter(
        user=world.people["office_staff"], key=f"extension:{ext.pk}:request"
    ).exists()
    assert Notification.objects.filter(
        user=world.people["liaison"], key=f"extension:{ext.pk}:decided"
    ).exists()


def test_cap_is_27_days_in_total(world, verifying):
    office = world.people["office_staff"]
    first = ask(world, verifying, 20)
    do_decide_extension(first.pk, actor=office, approve=True)
    with pytest.raises(ActionError) as exc:
        ask(world, verifying, 8)
    assert exc.value.code == "extension_cap"
    second = ask(world, verifying, 7)
    do_decide_extension(second.pk, actor=office, approve=True)
    with pytest.raises(ActionError):
        ask(world, verifying, 1)
    assert sum(Extension.objects.filter(clue=verifying).values_list("granted_days", flat=True)) == 27


def test_cap_is_checked_again_at_approval_and_configurable(world, verifying):
    SupervisionPolicy.objects.create(office=world.units["city"], extension_cap_days=5)
    with pytest.raises(ActionError):
        ask(world, verifying, 6)
    ext = ask(world, verifying, 5)
    # The office may grant fewer days than asked, never more than asked.
    with pytest.raises(ActionError):
        do_decide_extension(ext.pk, actor=world.people["office_staff"], approve=True, days=6)
    ext = do_decide_extension(ext.pk, actor=world.people["office_staff"], approve=True, days=3)
    assert ext.granted_days == 3


def test_refusal_needs_a_reason_and_leaves_the_deadline(world, verifying):
    ext = ask(world, verifying, 5)
    with pytest.raises(ActionError):
        do_decide_extension(ext.pk, actor=world.people["office_staff"], approve=False)
    do_decide_extension(ext.pk, actor=world.people["office_staff"], approve=False, note="理由不充分")
    clue = Clue.objects.get(pk=verifying.pk)
    assert clue.deadline_at == ext.old_deadline
    with pytest.raises(TransitionRefused):
        do_decide_extension(ext.pk, actor=world.people["office_staff"], approve=True)


def test_one_pending_request_at_a_time(world, verifying):
    ask(world, verifying, 3)
    with pytest.raises(ActionError) as exc:
        ask(world, verifying, 3)
    assert exc.value.code == "extension_pending"


def test_who_may_ask_and_decide(world, verifying):
    with pytest.raises(NotVisible):
        ask(world, verifying, 3, who="other_liaison")
    with pytest.raises(PermissionRefused):
        ask(world, verifying, 3, who="office_staff")
    ext = ask(world, verifying, 3)
    with pytest.raises(PermissionRefused):
        do_decide_extension(ext.pk, actor=world.people["liaison"], approve=True)
    with pytest.raises(NotVisible):
        do_decide_extension(ext.pk, actor=world.people["other_liaison"], approve=True)
    with pytest.raises(PermissionRefused):
        do_decide_extension(ext.pk, actor=world.people["group_member"], approve=True)


def test_not_while_the_office_holds_the_clue(world, walk, clock):
    clue = walk.under_review()
    with pytest.raises(ActionError) as exc:
        ask(world, clue, 3)
    assert exc.value.code in ("not_extendable", "forbidden")
