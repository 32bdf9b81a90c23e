"""Overdue work is charged to whoever owes the late step — on the board, in its drill-down list, in the worker's
urging notices and escalation mails, and in a hand-issued 催办单 — each shown by the step's Chinese name."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from taizhang.clues import actions
from taizhang.clues.choices import FindingResult
from taizhang.clues.models import Clue
from taizhang.org.visibility import scope_of
from taizhang.supervision import boards, owners
from taizhang.supervision.actions import do_issue_urging_notice
from taizhang.supervision.recipients import Directory
from taizhang.supervision.sources import clue_items

pytestmark = pytest.mark.django_db


@pytest.fixture
def late(world, walk, clock):
    """Four clues late on four steps, all with 测试市交通运输局 as the responsible unit."""
    w = world.people
    transfer = walk.accepted()  # the office must transfer it (移交移送)
    register = walk.transferred()  # 测试市公安局 must register the transfer (接收登记)
    signoff = walk.verifying()
    actions.do_record_finding(
        signoff.pk, actor=w["handler"], result=FindingResult.UNFOUNDED, basis="经核查不实。"
    )
    redo = walk.under_review()
    actions.do_review_finding(redo.pk, actor=w["office_staff"], accept=False, note="证据不足，请补充核查。")
    made = {"transfer": transfer, "register_transfer": register, "signoff": signoff, "redo": redo}
    for clue in made.values():
        Clue.objects.filter(pk=clue.pk).update(deadline_at=clock.now - dt.timedelta(days=10))
    return {k: Clue.objects.get(pk=c.pk) for k, c in made.items()}


def test_each_step_is_charged_to_the_unit_that_owes_it(world, clock, late):
    u = world.units
    assert {k: c.deadline_step for k, c in late.items()} == {k: k for k in late}
    expected = {
        "transfer": u["city"].pk,
        "register_transfer": u["police"].pk,
        "signoff": u["transport"].pk,
        "redo": u["transport"].pk,
    }
    user = world.people["office_leader"]
    annotated = dict(boards.overdue_clues(user, clock.now).values_list("pk", "owner_id"))
    assert {k: annotated[c.pk] for k, c in late.items()} == expected
    rows = {(r.kind, r.unit_id): r.total for r in boards.board(user, clock.now)["rows"]}
    assert rows[("clue", u["city"].pk)] == 1
    assert rows[("clue", u["police"].pk)] == 1
    assert rows[("clue", u["transport"].pk)] == 2
    # The worker urges and escalates to the same unit (None: the office's own step, no urging notice).
    items = {i.pk: i for i in clue_items(clock.now, Directory())}
    for key, clue in late.items():
        item = items[clue.pk]
        owed_by_office = expected[key] == u["city"].pk
        assert item.unit_id == (None if owed_by_office else expected[key]), key
        assert item.urging_notice is not owed_by_office
    police_leader = world.people["police_leader"].pk
    assert items[late["register_transfer"].pk].leaders == [police_leader]
    # The police see the transfer they owe on their own board; transport does not have it charged.
    assert {r.unit_id for r in boards.board(world.people["police_liaison"], clock.now)["rows"]} == {
        u["police"].pk
    }


def test_a_units_overdue_clues_are_those_it_owes_among_all_it_sees(world, clock, late):
    """A unit's list is narrowed by index to the clues it is responsible for or must answer a transfer of,
    before the owner is asked: the same clues as asking the owner of every overdue clue it may see."""
    charged = set()
    for key, user in world.people.items():
        found = set(boards.overdue_clues(user, clock.now).values_list("pk", flat=True))
        every = Clue.objects.visible_to(user).overdue(clock.now).annotate(owner_id=owners.owner_expression())
        scope = scope_of(user)
        if scope is not None and not scope.office_path:
            every = every.filter(owner_id=user.unit_id)
            charged |= found
        assert found == set(every.values_list("pk", flat=True)), key
    # Police owe the transfer they have not registered although transport is its responsible unit.
    assert {late["register_transfer"].pk, late["signoff"].pk, late["redo"].pk} <= charged


def test_a_transfer_awaiting_a_units_answer_is_on_its_todo_list_and_on_no_one_elses(world, clock, late):
    from taizhang.supervision.notices import clue_url
    from taizhang.supervision.todos import todos_for

    url = clue_url(late["register_transfer"].pk)
    police = [t for t in todos_for(world.people["police_liaison"]) if t.url == url]
    assert [(t.kind, t.detail) for t in police] == [("transfer", "登记并答复移送")]
    for key in ("liaison", "handler", "other_liaison", "discipline_handler", "district_police"):
        assert all(t.kind != "transfer" for t in todos_for(world.people[key])), key


def test_the_drill_down_names_the_owing_unit_and_the_step_in_chinese(world, clock, late):
    client = world.client_for("office_staff")
    for unit, names in (
        ("transport", ["签字背书", "退查重办"]),
        ("police", ["接收登记"]),
        ("city", ["移交移送"]),
    ):
        html = client.get(
            "/supervision/overdue/", {"kind": "clue", "unit": world.units[unit].pk}
        ).content.decode()
        for name in names:
            assert f"（{name}）" in html, (unit, name)
        assert world.units[unit].name in html
        assert not re.search(r"（[a-z_]+）", html), unit


def test_a_hand_issued_urging_notice_goes_to_the_owing_unit(world, clock, late):
    notice = do_issue_urging_notice(
        late["register_transfer"], actor=world.people["office_staff"], note="请立即登记受理。"
    )
    assert notice.unit == world.units["police"]
    assert notice.step == "接收登记"
    html = world.client_for("office_staff").get("/supervision/urging/").content.decode()
    assert "register_transfer" not in html and "接收登记" in html


@pytest.mark.parametrize(
    "status", ["registered", "triaged", "assigned", "verifying", "awaiting_signoff", "transferred"]
)
@pytest.mark.parametrize(
    "step", ["", "assign", "first_report", "signoff", "redo", "transfer", "register_transfer"]
)
def test_the_expression_and_the_python_rule_agree(world, walk, clock, status, step):
    clue = walk.transferred()
    Clue.objects.filter(pk=clue.pk).update(
        status=status, deadline_step=step, deadline_at=clock.now - dt.timedelta(days=1)
    )
    clue = Clue.objects.get(pk=clue.pk)
    in_sql = Clue.objects.filter(pk=clue.pk).annotate(o=owners.owner_expression()).values_list("o", flat=True)
    in_python, _office = owners.owner_of(
        status=clue.status,
        step=clue.deadline_step,
        responsible_unit_id=clue.responsible_unit_id,
        office_id=clue.office_id,
        receiver_id=owners.receiver_of(clue.pk),
    )
    assert in_sql.get() == in_python
