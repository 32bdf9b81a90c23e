"""The whole-ledger resolution: the management command and the worker job."""

import io

import pytest
from django.core.management import call_command

from taizhang.clues.actions import SubjectData
from taizhang.jobs import registry
from taizhang.people.models import Mention

pytestmark = pytest.mark.django_db


def test_command_resolves_what_was_not_resolved(ledger):
    clue = ledger.clue(SubjectData(name="张三"), SubjectData(name="李四"))
    Mention.objects.all().delete()
    out = io.StringIO()
    call_command("people", "resolve", "--no-progress", "--batch", "1", stdout=out)
    assert Mention.objects.filter(clue=clue).count() == 2
    assert "clues: 1" in out.getvalue()


def test_worker_job_reports_progress(ledger):
    ledger.clue(SubjectData(name="张三"))
    Mention.objects.all().delete()
    seen = []
    result = registry.get("people.resolve").run(None, lambda done, total: seen.append((done, total)))
    assert result["clues"] == 1 and "人员识别已完成" in result["message"]
    assert seen[-1] == (1, 1)
    assert Mention.objects.count() == 1


def test_the_import_job_resolves_its_clues_as_one_by_one_would(ledger):
    """The job after a bulk registration: never-resolved clues set-based, a resolved one re-read; the result is
    what resolving each alone gives (same entities and proposals)."""
    from types import SimpleNamespace

    from taizhang.people.models import Entity, MergeCandidate
    from taizhang.people.resolve import resolve_clue

    clues = [
        ledger.clue(SubjectData(name="张三", unit_name="某某建筑有限公司")),
        ledger.clue(SubjectData(name="張三", unit_name="某某建筑有限公司"), SubjectData(name="李四")),
        ledger.clue(SubjectData(name="李四", id_fragment="11010519491231002X")),
    ]
    ids = [c.pk for c in clues]

    def result():
        names = {e: n for e, n in Mention.objects.values_list("entity_id", "subject__name")}
        return (
            sorted(Mention.objects.values_list("subject__name", "clue_id", "role")),
            Entity.objects.count(),
            sorted(
                (sorted([names[a], names[b]]), score)
                for a, b, score in MergeCandidate.objects.values_list("first_id", "second_id", "score")
            ),
        )

    results, seen = [], []
    for by_job in (False, True):
        Mention.objects.all().delete()
        MergeCandidate.objects.all().delete()
        Entity.objects.all().delete()
        resolve_clue(ids[0])  # one already resolved, as a receiver may have done
        if by_job:
            job = SimpleNamespace(params={"ids": [ids[2], ids[0], ids[1], ids[2]]})
            done = registry.get("people.resolve_clues").run(job, lambda d, t: seen.append((d, t)))
            assert done["clues"] == 3 and seen[-1] == (3, 3)
        else:
            for pk in ids[1:]:
                resolve_clue(pk)
        results.append(result())
    assert results[0] == results[1]
    assert results[0][2]  # a proposal (same name and employer) among them
