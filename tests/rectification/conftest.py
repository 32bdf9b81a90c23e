"""Letters and problem lists built with the real actions for the standard world."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from taizhang.org.models import Sector
from taizhang.rectification import actions
from taizhang.rectification.actions import MeasureData
from taizhang.rectification.choices import ListSource
from taizhang.rectification.models import LetterType


class Rect:
    """Issues letters and builds lists; `world.units["transport"]` leads the transport sector."""

    def __init__(self, world):
        self.w = world
        self.sector = Sector.objects.get(code="transport")
        self.sector.lead_unit = world.units["transport"]
        self.sector.save()

    def letter(
        self, *, recipient="transport", days_ago=5, due=None, issuer="procuratorate", code="procuratorial"
    ):
        return actions.do_issue_letter(
            actor=self.w.people["office_staff"],
            letter_type=LetterType.objects.get(code=code),
            number=f"检建〔2026〕{days_ago}号",
            issuer=self.w.units[issuer],
            recipient=self.w.units[recipient],
            issued_on=timezone.localdate() - dt.timedelta(days=days_ago),
            problems="工程招投标监管存在漏洞。",
            reply_due_at=due,
        )

    def replied(self, **kw):
        letter = self.letter(**kw)
        rows = [
            MeasureData(
                problem="招投标监管漏洞",
                description="修订招投标监管办法",
                deadline=timezone.localdate() + dt.timedelta(days=30),
            ),
            MeasureData(
                problem="招投标监管漏洞",
                description="开展专项检查",
                deadline=timezone.localdate() + dt.timedelta(days=60),
            ),
        ]
        person = {"transport": "liaison", "construction": "other_liaison"}[kw.get("recipient", "transport")]
        return actions.do_reply_letter(
            letter.pk, actor=self.w.people[person], reply="已制定整改方案。", measures=rows
        )

    def problem_list(self, *, units=("construction",), sector=None, deadlines=(30, -3)):
        rows = [
            MeasureData(
                problem=f"问题{i}",
                description=f"措施{i}",
                deadline=timezone.localdate() + dt.timedelta(days=d),
                units=[self.w.units[u] for u in units],
            )
            for i, d in enumerate(deadlines, start=1)
        ]
        return actions.do_create_problem_list(
            actor=self.w.people["office_staff"],
            title="督导组反馈问题清单",
            source=ListSource.INSPECTION_TEAM,
            office=self.w.units["city"],
            sector=sector,
            rows=rows,
        )


@pytest.fixture
def rect(world):
    return Rect(world)
