"""Resolution on registration and edit: one entity per subject unless a full valid ID says otherwise; proposals
with reasons and a score; nothing merges silently."""

import pytest
from django.db.models import Q

from taizhang.clues import actions as clue_actions
from taizhang.clues.actions import SubjectData
from taizhang.people.choices import MentionRole
from taizhang.people.models import Entity, Mention, MergeCandidate
from taizhang.people.resolve import PROPOSE, resolve_all, resolve_clue

VALID_ID = "11010519491231002X"
pytestmark = pytest.mark.django_db


def _entity_of(clue):
    return Mention.objects.get(clue=clue).entity_id


def test_registration_resolves_each_subject(ledger):
    clue = ledger.clue(
        SubjectData(name="张三", unit_name="某建筑公司"), SubjectData(name="某建筑公司", kind="organisation")
    )
    mentions = list(Mention.objects.filter(clue=clue).order_by("pk"))
    assert [m.name for m in mentions] == ["张三", "某建筑公司"]
    assert {m.role for m in mentions} == {MentionRole.REPORTED}
    assert Entity.objects.get(pk=mentions[1].entity_id).kind == "organisation"


def test_same_valid_full_id_merges_without_asking(ledger):
    a = ledger.clue(SubjectData(name="张三", id_fragment=VALID_ID))
    b = ledger.clue(SubjectData(name="張叁", id_fragment=VALID_ID.lower()))
    assert _entity_of(a) == _entity_of(b)
    assert not MergeCandidate.objects.exists()


def test_an_invalid_full_id_does_not_merge(ledger):
    bad = "110105194912310021"
    a = ledger.clue(SubjectData(name="张三", id_fragment=bad))
    b = ledger.clue(SubjectData(name="张三", id_fragment=bad))
    assert _entity_of(a) != _entity_of(b)
    # Proposed instead, with its reasons.
    candidate = MergeCandidate.objects.get()
    assert "身份证号（部分）一致" in candidate.reasons and "姓名相同" in candidate.reasons


def test_variant_name_and_same_employer_is_proposed_with_reasons(ledger):
    a = ledger.clue(SubjectData(name="張三", unit_name="某某建筑有限公司"))
    b = ledger.clue(SubjectData(name="张 三", unit_name="某某建筑有限公司"))
    assert _entity_of(a) != _entity_of(b)
    candidate = MergeCandidate.objects.get()
    assert candidate.score >= PROPOSE
    assert candidate.reasons == ["姓名相同（繁简、全半角、空格归一后）", "所在单位相同"]


def test_homophone_with_same_phone_is_proposed(ledger):
    ledger.clue(SubjectData(name="张三", phone_fragment="13800138000"))
    ledger.clue(SubjectData(name="章三", phone_fragment="138 0013 8000"))
    candidate = MergeCandidate.objects.get()
    assert set(candidate.reasons) == {"姓名同音", "电话号码一致"}


def test_same_name_alone_is_not_proposed(ledger):
    ledger.clue(SubjectData(name="王伟"))
    ledger.clue(SubjectData(name="王伟"))
    assert not MergeCandidate.objects.exists()


def test_two_different_valid_ids_are_never_proposed(ledger):
    other = "110105198001010016"
    ledger.clue(SubjectData(name="张三", unit_name="某公司", id_fragment=VALID_ID))
    ledger.clue(SubjectData(name="张三", unit_name="某公司", id_fragment=other))
    assert not MergeCandidate.objects.exists()


def test_official_in_umbrella_clue_is_a_umbrella_suspect(ledger):
    clue = ledger.clue(SubjectData(name="李某", position="所长", is_official=True), umbrella=True)
    assert Mention.objects.get(clue=clue).role == MentionRole.UMBRELLA


def test_edit_keeps_the_entity_of_a_kept_subject(ledger, world):
    clue = ledger.clue(SubjectData(name="张三", unit_name="某公司"), SubjectData(name="李四"))
    before = {m.name: m.entity_id for m in Mention.objects.filter(clue=clue)}
    ledger.run(
        clue_actions.do_edit_clue,
        clue.pk,
        actor=world.people["office_staff"],
        version=clue.version,
        subjects=[SubjectData(name="张三", unit_name="某公司"), SubjectData(name="王五")],
    )
    after = {m.name: m.entity_id for m in Mention.objects.filter(clue=clue)}
    assert set(after) == {"张三", "王五"}
    assert after["张三"] == before["张三"]
    assert all(m.subject_id for m in Mention.objects.filter(clue=clue))


