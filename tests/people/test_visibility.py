"""Visibility is absolute: what any person learns of an entity equals what their visible records say.

The oracle reads the persona's visible clues and cases through the one rule (Clue.objects.visible_to,
Case.objects.visible_to: a case's suspect records are seen with the case) and groups their mentions by entity
by hand; the people read side (entity page, search, hint, graph, leads) must agree for every
persona of the standard world, over generated ledgers.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taizhang.clues.actions import SubjectData
from taizhang.clues.models import Clue
from taizhang.people import reading
from taizhang.people.models import Entity, Mention
from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db

VALID_IDS = ["11010519491231002X", "110105198001010016"]
NAMES = ["张三", "張三", "李四", "王五"]
# Where a generated clue goes: each context is seen by a different set of personas.
CONTEXTS = ["registered", "transport", "construction", "umbrella", "recused"]

subject = st.tuples(st.sampled_from(NAMES), st.sampled_from(["", *VALID_IDS]), st.booleans())
clue_spec = st.tuples(st.sampled_from(CONTEXTS), st.lists(subject, min_size=1, max_size=3))
# A case of the city (handled by the city police) or of the district (its police), with named suspects.
CASE_CONTEXTS = {
    "city": ("city", "office_staff", "police"),
    "district": ("district", "district_staff", "district_police"),
}
suspect = st.tuples(st.sampled_from(NAMES), st.sampled_from(["", *VALID_IDS]))
case_spec = st.tuples(st.sampled_from(sorted(CASE_CONTEXTS)), st.lists(suspect, min_size=1, max_size=2))


def _make(ledger, context, subjects):
    rows = [
        SubjectData(name=name, id_fragment=id_number, is_official=official and context == "umbrella")
        for name, id_number, official in subjects
    ]
    if context == "registered":
        return ledger.clue(*rows)
    if context == "umbrella":
        rows[0].is_official = True
        return ledger.assigned(*rows, unit="discipline", umbrella=True)
    if context == "recused":
        # Names the transport bureau: transport (and everything under it) never sees it.
        rows.append(SubjectData(name="测试市交通运输局", kind="organisation", unit_name="测试市交通运输局"))
        return ledger.assigned(*rows, unit="construction")
    return ledger.assigned(*rows, unit=context)


def _make_case(world, ledger, context, suspects):
    """A case registered by its office's staff, its suspects recorded by its police (resolution on commit)."""
    from taizhang.cases import actions as case_actions
    from taizhang.cases.suspects import do_add_suspect

    office, staff, police = CASE_CONTEXTS[context]
    case = case_actions.do_register_case(
        actor=world.people[staff],
        office=world.units[office],
        name="某某等人恶势力案",
        org_type="gang",
        handling_units=[world.units[police]],
    )
    for name, id_number in suspects:
        ledger.run(
            do_add_suspect,
            case.pk,
            actor=world.people[staff],
            name=name,
            id_fragment=id_number,
            group_role="member",
            status="caught",
        )
    return case


def _merge_some(world, merges) -> None:
    """Merge generated clues into others (串并) by (duplicate, target) positions, where the office allows it."""
    from taizhang.clues import actions
    from taizhang.core.errors import ActionError

    clues = list(Clue.objects.order_by("pk").values_list("pk", flat=True))
    for a, b in merges:
        if a % len(clues) == b % len(clues):
            continue
        try:
            with transaction.atomic():
                actions.do_merge_clue(
                    clues[a % len(clues)], clues[b % len(clues)], actor=world.people["office_leader"]
                )
        except ActionError:
            pass


def _matter_oracle(user) -> dict[int, int]:
    """Each visible clue with the clue carrying its matter: followed along merged_into while the person sees
    the target (a hidden target leaves its duplicates apart)."""
    visible = set(Clue.objects.visible_to(user).values_list("pk", flat=True))
    into = dict(Clue.objects.exclude(merged_into=None).values_list("pk", "merged_into_id"))
    carried = {}
    for pk in visible:
        at, path = pk, {pk}
        while into.get(at) in visible and into[at] not in path:
            at = into[at]
            path.add(at)
        carried[pk] = at
    return carried


def _oracle(user) -> dict[int, dict[str, set]]:
    """Per entity: the visible clues and cases naming it and the names they write, from the rule's records
    alone (a case names the suspects recorded on it)."""
    from taizhang.cases.models import Case, CaseSuspect

    seen: dict[int, dict[str, set]] = defaultdict(lambda: {"clues": set(), "cases": set(), "names": set()})
    for clue in Clue.objects.visible_to(user):
        for m in Mention.objects.filter(clue_id=clue.pk):
            seen[m.entity_id]["clues"].add(clue.pk)
            seen[m.entity_id]["names"].add(m.name)
    for case in Case.objects.visible_to(user):
        for row in CaseSuspect.objects.filter(case=case):
            m = Mention.objects.get(suspect=row)
            seen[m.entity_id]["cases"].add(case.pk)
            seen[m.entity_id]["names"].add(m.name)
    return dict(seen)


