"""Every clue transition allowed and refused, through the real actions."""

from __future__ import annotations

import pytest

from taizhang.clues import actions
from taizhang.clues.actions import SubjectData
from taizhang.clues.choices import (
    Category,
    ClueStatus,
    FindingResult,
    ReportStage,
    TransferAnswer,
    TransferKind,
)
from taizhang.clues.models import Clue
from taizhang.core.errors import ActionError, ConflictError, NotVisible, PermissionRefused, TransitionRefused
from taizhang.core.models import AuditEntry


def _status(clue):
    return Clue.objects.get(pk=clue.pk).status


def test_full_life_from_registration_to_conclusion(world, walk):
    clue = walk.transferred()
    assert _status(clue) == ClueStatus.TRANSFERRED
    transfer = clue.transfers.get()
    actions.do_answer_transfer(
        transfer.pk,
        actor=world.people["police_liaison"],
        answer=TransferAnswer.FILED,
        case_reference="测公刑立字〔2026〕88号",
    )
    actions.do_record_transfer_outcome(
        transfer.pk, actor=world.people["police_liaison"], body="已刑事拘留3人。"
    )
    actions.do_conclude_clue(clue.pk, actor=world.people["office_staff"], note="移送公安立案侦查")
    clue.refresh_from_db()
    assert clue.status == ClueStatus.CONCLUDED and clue.concluded_at and clue.deadline_at is None
    steps = list(
        AuditEntry.objects.filter(object_type="clues.clue", object_id=str(clue.pk)).values_list(
            "action", flat=True
        )
    )
    assert steps[:3] == ["clue.register", "clue.triage", "clue.assign"]
    assert "clue.conclude" in steps and "clue.transfer_answered" in steps


def test_numbers_are_sequential_per_office_and_year(world, walk):
    a, b = walk.register(), walk.register()
    c = walk.register(office="district")
    assert a.number.endswith("000001") and b.number.endswith("000002")
    assert c.number.endswith("000001")


def test_concluding_without_a_finding_is_refused_and_changes_nothing(world, walk):
    clue = walk.verifying()
    before = Clue.objects.get(pk=clue.pk)
    with pytest.raises(TransitionRefused) as excinfo:
        actions.do_conclude_clue(clue.pk, actor=world.people["office_staff"])
    assert excinfo.value.message == "当前状态为「核查中」，不能进行「办结」。"
    after = Clue.objects.get(pk=clue.pk)
    assert (after.status, after.version) == (before.status, before.version)


def test_refused_transitions(world, walk):
    registered = walk.register()
    with pytest.raises(TransitionRefused):
        actions.do_assign_clue(
            registered.pk, actor=world.people["office_staff"], unit=world.units["transport"]
        )
    with pytest.raises(TransitionRefused):
        actions.do_transfer_clue(
            registered.pk,
            actor=world.people["office_staff"],
            kind=TransferKind.POLICE,
            receiver_unit=world.units["police"],
        )
    with pytest.raises(TransitionRefused):
        actions.do_reopen_clue(registered.pk, actor=world.people["office_staff"], reason="x")


def test_unfounded_finding_cannot_be_transferred_but_can_conclude(world, walk):
    clue = walk.accepted(result=FindingResult.UNFOUNDED)
    with pytest.raises(ActionError):
        actions.do_transfer_clue(
            clue.pk,
            actor=world.people["office_staff"],
            kind=TransferKind.POLICE,
            receiver_unit=world.units["police"],
        )
    actions.do_conclude_clue(clue.pk, actor=world.people["office_staff"])
    assert _status(clue) == ClueStatus.CONCLUDED


def test_review_can_send_back_and_unit_redoes(world, walk):
    clue = walk.under_review()
    actions.do_review_finding(
        clue.pk, actor=world.people["office_staff"], accept=False, note="证据不足，补充询问笔录"
    )
    assert _status(clue) == ClueStatus.RETURNED
    actions.do_record_finding(
        clue.pk, actor=world.people["unit_leader"], result=FindingResult.PARTLY, basis="补充核查"
    )
    assert _status(clue) == ClueStatus.UNDER_REVIEW  # the leader's own finding is signed at once


def test_only_the_unit_leader_signs(world, walk):
    clue = walk.verifying()
    actions.do_record_finding(
        clue.pk, actor=world.people["handler"], result=FindingResult.UNFOUNDED, basis="查无实据"
    )
    with pytest.raises(PermissionRefused):
        actions.do_sign_finding(clue.pk, actor=world.people["liaison"])
    finding = actions.do_sign_finding(clue.pk, actor=world.people["unit_leader"])
    assert finding.signed_by == world.people["unit_leader"] and finding.signed_at


