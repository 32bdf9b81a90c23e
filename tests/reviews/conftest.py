"""Concluded clues of the standard world, built with the real actions (tests/clues/conftest.Walk)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from taizhang.clues import actions
from taizhang.clues.actions import ReporterData
from taizhang.clues.choices import FindingResult, ReporterKind
from tests.clues.conftest import Walk

PHONE = "13912345678"


class Ledger(Walk):
    def concluded(self, result=FindingResult.UNFOUNDED, *, real_name=False, unit="transport", subjects=None):
        reporter = (
            ReporterData(
                kind=ReporterKind.REAL_NAME,
                identity={"name": "陈某某", "phone": PHONE, "email": "c@example.cn"},
            )
            if real_name
            else None
        )
        clue = self.accepted(result=result, reporter=reporter, subjects=subjects)
        return actions.do_conclude_clue(clue.pk, actor=self.w.people["office_staff"])


@pytest.fixture
def ledger(world):
    return Ledger(world)


@pytest.fixture
def period():
    today = timezone.localdate()
    return today - dt.timedelta(days=30), today