def _relate(world) -> None:
    """The office leader (who sees every clue here) relates the first two entities each clue names."""
    from taizhang.people import actions
    from taizhang.people.choices import RelationKind
    from taizhang.people.models import Relation

    for clue in Clue.objects.order_by("pk"):
        ends = list(
            dict.fromkeys(
                Mention.objects.filter(clue=clue).order_by("pk").values_list("entity_id", flat=True)
            )
        )
        if len(ends) >= 2 and not Relation.objects.filter(source_id=ends[0], target_id=ends[1]).exists():
            actions.do_add_relation(
                ends[0], ends[1], actor=world.people["office_leader"], kind=RelationKind.KIN, clue_id=clue.pk
            )


def _check_pages(user, entity_id, whole) -> None:
    """The paged form lists the whole form's clues in its order, each once, and counts them all on every page;
    a page past the last is the last."""
    listed, number = [], 1
    while True:
        paged = reading.entity_page(user, entity_id, page=number, per_page=2)
        assert paged is not None and paged.page is not None
        assert paged.clue_total == len(whole.clues) and paged.record_count == whole.record_count
        assert len(paged.clues) <= 2
        assert [c["case"].pk for c in paged.cases] == [c["case"].pk for c in whole.cases]
        listed += [item["clue"].pk for item in paged.clues]
        if not paged.page.has_next():
            break
        number += 1
    assert listed == [item["clue"].pk for item in whole.clues]
    beyond = reading.entity_page(user, entity_id, page=number + 5, per_page=2)
    assert [item["clue"].pk for item in beyond.clues] == [item["clue"].pk for item in paged.clues]


def _check_persona(user) -> None:
    from taizhang.people.models import Relation

    expected = _oracle(user)
    carried = _matter_oracle(user)
    # Counted clues are matters: a duplicate merged into a clue the person sees is no record of its own.
    for want in expected.values():
        want["matters"] = {carried[pk] for pk in want["clues"]}
    visible_clues = set(Clue.objects.visible_to(user).values_list("pk", flat=True))
    for entity_id in Entity.objects.values_list("pk", flat=True):
        page = reading.entity_page(user, entity_id)
        want = expected.get(entity_id)
        if want is None:
            assert page is None, f"{user.username} learns of entity {entity_id}"
            assert not reading.sees_entity(user, entity_id)
            assert reading.graph(user, entity_id) is None
            continue
        assert page is not None
        # One row per matter; the duplicates naming the entity are listed on their matter's row.
        listed = [item["clue"] for item in page.clues]
        assert sorted(carried[c.pk] for c in listed) == sorted(want["matters"])
        numbers = {c.number for c in listed} | {n for item in page.clues for n in item["merged"]}
        assert numbers == set(Clue.objects.filter(pk__in=want["clues"]).values_list("number", flat=True))
        # The generated cases are built from no clue: an entity's cases are the ones naming it as a suspect.
        assert {item["case"].pk for item in page.cases} == want["cases"]
        assert set(page.names) == want["names"]
        _check_pages(user, entity_id, page)
        # Relations: stated by a visible clue, with both ends known to the person.
        want_relations = {
            r.pk
            for r in Relation.objects.filter(source_id=entity_id)
            | Relation.objects.filter(target_id=entity_id)
            if r.clue_id in visible_clues and r.source_id in expected and r.target_id in expected
        }
        assert {r["relation"].pk for r in page.relations} == want_relations
        graph = reading.graph(user, entity_id, depth=3)
        assert graph is not None
        for node in graph["nodes"]:
            assert node["id"] in expected
            assert node["records"] == len(expected[node["id"]]["matters"]) + len(
                expected[node["id"]]["cases"]
            )
        for edge in graph["edges"]:
            # A co-mention edge stands on visible records naming both ends.
            source, target = expected[edge["source"]], expected[edge["target"]]
            both = len(source["clues"] & target["clues"]) + len(source["cases"] & target["cases"])
            assert 0 < edge["records"] <= both
    listed = {row["id"]: row for row in reading.search(user, "", limit=1000)}  # < RECENT_CLUES clues here
    assert set(listed) == set(expected)
    for entity_id, row in listed.items():
        assert row["clues"] == len(expected[entity_id]["matters"])
        assert row["cases"] == len(expected[entity_id]["cases"])
    for name in set(NAMES):
        for h in reading.hint(user, name, limit=10):
            assert h.clues == len(expected[h.entity_id]["matters"])
            assert h.cases == len(expected[h.entity_id]["cases"])
    for lead in reading.leads(user, minimum=1):
        assert lead["entity_id"] in expected
    counts = reading.record_counts(user, set(expected))
    assert counts == {eid: len(want["matters"]) + len(want["cases"]) for eid, want in expected.items()}


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    specs=st.lists(clue_spec, min_size=1, max_size=4),
    cases=st.lists(case_spec, min_size=0, max_size=2),
    merges=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), max_size=3),
)
def test_every_persona_sees_exactly_what_their_records_say(world, ledger, specs, cases, merges):
    with transaction.atomic():
        for context, subjects in specs:
            _make(ledger, context, subjects)
        _merge_some(world, merges)
        for context, suspects in cases:
            _make_case(world, ledger, context, suspects)
        _relate(world)
        for key in PERSONAS:
            _check_persona(world.people[key])
        transaction.set_rollback(True)