def test_other_unit_cannot_report_on_a_clue_it_cannot_see(world, walk):
    clue = walk.assigned()
    with pytest.raises(NotVisible):
        actions.do_file_stage_report(
            clue.pk, actor=world.people["other_liaison"], stage=ReportStage.FIRST, body="x"
        )


def test_group_member_only_reads(world, walk):
    clue = walk.register()
    with pytest.raises(PermissionRefused):
        actions.do_triage_clue(
            clue.pk, actor=world.people["group_member"], in_scope=True, category=Category.EVIL
        )


def test_referral_is_an_outcome_and_can_be_reopened(world, walk):
    clue = walk.register()
    actions.do_triage_clue(
        clue.pk, actor=world.people["office_staff"], in_scope=False, referred_to="市信访局"
    )
    assert _status(clue) == ClueStatus.REFERRED
    actions.do_reopen_clue(clue.pk, actor=world.people["office_staff"], reason="群众重复举报")
    clue.refresh_from_db()
    assert clue.status == ClueStatus.TRIAGED and clue.reopen_count == 1


def test_stale_version_is_a_conflict(world, walk):
    clue = walk.register()
    actions.do_edit_clue(clue.pk, actor=world.people["office_staff"], version=clue.version, place="东湖区")
    with pytest.raises(ConflictError) as excinfo:
        actions.do_edit_clue(
            clue.pk, actor=world.people["office_leader"], version=clue.version, place="西岭区"
        )
    assert excinfo.value.detail["changes"]["place"] == "东湖区"
    assert Clue.objects.get(pk=clue.pk).place == "东湖区"


def test_recused_unit_cannot_be_assigned(world, walk):
    clue = walk.triaged(subjects=[SubjectData(name="李某", position="科长", unit_name="测试市交通运输局")])
    with pytest.raises(ActionError) as excinfo:
        actions.do_assign_clue(clue.pk, actor=world.people["office_staff"], unit=world.units["transport"])
    assert excinfo.value.code == "recused"


def test_umbrella_clue_goes_to_the_discipline_commission(world, walk):
    clue = walk.triaged(umbrella=True)
    with pytest.raises(ActionError):
        actions.do_assign_clue(clue.pk, actor=world.people["office_leader"], unit=world.units["transport"])
    actions.do_assign_clue(clue.pk, actor=world.people["office_leader"], unit=world.units["discipline"])
    assert _status(clue) == ClueStatus.ASSIGNED


def test_merge_takes_the_duplicate_off_the_open_ledger(world, walk):
    a, b = walk.register(), walk.register()
    actions.do_merge_clue(b.pk, a.pk, actor=world.people["office_staff"], note="同一事项")
    b.refresh_from_db()
    assert b.status == ClueStatus.MERGED and b.merged_into_id == a.pk
    assert not Clue.objects.open().filter(pk=b.pk).exists()


# --- every step from every state: allowed exactly where CLUE_STEPS says so ------------------------------

from django.db import transaction  # noqa: E402

from taizhang.clues.choices import CLUE_STEPS, ClueStep  # noqa: E402


class _Undo(Exception):
    pass


def _state_builders(walk, world):
    def awaiting_signoff():
        clue = walk.verifying()
        actions.do_record_finding(
            clue.pk, actor=world.people["liaison"], result="substantiated", basis="属实"
        )
        return clue

    def returned():
        clue = walk.under_review()
        actions.do_review_finding(clue.pk, actor=world.people["office_staff"], accept=False, note="证据不足")
        return clue

    def concluded():
        clue = walk.accepted(result=FindingResult.UNFOUNDED)
        actions.do_conclude_clue(clue.pk, actor=world.people["office_staff"])
        return clue

    def referred():
        clue = walk.register()
        actions.do_triage_clue(
            clue.pk, actor=world.people["office_staff"], in_scope=False, referred_to="市信访局"
        )
        return clue

    def merged():
        clue, other = walk.register(), walk.register()
        actions.do_merge_clue(clue.pk, other.pk, actor=world.people["office_staff"])
        return clue

    return {
        ClueStatus.REGISTERED: walk.register,
        ClueStatus.TRIAGED: walk.triaged,
        ClueStatus.REFERRED: referred,
        ClueStatus.ASSIGNED: walk.assigned,
        ClueStatus.VERIFYING: walk.verifying,
        ClueStatus.AWAITING_SIGNOFF: awaiting_signoff,
        ClueStatus.UNDER_REVIEW: walk.under_review,
        ClueStatus.RETURNED: returned,
        ClueStatus.ACCEPTED: walk.accepted,
        ClueStatus.TRANSFERRED: walk.transferred,
        ClueStatus.CONCLUDED: concluded,
        ClueStatus.MERGED: merged,
    }