def test_resolving_again_changes_nothing(ledger):
    ledger.clue(SubjectData(name="張三", unit_name="某公司"))
    ledger.clue(SubjectData(name="张三", unit_name="某公司"))
    snapshot = sorted(Mention.objects.values_list("pk", "entity_id"))
    counts = resolve_all(batch=1)
    assert counts["clues"] == 2
    assert sorted(Mention.objects.values_list("pk", "entity_id")) == snapshot
    assert MergeCandidate.objects.count() == 1


def test_resolve_all_fills_a_ledger_resolved_before(ledger):
    clue = ledger.clue(SubjectData(name="张三"))
    Mention.objects.all().delete()
    calls = []
    resolve_all(lambda done, total: calls.append((done, total)), batch=1)
    assert Mention.objects.filter(clue=clue).count() == 1
    assert calls[0] == (0, 1) and calls[-1] == (1, 1)
    assert resolve_clue(999999) == 0


def test_accountability_is_resolved_as_held_to_account(ledger, world):
    from django.utils import timezone

    from taizhang.cases import actions as case_actions
    from taizhang.cases import followup

    case = case_actions.do_register_case(
        actor=world.people["office_staff"],
        office=world.units["city"],
        name="张某某等人涉黑案",
        org_type="mafia",
        handling_units=[world.units["police"]],
    )
    row = ledger.run(
        followup.do_record_accountability,
        case.pk,
        actor=world.people["discipline_handler"],
        person_name="李某",
        post="所长",
        unit_name="某国土所",
        measure="party",
        decided_on=timezone.localdate(),
    )
    mention = Mention.objects.get(accountability=row)
    assert mention.role == MentionRole.HELD_TO_ACCOUNT and mention.case_id == case.pk


def test_case_suspects_become_suspect_mentions_seen_with_the_case(ledger, world):
    from taizhang.cases import actions as case_actions
    from taizhang.cases.suspects import do_add_suspect, do_edit_suspect
    from taizhang.people import reading
    from taizhang.people.choices import MentionRole

    full = "11010519491231002X"
    clue = ledger.assigned(SubjectData(name="張三", id_fragment=full), unit="transport")
    case = case_actions.do_register_case(
        actor=world.people["office_staff"],
        office=world.units["city"],
        name="张三等人涉黑案",
        org_type="mafia",
        handling_units=[world.units["police"]],
    )
    police = world.people["police_liaison"]
    row = ledger.run(
        do_add_suspect,
        case.pk,
        actor=police,
        name="张三",
        id_fragment=full,
        group_role="organiser",
        status="caught",
    )
    other = ledger.run(
        do_add_suspect,
        case.pk,
        actor=police,
        name="李四",
        phone_fragment="13800138000",
        group_role="member",
        status="at_large",
    )
    mention = Mention.objects.get(suspect=row)
    # The whole valid ID number: the same entity as the clue's subject, silently.
    assert mention.role == MentionRole.SUSPECT and mention.case_id == case.pk
    assert mention.entity_id == Mention.objects.get(clue=clue).entity_id
    # The police see the case (so its suspects) but not the clue naming him.
    page = reading.entity_page(police, mention.entity_id)
    assert page is not None and page.clues == [] and [c["case"].pk for c in page.cases] == [case.pk]
    assert [c["roles"] for c in page.cases] == [["犯罪嫌疑人"]]
    shown = world.client_for("police_liaison").get(f"/people/{mention.entity_id}/").content.decode()
    assert "张三等人涉黑案" in shown and "犯罪嫌疑人" in shown and clue.number not in shown
    staff = reading.entity_page(world.people["office_staff"], mention.entity_id)
    assert len(staff.clues) == 1 and [c["case"].pk for c in staff.cases] == [case.pk]
    # Transport sees the clue, not the case.
    assert [c["case"] for c in reading.entity_page(world.people["handler"], mention.entity_id).cases] == []
    assert reading.entity_page(world.people["handler"], Mention.objects.get(suspect=other).entity_id) is None
    # A later clue with the same phone is proposed for merging with the suspect.
    ledger.clue(SubjectData(name="李 四", phone_fragment="13800138000"))
    assert MergeCandidate.objects.filter(
        Q(first_id=Mention.objects.get(suspect=other).entity_id)
        | Q(second_id=Mention.objects.get(suspect=other).entity_id)
    ).exists()
    # An edit re-resolves the record; resolving the whole ledger again changes nothing.
    ledger.run(
        do_edit_suspect,
        case.pk,
        actor=police,
        suspect_id=other.pk,
        version=other.version,
        name="李四",
        phone_fragment="13800138000",
        group_role="core",
        status="fugitive_caught",
    )
    snapshot = sorted(Mention.objects.values_list("pk", "entity_id"))
    assert resolve_all(batch=1)["suspects"] == 2
    assert sorted(Mention.objects.values_list("pk", "entity_id")) == snapshot
