"""Merging is decided by office staff, audited, and undone by an unmerge that restores both parts."""

import pytest

from taizhang.clues.actions import SubjectData
from taizhang.core.errors import ActionError, NotVisible, PermissionRefused
from taizhang.core.models import AuditEntry
from taizhang.people import actions
from taizhang.people.choices import CandidateStatus, RelationKind
from taizhang.people.models import Entity, Mention, MergeCandidate, Relation

pytestmark = pytest.mark.django_db


def _pair(ledger, umbrella=False):
    a = ledger.clue(
        SubjectData(name="張三", unit_name="某某建筑有限公司", is_official=umbrella), umbrella=umbrella
    )
    b = ledger.clue(SubjectData(name="张三", unit_name="某某建筑有限公司"))
    return a, b, MergeCandidate.objects.get()


def test_confirm_moves_every_mention_and_is_audited(ledger, world):
    a, b, candidate = _pair(ledger)
    record = actions.do_confirm_merge(candidate.pk, actor=world.people["office_staff"])
    assert record.kept_id == candidate.first_id
    assert set(Mention.objects.values_list("entity_id", flat=True)) == {candidate.first_id}
    assert Entity.objects.get(pk=candidate.second_id).merged_into_id == candidate.first_id
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.CONFIRMED
    assert AuditEntry.objects.filter(action="people.merge").count() == 1


def test_confirming_twice_is_refused(ledger, world):
    _a, _b, candidate = _pair(ledger)
    actions.do_confirm_merge(candidate.pk, actor=world.people["office_staff"])
    with pytest.raises(ActionError):
        actions.do_confirm_merge(candidate.pk, actor=world.people["office_leader"])


def test_unmerge_restores_both_parts_and_their_relations(ledger, world):
    a, b, candidate = _pair(ledger)
    c = ledger.clue(SubjectData(name="李四"), SubjectData(name="赵六"))
    li = Mention.objects.get(clue=c, name="李四").entity_id
    staff = world.people["office_staff"]
    relation = actions.do_add_relation(
        candidate.second_id, li, actor=staff, kind=RelationKind.KIN, clue_id=c.pk
    )
    before = dict(Mention.objects.values_list("pk", "entity_id"))
    record = actions.do_confirm_merge(candidate.pk, actor=staff)
    assert Relation.objects.get(pk=relation.pk).source_id == candidate.first_id
    with pytest.raises(ActionError):
        actions.do_unmerge(record.pk, actor=staff, reason=" ")
    actions.do_unmerge(record.pk, actor=staff, reason="核实为两人")
    assert dict(Mention.objects.values_list("pk", "entity_id")) == before
    assert Relation.objects.get(pk=relation.pk).source_id == candidate.second_id
    assert Entity.objects.get(pk=candidate.second_id).merged_into_id is None
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.REJECTED
    assert AuditEntry.objects.filter(action="people.unmerge").count() == 1
    with pytest.raises(ActionError):
        actions.do_unmerge(record.pk, actor=staff, reason="再次")


def test_reject_is_audited_and_final(ledger, world):
    _a, _b, candidate = _pair(ledger)
    actions.do_reject_merge(candidate.pk, actor=world.people["office_staff"], note="不同人")
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.REJECTED
    assert AuditEntry.objects.filter(action="people.reject").count() == 1
    with pytest.raises(ActionError):
        actions.do_confirm_merge(candidate.pk, actor=world.people["office_staff"])


def test_only_office_actors_decide(ledger, world):
    _a, _b, candidate = _pair(ledger)
    for name in ("group_member", "discipline_handler", "police_liaison", "handler"):
        with pytest.raises(PermissionRefused):
            actions.do_confirm_merge(candidate.pk, actor=world.people[name])


def test_a_pair_touching_records_one_cannot_see_cannot_be_decided(ledger, world):
    """Office staff do not see 保护伞 clues: a proposal one of whose records is one is not theirs to decide."""
    _a, _b, candidate = _pair(ledger, umbrella=True)
    with pytest.raises(NotVisible):
        actions.do_confirm_merge(candidate.pk, actor=world.people["office_staff"])
    actions.do_confirm_merge(candidate.pk, actor=world.people["office_leader"])


def test_relations_need_a_visible_record_and_visible_ends(ledger, world):
    c = ledger.clue(SubjectData(name="李四"), SubjectData(name="赵六"))
    hidden = ledger.clue(SubjectData(name="钱七", is_official=True), umbrella=True)
    li, zhao = (Mention.objects.get(clue=c, name=n).entity_id for n in ("李四", "赵六"))
    qian = Mention.objects.get(clue=hidden).entity_id
    staff = world.people["office_staff"]
    with pytest.raises(ActionError):
        actions.do_add_relation(li, zhao, actor=staff, kind=RelationKind.KIN)
    with pytest.raises(ActionError):
        actions.do_add_relation(li, zhao, actor=staff, kind=RelationKind.KIN, clue_id=hidden.pk)
    with pytest.raises(NotVisible):
        actions.do_add_relation(li, qian, actor=staff, kind=RelationKind.KIN, clue_id=c.pk)
    actions.do_add_relation(li, zhao, actor=staff, kind=RelationKind.KIN, clue_id=c.pk)
    with pytest.raises(ActionError):
        actions.do_add_relation(zhao, li, actor=staff, kind=RelationKind.KIN, clue_id=c.pk)
    assert AuditEntry.objects.filter(action="people.relation").count() == 1


def test_unmerge_gives_the_id_number_back_to_its_part(ledger, world):
    full = "11010519491231002X"
    ledger.clue(SubjectData(name="张三", unit_name="某某建筑有限公司"))
    ledger.clue(SubjectData(name="张三", unit_name="某某建筑有限公司", id_fragment=full))
    candidate = MergeCandidate.objects.get()
    staff = world.people["office_staff"]
    record = actions.do_confirm_merge(candidate.pk, actor=staff)
    assert Entity.objects.get(pk=record.kept_id).id_number == full
    actions.do_unmerge(record.pk, actor=staff, reason="核实为两人")
    assert Entity.objects.get(pk=record.kept_id).id_number == ""
    assert Entity.objects.get(pk=record.absorbed_id).id_number == full
    again = ledger.clue(SubjectData(name="張三", id_fragment=full))
    assert Mention.objects.get(clue=again).entity_id == record.absorbed_id


def test_one_live_entity_per_id_number(ledger):
    from django.db import IntegrityError, transaction

    full = "11010519491231002X"
    ledger.clue(SubjectData(name="张三", id_fragment=full))
    with pytest.raises(IntegrityError), transaction.atomic():
        Entity.objects.create(name="张三", name_key="张三", id_number=full)
