"""The set-based first resolution (people/bulk.py) gives exactly what resolving clue by clue gives: the same
entities, mentions and proposals (scores, reasons, statuses), on random ledgers full of shared keys, with the
per-key cap and the batches small enough to be crossed, after part of the ledger was resolved and a proposal
rejected."""

import random

import pytest
from django.utils import timezone

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


def _snapshot() -> tuple[dict, set, dict]:
    """The resolution's result with entities named by their first subject (ids differ between runs)."""
    first = {}
    for entity_id, subject_id in Mention.objects.order_by("subject_id").values_list(
        "entity_id", "subject_id"
    ):
        first.setdefault(entity_id, subject_id)
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
    # A third resolved as registration does, and the first proposal rejected by a person...
    for pk in clue_ids[: len(clue_ids) // 3]:
        resolve.resolve_clue(pk)
    MergeCandidate.objects.filter(
        pk=MergeCandidate.objects.order_by("pk").values_list("pk", flat=True)[:1]
    ).update(status=CandidateStatus.REJECTED)
    # ...then the whole ledger.
    counts = resolve.resolve_all(batch=7, one_by_one=one_by_one)
    assert counts["clues"] == len(clue_ids)
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
