"""The clue page's handling records (clues/views/records.py) are what the models say: for a clue whose records
name people with and without a display name, units with and without a short name, a reassignment, a signed and
reviewed finding, transfers with and without answers and outcomes, and fifty staged reports — in each language."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils.translation import override

from taizhang.clues.choices import FindingResult, TransferAnswer
from taizhang.clues.models import Assignment, Finding, StageReport, Transfer
from taizhang.clues.views import records
from tests.clues.history import lengthen

pytestmark = pytest.mark.django_db


def _name(user):
    return str(user) if user else ""


def _clue(world, walk):
    people = world.people
    people["handler"].display_name = ""
    people["handler"].save(update_fields=["display_name"])
    world.units["police"].short_name = "公安"
    world.units["police"].save(update_fields=["short_name"])
    walk.assigned(unit="construction")  # another clue: its records must not appear
    clue = walk.accepted(result=FindingResult.PARTLY)
    Assignment.objects.create(  # an earlier, ended assignment to a unit without a person, with a reason
        clue=clue,
        unit=world.units["construction"],
        person=None,
        due_at=clue.received_at,
        assigned_by=people["office_leader"],
        assigned_at=clue.received_at,
        is_current=False,
        reason="职能调整",
    )
    lengthen(clue, people["handler"], world.units["police"])
    pending = Transfer.objects.filter(clue=clue).first()
    Transfer.objects.filter(pk=pending.pk).update(
        answer=TransferAnswer.PENDING, answered_by=None, answered_at=None
    )
    return clue


def test_each_record_is_what_the_model_says(world, walk):
    clue = _clue(world, walk)
    other = walk.assigned()
    for language, _label in settings.LANGUAGES:
        with override(language):
            assignments = [
                (
                    a.unit.label,
                    _name(a.person),
                    a.assigned_at,
                    _name(a.assigned_by),
                    a.due_at,
                    a.instructions,
                    a.reason,
                    a.is_current,
                )
                for a in Assignment.objects.filter(clue=clue).order_by("assigned_at", "id")
            ]
            got = [
                (
                    r.unit,
                    r.person,
                    r.assigned_at,
                    r.assigned_by,
                    r.due_at,
                    r.instructions,
                    r.reason,
                    r.is_current,
                )
                for r in records.assignments_of(clue.pk)
            ]
            assert got == assignments and got, language

            reports = [
                (
                    r.get_stage_display(),
                    r.submitted_at,
                    _name(r.submitted_by),
                    r.assignment.unit.label,
                    r.body,
                )
                for r in StageReport.objects.filter(clue=clue).order_by("submitted_at", "id")
            ]
            every, earlier = records.reports_of(clue.pk, None)
            assert [(r.stage, r.submitted_at, r.submitted_by, r.unit, r.body) for r in every] == reports
            assert earlier == 0 and len(reports) == 50
            newest, earlier = records.reports_of(clue.pk, 10)
            assert [(r.stage, r.submitted_at, r.submitted_by, r.unit, r.body) for r in newest] == reports[
                -10:
            ]
            assert earlier == 40

            findings = [
                (
                    f.pk,
                    f.get_result_display(),
                    f.get_decision_display(),
                    f.basis,
                    _name(f.drafted_by),
                    f.drafted_at,
                    _name(f.signed_by),
                    f.signed_at,
                    _name(f.reviewed_by),
                    f.reviewed_at,
                    f.review_note,
                )
                for f in Finding.objects.filter(clue=clue).order_by("drafted_at", "id")
            ]
            got = [
                (
                    f.pk,
                    f.result,
                    f.decision,
                    f.basis,
                    f.drafted_by,
                    f.drafted_at,
                    f.signed_by,
                    f.signed_at,
                    f.reviewed_by,
                    f.reviewed_at,
                    f.review_note,
                )
                for f in records.findings_of(clue.pk)
            ]
            assert got == findings and got, language

            transfers = [
                (
                    t.pk,
                    t.get_kind_display(),
                    t.receiver_unit_id,
                    t.receiver_unit.label,
                    t.letter_number,
                    t.evidence_list,
                    t.sent_at,
                    _name(t.sent_by),
                    t.answer,
                    t.get_answer_display(),
                    t.answer_note,
                    t.case_reference,
                    t.answered_at,
                    _name(t.answered_by),
                    [
                        {"reported_at": o.reported_at, "body": o.body, "reported_by": _name(o.reported_by)}
                        for o in t.outcomes.order_by("reported_at", "id")
                    ],
                )
                for t in Transfer.objects.filter(clue=clue).order_by("sent_at", "id")
            ]
            got = [
                (
                    t.pk,
                    t.kind,
                    t.receiver_unit_id,
                    t.receiver,
                    t.letter_number,
                    t.evidence_list,
                    t.sent_at,
                    t.sent_by,
                    t.answer,
                    t.answer_label,
                    t.answer_note,
                    t.case_reference,
                    t.answered_at,
                    t.answered_by,
                    t.outcome_rows,
                )
                for t in records.transfers_of(clue.pk)
            ]
            assert got == transfers and len(got) == 10, language
    assert records.transfers_of(other.pk) == [] and records.findings_of(other.pk) == []
    assert len(records.assignments_of(other.pk)) == 1
