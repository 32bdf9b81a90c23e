"""Who sees which clue: office tree, assigned units, 保护伞 clues, recusal."""

from __future__ import annotations

from taizhang.clues import actions
from taizhang.clues.actions import SubjectData
from taizhang.clues.models import Clue


def _sees(world, who, clue):
    return Clue.objects.visible_to(world.people[who]).filter(pk=clue.pk).exists()


def test_office_tree_and_assigned_unit(world, walk):
    clue = walk.assigned(office="district", unit="construction")
    assert _sees(world, "office_staff", clue)  # city sees below
    assert _sees(world, "district_staff", clue)
    assert _sees(world, "other_liaison", clue)  # assigned
    assert not _sees(world, "liaison", clue)  # other unit
    assert not _sees(world, "police_liaison", clue)


def test_city_clue_is_not_seen_by_the_district(world, walk):
    clue = walk.register()
    assert not _sees(world, "district_staff", clue)


def test_past_assignment_keeps_sight(world, walk):
    clue = walk.assigned(unit="construction")
    actions.do_reassign_clue(
        clue.pk, actor=world.people["office_staff"], unit=world.units["transport"], reason="职责调整"
    )
    assert _sees(world, "other_liaison", clue) and _sees(world, "liaison", clue)


def test_transfer_receiver_sees(world, walk):
    clue = walk.transferred()
    assert _sees(world, "police_liaison", clue)


def test_umbrella_clue_only_for_leaders_and_discipline(world, walk):
    clue = walk.triaged(umbrella=True)
    assert _sees(world, "office_leader", clue)
    assert _sees(world, "discipline_handler", clue)
    assert not _sees(world, "office_staff", clue)
    assert not _sees(world, "group_member", clue)
    assert not _sees(world, "police_liaison", clue)


def test_official_subject_makes_an_umbrella_clue(world, walk):
    clue = walk.register(subjects=[SubjectData(name="王某", position="派出所所长", is_official=True)])
    assert clue.is_umbrella and not _sees(world, "office_staff", clue)


def test_recusal_hides_from_a_named_unit_even_after_a_past_assignment(world, walk):
    clue = walk.assigned(unit="construction")
    actions.do_edit_clue(
        clue.pk,
        actor=world.people["office_staff"],
        version=None,
        subjects=[SubjectData(name="钱某", unit_name="测试市住建局")],
    )
    assert not _sees(world, "other_liaison", clue)
    assert not _sees(world, "other_leader", clue)
    assert _sees(world, "office_staff", clue)


def test_one_clue_is_visible_exactly_when_the_list_shows_it(world, walk):
    """visible_one (the detail and step views) narrows the rule to one clue without changing it."""
    clues = [
        walk.register(),
        walk.register(office="district"),
        walk.triaged(umbrella=True),
        walk.assigned(unit="transport"),
        walk.assigned(unit="discipline", umbrella=True),
        walk.transferred(),
        walk.assigned(
            unit="construction", subjects=[SubjectData(name="赵某", unit_id=world.units["transport"].pk)]
        ),
    ]
    for key, user in world.people.items():
        for clue in clues:
            listed = Clue.objects.visible_to(user).filter(pk=clue.pk).exists()
            assert Clue.objects.visible_one(user, clue.pk).exists() == listed, (key, clue.pk)
    assert not Clue.objects.visible_one(world.people["liaison"], clues[0].pk).exists()
    assert Clue.objects.visible_one(world.people["liaison"], clues[3].pk).exists()
