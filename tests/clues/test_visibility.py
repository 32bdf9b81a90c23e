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
