"""The set-based first resolution (people/bulk.py) gives exactly what resolving clue by clue gives: the same
entities, mentions and proposals (scores, reasons, statuses), on random ledgers full of shared keys, with the
per-key cap and the batches small enough to be crossed, after part of the ledger was resolved and a proposal
rejected."""

import random

import pytest
from django.utils import timezone

from taizhang.cases.checks import ensure_checks
from taizhang.cases.choices import CheckKind, GroupRole, Measure, SuspectStatus
from taizhang.cases.models import Accountability, Case, CaseSuspect
from taizhang.clues.choices import Channel
from taizhang.clues.models import Clue, ReportedSubject
from taizhang.people import resolve
from taizhang.people.choices import CandidateStatus
from taizhang.people.models import Entity, Mention, MergeCandidate

pytestmark = pytest.mark.django_db

NAMES = ["张三", "張三", "张 三", "章三", "张叁", "李四", "李 四", "王伟", "汪伟", "某建筑公司", "某建築公司"]
IDS = [
    "",
    "",
    "11010519491231002X",
    "110105198001010016",
    "110105194912310021",  # 18 digits, invalid check digit: a fragment, never a silent merge
    "1101051949******2X",
    "002X",
    "310016",
]
PHONES = ["", "", "13800138000", "138 0013 8000", "8000", "13900139000"]
UNITS = ["", "某建筑公司", "某建筑有限公司", "某运输公司"]
POSTS = ["", "", "所长", "经理"]


def _ledger(world, seed: int, clues: int = 45) -> list[int]:
    rng = random.Random(seed)
    ids = []
    for i in range(clues):
        clue = Clue.objects.create(
            number=f"B-{seed}-{i:03d}",
            office=world.units["city"],
            channel=Channel.LETTER,
            received_at=timezone.now(),
            summary="随机线索",
            facts="随机线索",
            is_umbrella=rng.random() < 0.3,
        )
        for _ in range(rng.choice([1, 1, 2, 3])):
            name = rng.choice(NAMES)
            ReportedSubject.objects.create(
                clue=clue,
                kind="organisation" if "公司" in name else "person",
                name=name,
                unit_name=rng.choice(UNITS),
                position=rng.choice(POSTS),
                is_official=rng.random() < 0.4,
                id_fragment=rng.choice(IDS),
                phone_fragment=rng.choice(PHONES),
            )
        ids.append(clue.pk)
    return ids


def _source(subject_id, suspect_id, accountability_id) -> tuple[int, int]:
    """The record a mention stands for, the same in every run: clue subjects, then suspects, then
    accountability records, each by its row's id."""
    if subject_id:
        return (0, subject_id)
    return (1, suspect_id) if suspect_id else (2, accountability_id)


def _snapshot() -> tuple[dict, set, dict]:
    """The resolution's result with entities named by their first record (ids differ between runs)."""
    first: dict[int, tuple[int, int]] = {}
    for entity_id, *named in Mention.objects.values_list(
        "entity_id", "subject_id", "suspect_id", "accountability_id"
    ):
        first[entity_id] = min(first.get(entity_id, _source(*named)), _source(*named))
    entities = {
        first[row[0]]: row[1:]
        for row in Entity.objects.values_list(
            "pk", "kind", "name", "name_key", "pinyin_key", "id_number", "employer", "post", "merged_into"
        )
    }
    fields = [f.name for f in Mention._meta.fields if f.name not in ("id", "entity")]
    mentions = {(first[row[0]], *row[1:]) for row in Mention.objects.values_list("entity_id", *fields)}
    proposals = {
        (first[a], first[b]): (score, tuple(reasons), status)
        for a, b, score, reasons, status in MergeCandidate.objects.values_list(
            "first_id", "second_id", "score", "reasons", "status"
        )
    }
    return entities, mentions, proposals


