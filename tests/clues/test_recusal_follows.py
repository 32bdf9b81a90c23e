"""Recusal follows the clue: fuzzy matching of the named unit, the assignment withdrawn, the office warned (#16)."""

from __future__ import annotations

import pytest
from django.core import mail

from taizhang.clues import actions
from taizhang.clues.actions import SubjectData
from taizhang.clues.choices import ClueStatus
from taizhang.clues.models import Assignment, Clue, Recusal
from taizhang.core.errors import ActionError
from taizhang.core.models import AuditEntry
from taizhang.supervision import worker
from taizhang.supervision.models import Notification
from taizhang.supervision.worklist import todos_for
from tests.supervision.conftest import at
from tests.supervision.conftest import clock as clock  # the frozen clock fixture

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "written",
    [
        "测试市交通运输局",
        "交通运输局",
        "测试市交通局",
        "市交通局",
        "测试市交通运输局路政支队",
        "测试市 交通运输局",
    ],
)
def test_every_way_of_writing_the_unit_recuses_it(world, walk, written):
    clue = walk.register(subjects=[SubjectData(name="李某", position="科长", unit_name=written)])
    assert Recusal.objects.filter(clue=clue, unit=world.units["transport"]).exists(), written
    triaged = actions.do_triage_clue(
        clue.pk, actor=world.people["office_staff"], in_scope=True, category="evil"
    )
    with pytest.raises(ActionError):
        actions.do_assign_clue(triaged.pk, actor=world.people["office_staff"], unit=world.units["transport"])


def test_an_unrelated_unit_name_recuses_nothing(world, walk):
    clue = walk.register(subjects=[SubjectData(name="李某", unit_name="某某建筑工程有限公司")])
    assert not Recusal.objects.filter(clue=clue).exists()


def test_an_alias_recuses_its_unit(world, walk):
    unit = world.units["construction"]
    unit.aliases = "城建局\n建委"
    unit.save()
    clue = walk.register(subjects=[SubjectData(name="李某", unit_name="建委")])
    assert Recusal.objects.filter(clue=clue, unit=unit).exists()


def _edit_naming_transport(world, clue, capture):
    with capture(execute=True):
        return actions.do_edit_clue(
            clue.pk,
            actor=world.people["office_staff"],
            version=Clue.objects.get(pk=clue.pk).version,
            subjects=[
                SubjectData(name="张某某", position="包工头"),
                SubjectData(name="赵某", unit_name="交通局"),
            ],
        )


def test_recusing_the_assigned_unit_takes_the_clue_back(
    world, walk, clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        clue = walk.verifying(summary="某团伙强揽土方")
    worker.run_once(clock.now)
    liaison = world.people["liaison"]
    assert Notification.objects.filter(user=liaison, body__contains="某团伙强揽土方").exists()

    edited = _edit_naming_transport(world, clue, django_capture_on_commit_callbacks)

    assert edited.status == ClueStatus.TRIAGED
    assert edited.responsible_unit_id is None and edited.responsible_person_id is None
    assert not Assignment.objects.filter(clue=clue, is_current=True).exists()
    assert Assignment.objects.get(clue=clue).ended_reason == "recusal"
    assert AuditEntry.objects.filter(action="clue.withdraw_recused", object_id=str(clue.pk)).exists()
    # What the unit was sent before shows nothing of the clue now.
    for n in Notification.objects.filter(user__unit=world.units["transport"]):
        assert clue.number not in n.title and "某团伙强揽土方" not in n.body and not n.url
    # No new reminder or urging ever reaches the unit.
    before = set(
        Notification.objects.filter(user__unit=world.units["transport"]).values_list("pk", flat=True)
    )
    mail.outbox.clear()
    worker.run_once(clock.set(at("2025-11-20 09:00")))
    after = set(Notification.objects.filter(user__unit=world.units["transport"]).values_list("pk", flat=True))
    assert after == before
    assert not [
        m
        for m in mail.outbox
        if clue.number in m.body and "@example.invalid" in m.to[0] and "liaison" in m.to[0]
    ]
    # The office is warned on its to-do list and told.
    warned = [t for t in todos_for(world.people["office_staff"]) if clue.number in t.title]
    assert warned and "回避" in warned[0].detail
    assert Notification.objects.filter(user=world.people["office_leader"], title__contains="回避").exists()


def test_the_office_recuses_a_unit_by_hand(world, walk, clock, django_capture_on_commit_callbacks):
    clue = walk.assigned()
    with pytest.raises(ActionError):
        actions.do_recuse_unit(
            clue.pk, actor=world.people["liaison"], unit=world.units["transport"], reason="x"
        )
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_recuse_unit(
            clue.pk, actor=world.people["office_staff"], unit=world.units["transport"], reason="局长亲属涉案"
        )
    clue.refresh_from_db()
    assert clue.status == ClueStatus.TRIAGED and clue.responsible_unit_id is None
    assert AuditEntry.objects.filter(action="clue.recuse", object_id=str(clue.pk)).exists()
    assert world.client_for("liaison").get(f"/clues/{clue.pk}/").status_code == 404
    with pytest.raises(ActionError):
        actions.do_recuse_unit(
            clue.pk, actor=world.people["office_staff"], unit=world.units["transport"], reason="again"
        )


def test_the_recusal_form_on_the_clue_page(world, walk):
    clue = walk.assigned()
    url = f"/clues/{clue.pk}/recuse/"
    data = {"unit": world.units["transport"].pk, "reason": "局长亲属涉案", "version": clue.version}
    assert "设置回避单位" in world.client_for("office_staff").get(f"/clues/{clue.pk}/").content.decode()
    world.client_for("liaison").post(url, data)  # refused: back to the clue with a message
    assert world.client_for("other_liaison").post(url, data).status_code == 404
    assert not Recusal.objects.filter(clue=clue).exists()
    world.client_for("office_staff").post(url, data)
    assert Recusal.objects.filter(clue=clue, unit=world.units["transport"]).exists()
    # The registration page offers the unit tree's names for a subject's unit.
    page = world.client_for("office_staff").get("/clues/new/").content.decode()
    assert 'list="tz-unit-names"' in page and "测试市交通运输局" in page