def test_umbrella_and_recused_parts_reach_only_their_readers(world, ledger):
    shared = "11010519491231002X"
    own = ledger.assigned(SubjectData(name="张三", id_fragment=shared), unit="transport")
    umbrella = ledger.assigned(
        SubjectData(name="张三", id_fragment=shared, is_official=True, position="所长"),
        unit="discipline",
        umbrella=True,
    )
    entity_id = Mention.objects.get(clue=own).entity_id
    assert Mention.objects.get(clue=umbrella).entity_id == entity_id
    staff = reading.entity_page(world.people["office_staff"], entity_id)
    leader = reading.entity_page(world.people["office_leader"], entity_id)
    commission = reading.entity_page(world.people["discipline_handler"], entity_id)
    transport = reading.entity_page(world.people["handler"], entity_id)
    assert [c["clue"].pk for c in staff.clues] == [own.pk]
    assert {c["clue"].pk for c in leader.clues} == {own.pk, umbrella.pk}
    assert [c["clue"].pk for c in commission.clues] == [umbrella.pk]
    assert [c["clue"].pk for c in transport.clues] == [own.pk]
    assert "所长" not in staff.posts and "所长" in leader.posts
    assert reading.entity_page(world.people["other_liaison"], entity_id) is None
    [hint] = reading.hint(world.people["office_staff"], "张三", id_fragment=shared)
    assert (hint.clues, hint.cases, hint.same_id) == (1, 0, True)
    [hint] = reading.hint(world.people["office_leader"], "張 三")
    assert hint.clues == 2


def test_a_case_counts_only_through_a_clue_the_person_sees(world, ledger):
    from taizhang.cases import actions as case_actions

    clue = ledger.assigned(SubjectData(name="孙八"), unit="transport")
    case_actions.do_register_case(
        actor=world.people["office_staff"],
        office=world.units["city"],
        name="孙八等人恶势力案",
        org_type="gang",
        handling_units=[world.units["police"]],
        clues=[clue],
    )
    entity_id = Mention.objects.get(clue=clue).entity_id
    [hint] = reading.hint(world.people["office_staff"], "孙八")
    assert (hint.clues, hint.cases) == (1, 1)
    page = reading.entity_page(world.people["office_staff"], entity_id)
    assert [c["via"] for c in page.cases] == [[clue.number]]
    # The police see the case but not the clue naming him: they learn nothing of him.
    assert reading.entity_page(world.people["police_liaison"], entity_id) is None
    assert reading.hint(world.people["police_liaison"], "孙八") == []


def test_organisations_behind_several_groups_only_through_visible_cases(world, ledger):
    from taizhang.cases import actions as case_actions

    company = SubjectData(name="某某砂石有限公司", kind="organisation")
    first = ledger.assigned(company, SubjectData(name="甲"), unit="transport")
    second = ledger.assigned(SubjectData(name="某某砂石有限公司", kind="organisation"), unit="construction")
    for clue, name in ((first, "甲等人恶势力案"), (second, "乙等人涉黑案")):
        case_actions.do_register_case(
            actor=world.people["office_staff"],
            office=world.units["city"],
            name=name,
            org_type="gang",
            handling_units=[world.units["police"]],
            clues=[clue],
        )
    # Without a shared ID the two mentions are two entities until staff merge them.
    from taizhang.people import actions
    from taizhang.people.models import MergeCandidate

    assert reading.linked_organisations(world.people["office_staff"]) == []
    # An organisation's full name is enough to propose (a person's is not).
    candidate = MergeCandidate.objects.get(first__kind="organisation")
    actions.do_confirm_merge(candidate.pk, actor=world.people["office_staff"])
    [row] = reading.linked_organisations(world.people["office_staff"])
    assert row["groups"] == 2
    assert reading.linked_organisations(world.people["handler"]) == []
