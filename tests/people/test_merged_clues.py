"""A duplicate clue merged into another (串并) is one matter with it: no record of its own in any count."""

import pytest

from taizhang.clues import actions
from taizhang.clues.actions import SubjectData
from taizhang.clues.choices import Channel
from taizhang.clues.models import Clue
from taizhang.people import reading
from taizhang.people.models import Mention

pytestmark = pytest.mark.django_db

ZHANG = "11010519491231002X"
LI = "110105198001010016"


def _merge(world, duplicate, target):
    actions.do_merge_clue(duplicate.pk, target.pk, actor=world.people["office_leader"], note="同一事项")


def test_every_count_takes_a_merged_duplicate_as_its_target(world, ledger):
    target = ledger.clue(
        SubjectData(name="张三", id_fragment=ZHANG), SubjectData(name="李四", id_fragment=LI)
    )
    duplicate = ledger.clue(SubjectData(name="張三", id_fragment=ZHANG))
    # A duplicate naming someone its target does not: still his one record.
    only_there = ledger.clue(SubjectData(name="王五", id_fragment="110105198001010032"))
    _merge(world, duplicate, target)
    _merge(world, only_there, target)
    staff = world.people["office_staff"]
    zhang = Mention.objects.get(clue=target, name="张三").entity_id
    wang = Mention.objects.get(clue=only_there).entity_id
    assert Mention.objects.get(clue=duplicate).entity_id == zhang

    page = reading.entity_page(staff, zhang, page=1)
    assert page is not None and page.clue_total == 1 and page.record_count == 1
    [row] = page.clues
    assert row["clue"].pk == target.pk and row["merged"] == [duplicate.number]
    [hint] = reading.hint(staff, "张三")
    assert hint.clues == 1
    assert reading.record_counts(staff, {zhang, wang}) == {zhang: 1, wang: 1}
    [found] = [r for r in reading.search(staff, "张三") if r["id"] == zhang]
    assert found["clues"] == 1
    graph = reading.graph(staff, zhang, depth=2)
    assert graph is not None
    assert {n["id"]: n["records"] for n in graph["nodes"]}[zhang] == 1
    wang_page = reading.entity_page(staff, wang)
    assert wang_page is not None and [r["clue"].pk for r in wang_page.clues] == [only_there.pk]
    assert wang_page.clue_total == 1


def test_a_merged_duplicate_makes_no_lead_and_a_hidden_target_stays_hidden(world, ledger):
    official = [SubjectData(name="赵所长", id_fragment=ZHANG, is_official=True, position="所长")]
    made = []
    for channel in (Channel.LETTER, Channel.PHONE):
        with ledger.capture(execute=True):
            made.append(ledger.walk.assigned(unit="discipline", umbrella=True, subjects=official))
        Clue.objects.filter(pk=made[-1].pk).update(channel=channel)
    # The same official in an ordinary clue of the office (its staff see it, not the 保护伞 ones).
    plain = ledger.clue(SubjectData(name="赵所长", id_fragment=ZHANG))
    leader, staff = world.people["office_leader"], world.people["office_staff"]
    entity = Mention.objects.get(clue=plain).entity_id
    assert [r["entity_id"] for r in reading.leads(leader)] == [entity]
    _merge(world, made[1], made[0])
    assert reading.leads(leader) == []
    _merge(world, plain, made[0])
    assert reading.entity_page(leader, entity).clue_total == 1
    # The staff see the duplicate only: it counts as itself, and nothing names the clue it went into.
    page = reading.entity_page(staff, entity)
    assert page is not None and page.clue_total == 1
    assert [(r["clue"].pk, r["merged"]) for r in page.clues] == [(plain.pk, [])]


def test_the_entity_page_shows_a_merged_duplicate_on_its_matters_row(client, world, ledger):
    target = ledger.clue(SubjectData(name="张三", id_fragment=ZHANG))
    duplicate = ledger.clue(SubjectData(name="張三", id_fragment=ZHANG))
    _merge(world, duplicate, target)
    client.force_login(world.people["office_staff"])
    entity = Mention.objects.get(clue=target).entity_id
    text = client.get(f"/people/{entity}/").content.decode()
    assert "1 条线索" in text and f"同一事项：{duplicate.number}" in text
