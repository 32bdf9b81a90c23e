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
