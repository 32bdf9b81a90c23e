"""Helpers that walk a clue through its life with the real actions."""

from __future__ import annotations

import pytest
from django.utils import timezone

from taizhang.clues import actions
from taizhang.clues.actions import ReporterData, SubjectData
from taizhang.clues.choices import Category, Channel, FindingResult, ReportStage, TransferKind


class Walk:
    """Builds clues in a given state for the standard world."""

    def __init__(self, world):
        self.w = world

    def register(
        self, *, office="city", subjects=None, umbrella=False, reporter=None, summary="某某团伙强揽工程"
    ):
        return actions.do_register_clue(
            actor=self.w.people["office_staff" if office == "city" else "district_staff"],
            office=self.w.units[office],
            channel=Channel.LETTER,
            received_at=timezone.now(),
            summary=summary,
            facts="群众来信反映，某某长期纠集社会闲散人员，在工地强揽土方工程，威胁竞争对手。",
            subjects=subjects or [SubjectData(name="张某某", position="包工头")],
            alleges_umbrella=umbrella,
            reporter=reporter or ReporterData(),
        )

    def triaged(self, **kw):
        clue = self.register(**kw)
        leader = "office_leader" if kw.get("umbrella") else "office_staff"
        actor = self.w.people[leader if kw.get("office", "city") == "city" else "district_staff"]
        category = Category.UMBRELLA if kw.get("umbrella") else Category.EVIL
        return actions.do_triage_clue(clue.pk, actor=actor, in_scope=True, category=category)

    def assigned(self, unit="transport", **kw):
        clue = self.triaged(**kw)
        actor = self.w.people["office_leader"]
        person = {
            "transport": "handler",
            "discipline": "discipline_handler",
            "construction": "other_liaison",
        }.get(unit)
        return actions.do_assign_clue(
            clue.pk, actor=actor, unit=self.w.units[unit], person=self.w.people[person] if person else None
        )

    def verifying(self, **kw):
        clue = self.assigned(**kw)
        actions.do_file_stage_report(
            clue.pk,
            actor=self.w.people["liaison"],
            stage=ReportStage.FIRST,
            body="已成立核查组，由孙某负责。",
        )
        return clue

    def under_review(self, result=FindingResult.SUBSTANTIATED, **kw):
        clue = self.verifying(**kw)
        actions.do_record_finding(
            clue.pk, actor=self.w.people["handler"], result=result, basis="经走访核实，情况属实。"
        )
        actions.do_sign_finding(clue.pk, actor=self.w.people["unit_leader"])
        return clue

    def accepted(self, result=FindingResult.SUBSTANTIATED, **kw):
        clue = self.under_review(result=result, **kw)
        actions.do_review_finding(clue.pk, actor=self.w.people["office_staff"], accept=True)
        return clue

    def transferred(self, **kw):
        clue = self.accepted(**kw)
        actions.do_transfer_clue(
            clue.pk,
            actor=self.w.people["office_staff"],
            kind=TransferKind.POLICE,
            receiver_unit=self.w.units["police"],
            letter_number="测扫黑办移〔2026〕1号",
        )
        return clue


@pytest.fixture
def walk(world):
    return Walk(world)