def _run(clue_ids: list[int], *, one_by_one: bool) -> tuple[dict, set, dict]:
    Mention.objects.all().delete()
    MergeCandidate.objects.all().delete()
    Entity.objects.all().delete()
    # A third resolved as registration does (and a third of the cases' records as they are written), and the
    # first proposal rejected by a person...
    for pk in clue_ids[: len(clue_ids) // 3]:
        resolve.resolve_clue(pk)
    for pk in CaseSuspect.objects.order_by("pk").values_list("pk", flat=True)[::3]:
        resolve.resolve_suspect(pk)
    for pk in Accountability.objects.order_by("pk").values_list("pk", flat=True)[::3]:
        resolve.resolve_accountability(pk)
    MergeCandidate.objects.filter(
        pk=MergeCandidate.objects.order_by("pk").values_list("pk", flat=True)[:1]
    ).update(status=CandidateStatus.REJECTED)
    # ...then the whole ledger.
    counts = resolve.resolve_all(batch=7, one_by_one=one_by_one)
    assert counts["clues"] == len(clue_ids)
    assert counts["suspects"] == CaseSuspect.objects.count()
    assert counts["accountability"] == Accountability.objects.count()
    return _snapshot()


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_set_based_pass_equals_one_by_one(world, monkeypatch, seed):
    monkeypatch.setattr(resolve, "MAX_KEY_ROWS", 3)  # common names meet the cap
    clue_ids = _ledger(world, seed)
    one_by_one = _run(clue_ids, one_by_one=True)
    set_based = _run(clue_ids, one_by_one=False)
    assert set_based[0] == one_by_one[0]
    assert set_based[1] == one_by_one[1]
    assert set_based[2] == one_by_one[2]
    # The ledger is one where all of it matters: silent merges, proposals, a rejected one.
    assert len(one_by_one[0]) < ReportedSubject.objects.count()
    assert len(one_by_one[2]) >= 3
    assert CandidateStatus.REJECTED in {status for _s, _r, status in one_by_one[2].values()}


def test_set_based_pass_with_the_cap_unreached(world):
    clue_ids = _ledger(world, 7, clues=30)
    assert _run(clue_ids, one_by_one=False) == _run(clue_ids, one_by_one=True)


def _cases(world, seed: int, cases: int = 12) -> None:
    """Cases with suspect and accountability records drawn from the same names, numbers and units as the
    clues (written directly: resolution is the pass under test)."""
    rng = random.Random(seed * 31)
    for i in range(cases):
        case = Case.objects.create(
            number=f"C-{seed}-{i:03d}", name="某某等人恶势力案", org_type="gang", office=world.units["city"]
        )
        for _ in range(rng.choice([0, 1, 2, 3])):
            name = rng.choice([n for n in NAMES if "公司" not in n])
            CaseSuspect.objects.create(
                case=case,
                name=name,
                id_fragment=rng.choice(IDS),
                phone_fragment=rng.choice(PHONES),
                group_role=GroupRole.MEMBER,
                status=SuspectStatus.CAUGHT,
            )
        check = next(c for c in ensure_checks(case) if c.kind == CheckKind.UMBRELLA)
        for _ in range(rng.choice([0, 1, 2])):
            Accountability.objects.create(
                check_row=check,
                person_name=rng.choice(NAMES[:7]),
                post=rng.choice(["所长", "所长", "副局长", ""]),
                unit_name=rng.choice(UNITS),
                measure=Measure.ADMONISH,
                decided_on=timezone.localdate(),
            )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_case_records_set_based_equal_one_by_one(world, monkeypatch, seed):
    """Suspects and accountability records never resolved go set-based too, with the same result: a record
    joining an entity by its full ID proposes nothing, one making a new entity proposes (resolve_suspect)."""
    monkeypatch.setattr(resolve, "MAX_KEY_ROWS", 3)
    clue_ids = _ledger(world, seed, clues=20)
    _cases(world, seed)
    one_by_one = _run(clue_ids, one_by_one=True)
    set_based = _run(clue_ids, one_by_one=False)
    assert set_based[0] == one_by_one[0]
    assert set_based[1] == one_by_one[1]
    assert set_based[2] == one_by_one[2]
    # Case records matter here: some join clue subjects' entities, some are proposed with them.
    kinds = {source[0] for pair in one_by_one[2] for source in pair}
    assert {1, 2} <= kinds
    assert len({first for first in one_by_one[0] if first[0] == 1}) < CaseSuspect.objects.count()


def test_a_case_suspect_added_later_is_resolved_set_based_like_one_by_one(world, ledger):
    """After a suspect is added (the receiver's path) the new record is resolved set-based, the ones
    already resolved are re-read: the result equals resolving each alone."""
    _cases(world, 5, cases=3)
    case = Case.objects.filter(suspects__isnull=False).first()
    results = []
    for one_by_one in (True, False):
        Mention.objects.all().delete()
        MergeCandidate.objects.all().delete()
        Entity.objects.all().delete()
        first = case.suspects.order_by("pk").first()
        resolve.resolve_suspect(first.pk)
        if one_by_one:
            for pk in case.suspects.order_by("pk").values_list("pk", flat=True):
                resolve.resolve_suspect(pk)
        else:
            assert resolve.resolve_case_suspects(case.pk) == case.suspects.count()
        results.append(_snapshot())
    assert results[0] == results[1]
