"""The overdue board and 我的待办: counts equal the records behind them, and visibility holds on every board."""

from __future__ import annotations

import datetime as dt

import pytest

from taizhang.clues.models import Clue
from taizhang.supervision import boards, owners
from taizhang.supervision.actions import do_create_task
from taizhang.supervision.models import Task
from taizhang.supervision.worklist import todos_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def late(world, walk, clock):
    """Overdue clues across units and age bands, one not yet assigned, one 保护伞, one in the district."""
    now = clock.now
    made = {
        "t1": walk.assigned(),
        "t2": walk.assigned(),
        "c1": walk.assigned(unit="construction"),
        "own": walk.triaged(),
        "umb": walk.assigned(unit="discipline", umbrella=True),
        "dist": walk.assigned(unit="district_police", office="district"),
        "fresh": walk.assigned(),
    }
    ages = {"t1": 1, "t2": 40, "c1": 10, "own": 4, "umb": 2, "dist": 20}
    for key, days in ages.items():
        Clue.objects.filter(pk=made[key].pk).update(deadline_at=now - dt.timedelta(days=days))
    task = do_create_task(
        actor=world.people["office_staff"],
        title="完成行业乱象排查报告",
        owner_unit=world.units["transport"],
        due_at=now + dt.timedelta(days=1),
    )
    Task.objects.filter(pk=task.pk).update(due_at=now - dt.timedelta(days=8))
    return made


def owner(clue):
    receiver = (
        clue.transfers.filter(answer="pending")
        .order_by("sent_at", "pk")
        .values_list("receiver_unit_id", flat=True)
    )
    return owners.owner_of(
        status=clue.status,
        step=clue.deadline_step,
        responsible_unit_id=clue.responsible_unit_id,
        office_id=clue.office_id,
        receiver_id=list(receiver)[-1] if receiver else None,
    )[0]


def cells(user, now):
    data = boards.board(user, now)
    return {(r.kind, r.unit_id): r.bands for r in data["rows"]}


@pytest.mark.parametrize(
    "who", ["office_staff", "office_leader", "group_member", "district_staff", "liaison", "other_liaison"]
)
def test_every_count_equals_its_drill_down(world, clock, late, who):
    user = world.people[who]
    for (kind, unit), bands in cells(user, clock.now).items():
        for band, count in enumerate(bands):
            assert boards.drill_down(user, clock.now, kind=kind, unit=unit, band=band).count() == count
        assert boards.drill_down(user, clock.now, kind=kind, unit=unit, band=None).count() == sum(bands)
        if kind == "clue" and unit:
            # Each clue counts under the unit that owes its late step, the rule the worker follows.
            expected = [
                c
                for c in Clue.objects.visible_to(user).overdue(clock.now)
                if owner(c) == unit and (user.unit.kind == "office" or unit == user.unit_id)
            ]
            assert len(expected) == sum(bands)


def test_what_each_person_sees(world, clock, late):
    u = world.units
    office = cells(world.people["office_staff"], clock.now)
    assert office[("clue", u["transport"].pk)] == [1, 0, 0, 0, 1]
    assert office[("clue", u["construction"].pk)] == [0, 0, 1, 0, 0]
    # The clue awaiting assignment is the office's own late step: under the office's name.
    assert office[("clue", u["city"].pk)] == [0, 1, 0, 0, 0]
    assert office[("clue", u["district_police"].pk)] == [0, 0, 0, 1, 0]
    assert office[("task", u["transport"].pk)] == [0, 0, 1, 0, 0]
    # 保护伞 clues reach office leaders only.
    assert ("clue", u["discipline"].pk) not in office
    assert cells(world.people["office_leader"], clock.now)[("clue", u["discipline"].pk)] == [1, 0, 0, 0, 0]
    # A district office sees its own tree only; a unit sees only its own overdue work.
    assert set(cells(world.people["district_staff"], clock.now)) == {("clue", u["district_police"].pk)}
    assert set(cells(world.people["liaison"], clock.now)) == {
        ("clue", u["transport"].pk),
        ("task", u["transport"].pk),
    }
    assert set(cells(world.people["other_liaison"], clock.now)) == {("clue", u["construction"].pk)}
    assert cells(world.people["police_liaison"], clock.now) == {}


def test_board_query_count(world, clock, late, django_assert_max_num_queries):
    user = world.people["office_leader"]
    user.role_codes()
    with django_assert_max_num_queries(6):
        boards.board(user, clock.now)


def test_board_page_shows_drill_down_links(world, clock, late):
    response = world.client_for("office_staff").get("/supervision/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"/supervision/overdue/?kind=clue&amp;unit={world.units['transport'].pk}" in html
    drill = world.client_for("office_staff").get(
        "/supervision/overdue/", {"kind": "clue", "unit": world.units["transport"].pk, "band": 4}
    )
    assert late["t2"].number in drill.content.decode()
    assert late["t1"].number not in drill.content.decode()


def test_todo_soonest_first_and_scoped(world, clock, late):
    items = todos_for(world.people["liaison"])
    dues = [t.due_at for t in items if t.due_at]
    assert dues == sorted(dues)
    titles = " ".join(t.title for t in items)
    assert late["t1"].number in titles and late["fresh"].number in titles
    assert late["c1"].number not in titles
    assert any(t.kind == "task" and t.overdue for t in items)
    office = " ".join(t.title for t in todos_for(world.people["office_staff"]))
    assert late["own"].number in office and late["umb"].number not in office
    assert late["t1"].number not in office  # the unit acts, not the office
    assert todos_for(world.people["group_member"]) == []
    leader = " ".join(t.title for t in todos_for(world.people["discipline_leader"]))
    assert late["umb"].number in leader