def _step_callers(world, spare):
    p, u = world.people, world.units

    def pending_transfer(clue):
        t = clue.transfers.filter(answer=TransferAnswer.PENDING).first()
        return t.pk if t else 0

    return {
        ClueStep.TRIAGE: lambda c: actions.do_triage_clue(
            c.pk, actor=p["office_staff"], in_scope=True, category=Category.EVIL
        ),
        ClueStep.REFER: lambda c: actions.do_triage_clue(
            c.pk, actor=p["office_staff"], in_scope=False, referred_to="市信访局"
        ),
        ClueStep.ASSIGN: lambda c: actions.do_assign_clue(
            c.pk, actor=p["office_staff"], unit=u["transport"], person=p["handler"]
        ),
        ClueStep.REASSIGN: lambda c: actions.do_reassign_clue(
            c.pk, actor=p["office_staff"], unit=u["construction"], reason="职责调整"
        ),
        ClueStep.FIRST_REPORT: lambda c: actions.do_file_stage_report(
            c.pk, actor=p["liaison"], stage=ReportStage.FIRST, body="方案"
        ),
        ClueStep.PROGRESS_REPORT: lambda c: actions.do_file_stage_report(
            c.pk, actor=p["liaison"], stage=ReportStage.PROGRESS, body="进展"
        ),
        ClueStep.RECORD_FINDING: lambda c: actions.do_record_finding(
            c.pk, actor=p["liaison"], result=FindingResult.PARTLY, basis="部分属实"
        ),
        ClueStep.SIGN: lambda c: actions.do_sign_finding(c.pk, actor=p["unit_leader"]),
        ClueStep.REFUSE_SIGNOFF: lambda c: actions.do_sign_finding(
            c.pk, actor=p["unit_leader"], approve=False, note="不充分"
        ),
        ClueStep.ACCEPT: lambda c: actions.do_review_finding(c.pk, actor=p["office_staff"], accept=True),
        ClueStep.SEND_BACK: lambda c: actions.do_review_finding(
            c.pk, actor=p["office_staff"], accept=False, note="补充"
        ),
        ClueStep.TRANSFER: lambda c: actions.do_transfer_clue(
            c.pk, actor=p["office_staff"], kind=TransferKind.POLICE, receiver_unit=u["police"]
        ),
        ClueStep.ANSWER_TRANSFER: lambda c: actions.do_answer_transfer(
            pending_transfer(c), actor=p["police_liaison"], answer=TransferAnswer.FILED
        ),
        ClueStep.TRANSFER_RETURNED: lambda c: actions.do_answer_transfer(
            pending_transfer(c), actor=p["police_liaison"], answer=TransferAnswer.RETURNED, note="材料不全"
        ),
        ClueStep.CONCLUDE: lambda c: actions.do_conclude_clue(c.pk, actor=p["office_staff"]),
        ClueStep.REOPEN: lambda c: actions.do_reopen_clue(c.pk, actor=p["office_staff"], reason="新情况"),
        ClueStep.MERGE: lambda c: actions.do_merge_clue(c.pk, spare.pk, actor=p["office_staff"]),
        ClueStep.WITHDRAW: lambda c: actions.do_withdraw_assignment(
            c.pk, actor=p["office_staff"], reason="局长亲属涉案，须回避"
        ),
    }


# Where the map allows the step but a business rule still refuses it (and says why).
RULE_REFUSALS = {(ClueStatus.TRANSFERRED, ClueStep.CONCLUDE): "transfer_pending"}


def test_every_step_from_every_state(world, walk):
    spare = walk.register()
    callers = _step_callers(world, spare)
    assert set(callers) == set(CLUE_STEPS)
    checked = 0
    for state, build in _state_builders(walk, world).items():
        clue = build()
        assert Clue.objects.get(pk=clue.pk).status == state
        for step, (sources, target) in CLUE_STEPS.items():
            before = Clue.objects.get(pk=clue.pk)
            expected_ok = state in sources and (state, step) not in RULE_REFUSALS
            try:
                with transaction.atomic():
                    try:
                        callers[step](before)
                    except ActionError as exc:
                        assert not expected_ok, f"{state} --{step}--> refused: {exc.message}"
                        if (state, step) in RULE_REFUSALS:
                            assert exc.code == RULE_REFUSALS[(state, step)]
                        after = Clue.objects.get(pk=clue.pk)
                        assert (after.status, after.version) == (before.status, before.version)
                    else:
                        assert expected_ok, f"{state} --{step}--> was allowed"
                        after = Clue.objects.get(pk=clue.pk)
                        assert after.status == (target or state)
                    raise _Undo
            except _Undo:
                pass
            checked += 1
    assert checked == 12 * len(CLUE_STEPS)
