"""The counts per status beside the ledger: from the reports tally for office people on PostgreSQL, live
otherwise; either way exactly what counting the visible clues answers (保护伞, recusal, every persona)."""

from __future__ import annotations

import pytest
from django.db import connection

from taizhang.clues.actions import SubjectData
from taizhang.clues.choices import ClueStatus
from taizhang.clues.filters import parse, status_counts
from taizhang.clues.models import Clue
from taizhang.clues.visibility.answers import tally_status_counts, visible_status_counts

pytestmark = pytest.mark.django_db
OFFICE_PEOPLE = ("office_staff", "office_leader", "group_member", "district_staff", "district_leader")


def _ledger(world, walk):
    walk.register()
    walk.register(office="district")
    walk.triaged(umbrella=True)
    walk.assigned(unit="transport")
    walk.accepted()
    # Recusal: clues naming the district office, the transport bureau (a member unit) and the city office.
    walk.register(subjects=[SubjectData(name="李某某", unit_id=world.units["district"].pk)])
    walk.register(
        office="district", subjects=[SubjectData(name="王某某", unit_id=world.units["district"].pk)]
    )
    walk.assigned(
        unit="construction", subjects=[SubjectData(name="赵某某", unit_id=world.units["transport"].pk)]
    )
    walk.register(subjects=[SubjectData(name="钱某某", unit_id=world.units["city"].pk)])
    # A write that bypasses the actions still reaches the tally (its triggers sit on the table).
    first = Clue.objects.filter(status=ClueStatus.REGISTERED).order_by("id").first()
    Clue.objects.filter(pk=first.pk).update(is_umbrella=True)


def test_every_persona_gets_the_counts_of_what_it_sees(world, walk):
    _ledger(world, walk)
    for key, user in world.people.items():
        live = status_counts(Clue.objects.visible_to(user), parse({}))
        assert visible_status_counts(user, {}) == live, key
        assert visible_status_counts(user, {"status": ["registered"], "sort": "number", "page": 2}) == live, (
            key
        )
        filtered = visible_status_counts(user, {"category": "evil"})
        assert filtered == status_counts(Clue.objects.visible_to(user), parse({"category": "evil"})), key


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the tally is kept by PostgreSQL triggers")
def test_office_people_are_counted_from_the_tally_and_the_others_live(world, walk):
    _ledger(world, walk)
    for key in OFFICE_PEOPLE:
        user = world.people[key]
        assert tally_status_counts(user) == status_counts(Clue.objects.visible_to(user), parse({})), key
    assert sum(tally_status_counts(world.people["office_leader"]).values()) == Clue.objects.count() - 1
    assert sum(tally_status_counts(world.people["office_staff"]).values()) == Clue.objects.count() - 3
    for key in ("liaison", "unit_leader", "discipline_handler", "police_liaison"):
        assert tally_status_counts(world.people[key]) is None, key


@pytest.mark.skipif(connection.vendor != "postgresql", reason="HandledClue is kept by PostgreSQL triggers")
def test_member_units_are_counted_from_their_handled_rows_after_every_kind_of_write(world, walk):
    from taizhang.clues import actions
    from taizhang.clues.models import Assignment, HandledClue
    from taizhang.clues.visibility import handled

    _ledger(world, walk)
    walk.transferred()  # to the police: a transfer gives the clue to its receiver
    moved = walk.assigned(unit="construction")
    actions.do_reassign_clue(
        moved.pk,
        actor=world.people["office_leader"],
        unit=world.units["transport"],
        person=world.people["handler"],
        reason="职责调整",
    )
    members = ("liaison", "unit_leader", "handler", "other_liaison", "other_leader", "police_liaison")

    def assert_exact():
        for key in members:
            user = world.people[key]
            live = status_counts(Clue.objects.visible_to(user), parse({}))
            assert handled.status_counts(user) == live, key
            assert visible_status_counts(user, {}) == live, key
        for key in ("office_staff", "discipline_handler", "district_staff"):
            assert handled.status_counts(world.people[key]) is None, key

    assert_exact()
    assert sum(handled.status_counts(world.people["other_liaison"]).values()) == 2  # given, then moved away
    assert sum(handled.status_counts(world.people["police_liaison"]).values()) == 1
    # Writes that bypass the actions: bulk status and 保护伞 changes, a deleted assignment, a deleted clue.
    Clue.objects.filter(pk=moved.pk).update(status=ClueStatus.VERIFYING)
    Clue.objects.filter(responsible_unit=world.units["transport"]).exclude(pk=moved.pk).update(
        is_umbrella=True
    )
    assert_exact()
    Assignment.objects.filter(clue=moved, unit=world.units["construction"]).delete()
    assert_exact()
    Clue.objects.filter(pk=moved.pk).delete()
    assert_exact()
    before = sorted(HandledClue.objects.values_list("unit_id", "clue_id", "status", "is_umbrella"))
    handled.rebuild()
    assert sorted(HandledClue.objects.values_list("unit_id", "clue_id", "status", "is_umbrella")) == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="HandledClue is kept by PostgreSQL triggers")
def test_a_clue_inserted_after_its_links_reaches_its_units_as_a_restore_inserts_it(world, walk):
    """The clue trigger's INSERT branch: links first (foreign keys are checked at commit), then the clue."""
    from django.db import transaction

    from taizhang.clues.models import Assignment, HandledClue
    from taizhang.clues.visibility import handled

    given = walk.assigned()
    walk.assigned(unit="construction")  # another clue's links, which the new clue must not pick up
    with transaction.atomic():
        new_id = Clue.objects.order_by("-pk").values_list("pk", flat=True)[0] + 100
        link = Assignment.objects.get(clue=given)
        link.pk, link.clue_id = None, new_id
        link.save()
        assert not HandledClue.objects.filter(clue_id=new_id).exists()  # no clue yet: no pair
        copy = Clue.objects.get(pk=given.pk)
        copy.pk, copy.number = new_id, f"{given.number}-恢复"
        Clue.objects.bulk_create([copy])
        pairs = set(HandledClue.objects.filter(clue_id=new_id).values_list("unit_id", "status"))
        assert pairs == {(world.units["transport"].pk, given.status)}
    before = sorted(HandledClue.objects.values_list("unit_id", "clue_id", "status"))
    handled.rebuild()
    assert sorted(HandledClue.objects.values_list("unit_id", "clue_id", "status")) == before
