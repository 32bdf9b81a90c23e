"""`Model.objects.visible_to(user)` reuses the rule's filter (built once per thread for each scope): the same
answers as building it afresh, rows read at each query (never kept), a new rule as soon as a person's unit or
roles change, and only for a queryset straight from the manager."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from taizhang.clues.models import Clue
from taizhang.org.choices import RoleCode
from taizhang.org.models import Unit, User
from tests.clues.conftest import Walk


def _fresh(user):
    return User.objects.get(pk=user.pk)


def test_a_second_read_sees_what_changed_since_the_first(world):
    walk = Walk(world)
    liaison = _fresh(world.people["liaison"])
    first = walk.triaged()
    assert not Clue.objects.visible_to(liaison).filter(pk=first.pk).exists()
    walk.assigned()  # assigned to the liaison's unit after the rule was first built for this person
    assert Clue.objects.visible_to(liaison).count() == 1
    assert Clue.objects.visible_to(liaison).count() == len(list(Clue.objects.visible_to(_fresh(liaison))))


def test_a_filtered_queryset_keeps_its_filter(world):
    staff = _fresh(world.people["office_staff"])
    everything = set(Unit.objects.visible_to(staff).values_list("code", flat=True))
    only = set(Unit.objects.filter(code="JT").visible_to(staff).values_list("code", flat=True))
    again = set(Unit.objects.visible_to(staff).values_list("code", flat=True))
    assert only == {"JT"} and again == everything and len(everything) > 1


def test_copies_do_not_leak_filters_into_each_other(world):
    staff = _fresh(world.people["office_staff"])
    narrowed = Unit.objects.visible_to(staff).filter(code="JT")
    assert list(narrowed.values_list("code", flat=True)) == ["JT"]
    assert Unit.objects.visible_to(staff).count() == len(world.units)


def test_each_person_gets_their_own_rule(world):
    staff, liaison = _fresh(world.people["office_staff"]), _fresh(world.people["liaison"])
    assert Unit.objects.visible_to(staff).count() == len(world.units)
    assert list(Unit.objects.visible_to(liaison).values_list("code", flat=True)) == ["JT"]


def test_a_new_scope_builds_a_new_rule(world):
    liaison = _fresh(world.people["liaison"])
    assert list(Unit.objects.visible_to(liaison).values_list("code", flat=True)) == ["JT"]
    liaison.unit = world.units["construction"]
    del liaison._taizhang_scope  # what a new request (a new user object) does
    assert list(Unit.objects.visible_to(liaison).values_list("code", flat=True)) == [
        world.units["construction"].code
    ]


def test_each_read_is_a_query(world):
    staff = _fresh(world.people["office_staff"])
    Unit.objects.visible_to(staff).count()
    with CaptureQueriesContext(connection) as queries:
        Unit.objects.visible_to(staff).count()
        Unit.objects.visible_to(staff).count()
    assert len(queries) == 2


def test_a_later_request_follows_a_change_of_roles(world):
    """The rule is kept across requests, but each request computes the person's scope afresh."""
    walk = Walk(world)
    walk.register()
    umbrella = walk.triaged(umbrella=True)
    leader = _fresh(world.people["office_leader"])
    assert Clue.objects.visible_to(leader).filter(pk=umbrella.pk).exists()
    assert Clue.objects.visible_one(leader, umbrella.pk).exists()
    leader.roles.remove(*leader.roles.filter(code=RoleCode.OFFICE_LEADER))
    later = _fresh(leader)  # the next request reads the person again
    assert not Clue.objects.visible_to(later).filter(pk=umbrella.pk).exists()
    assert not Clue.objects.visible_one(later, umbrella.pk).exists()
    assert Clue.objects.visible_to(later).count() == 1


def test_a_later_request_follows_a_move_to_another_unit(world):
    walk = Walk(world)
    clue = walk.assigned(unit="transport")
    liaison = _fresh(world.people["liaison"])
    assert list(Clue.objects.visible_to(liaison).values_list("pk", flat=True)) == [clue.pk]
    User.objects.filter(pk=liaison.pk).update(unit=world.units["construction"])
    later = _fresh(liaison)
    assert not Clue.objects.visible_to(later).exists()
    assert not Clue.objects.visible_one(later, clue.pk).exists()


def test_at_most_rules_kept_per_thread_and_still_right_after_dropping(world, monkeypatch):
    from taizhang.org import visibility

    monkeypatch.setattr(visibility, "RULES_KEPT", 2)
    monkeypatch.setattr(visibility._rules, "held", {}, raising=False)  # this thread's rules, from empty
    people = [
        _fresh(world.people[key]) for key in ("office_staff", "liaison", "other_liaison", "police_liaison")
    ]
    for _round in range(2):
        for person in people:
            expected = (
                {person.unit.code}
                if person.unit.kind != "office"
                else set(Unit.objects.values_list("code", flat=True))
            )
            assert set(Unit.objects.visible_to(person).values_list("code", flat=True)) == expected
            assert len(visibility._rules_of_thread()) <= 2
