"""Case actions: stage transitions allowed and refused, screening before conclusion, permissions."""

from __future__ import annotations

import pytest
from django.utils import timezone

from taizhang.cases import actions
from taizhang.cases.choices import CaseStage, CaseStatus, Screening
from taizhang.cases.models import Case
from taizhang.clues.choices import ClueStatus
from taizhang.clues.models import Clue
from taizhang.core.errors import ActionError, ConflictError, NotVisible, PermissionRefused, TransitionRefused
from taizhang.core.models import AuditEntry

# The outcome depends on the date: run at a stated clock, and at every moment of `make test-dates`.
pytestmark = [pytest.mark.django_db, pytest.mark.calendar]
TODAY = timezone.localdate


def test_stages_move_in_order_and_are_audited(world, cases):
    case = cases.at(CaseStage.EXECUTION)
    assert case.stage == CaseStage.EXECUTION
    assert list(case.events.values_list("stage", flat=True)) == [
        "investigation",
        "arrest",
        "prosecution",
        "first_instance",
        "effective",
        "execution",
    ]
    assert (
        AuditEntry.objects.filter(
            object_type="cases.case", object_id=str(case.pk), action="case.stage"
        ).count()
        == 6
    )


def test_investigation_cannot_jump_to_execution(world, cases):
    case = cases.at(CaseStage.INVESTIGATION)
    with pytest.raises(TransitionRefused):
        actions.do_record_case_stage(
            case.pk,
            actor=world.people["office_staff"],
            stage=CaseStage.EXECUTION,
            occurred_on=timezone.localdate(),
        )
    case.refresh_from_db()
    assert case.stage == CaseStage.INVESTIGATION


def test_registered_case_must_start_with_investigation(world, cases):
    case = cases.register()
    with pytest.raises(TransitionRefused):
        actions.do_record_case_stage(
            case.pk,
            actor=world.people["office_staff"],
            stage=CaseStage.ARREST,
            occurred_on=timezone.localdate(),
        )


def test_first_instance_may_become_effective_or_go_to_second_instance(world, cases):
    a = cases.at(CaseStage.FIRST_INSTANCE)
    actions.do_record_case_stage(
        a.pk,
        actor=world.people["office_staff"],
        stage=CaseStage.SECOND_INSTANCE,
        occurred_on=timezone.localdate(),
    )
    a.refresh_from_db()
    assert a.stage == CaseStage.SECOND_INSTANCE
    assert a.events.order_by("pk").last().stage == CaseStage.SECOND_INSTANCE
    b = cases.at(CaseStage.FIRST_INSTANCE, name="李某恶势力团伙案")
    actions.do_record_case_stage(
        b.pk, actor=world.people["office_staff"], stage=CaseStage.EFFECTIVE, occurred_on=timezone.localdate()
    )
    b.refresh_from_db()
    assert b.stage == CaseStage.EFFECTIVE
    assert list(b.events.values_list("stage", flat=True))[-2:] == ["first_instance", "effective"]
    # The two ways out of first instance exclude each other: an effective judgment has no second instance.
    with pytest.raises(TransitionRefused):
        actions.do_record_case_stage(
            b.pk,
            actor=world.people["office_staff"],
            stage=CaseStage.SECOND_INSTANCE,
            occurred_on=timezone.localdate(),
        )
    b.refresh_from_db()
    assert b.stage == CaseStage.EFFECTIVE


def test_handling_police_records_stage_but_other_unit_cannot(world, cases):
    case = cases.register()
    actions.do_record_case_stage(
        case.pk,
        actor=world.people["police_liaison"],
        stage=CaseStage.INVESTIGATION,
        occurred_on=timezone.localdate(),
    )
    with pytest.raises(NotVisible):
        actions.do_record_case_stage(
            case.pk,
            actor=world.people["other_liaison"],
            stage=CaseStage.ARREST,
            occurred_on=timezone.localdate(),
        )


def test_conclusion_needs_screening(world, cases):
    case = cases.at(CaseStage.EFFECTIVE)
    staff = world.people["office_staff"]
    with pytest.raises(ActionError) as err:
        actions.do_conclude_case(case.pk, actor=staff)
    assert err.value.code == "unscreened"
    actions.do_screen_case(case.pk, actor=staff, result=Screening.CHECKING, note="正在核查相关干部")
    with pytest.raises(ActionError):
        actions.do_conclude_case(case.pk, actor=staff)
    actions.do_screen_case(case.pk, actor=world.people["discipline_handler"], result=Screening.NOT_FOUND)
    cases.conclude_checks(case)
    case = actions.do_conclude_case(case.pk, actor=staff)
    assert case.status == CaseStatus.CONCLUDED


def test_conclusion_needs_effective_judgment(world, cases):
    case = cases.at(CaseStage.PROSECUTION)
    actions.do_screen_case(case.pk, actor=world.people["office_staff"], result=Screening.NOT_FOUND)
    with pytest.raises(ActionError):
        actions.do_conclude_case(case.pk, actor=world.people["office_staff"])


def test_clue_found_raises_umbrella_clue_for_discipline(world, cases):
    case = cases.at(CaseStage.ARREST)
    case = actions.do_screen_case(
        case.pk,
        actor=world.people["office_leader"],
        result=Screening.CLUE_FOUND,
        note="某派出所民警为其通风报信",
    )
    clue = Clue.objects.get(pk=case.umbrella_clue_id)
    assert clue.is_umbrella and clue.channel == "screening"
    assert clue.status == ClueStatus.ASSIGNED and clue.responsible_unit == world.units["discipline"]
    assert case.clues.filter(pk=clue.pk).exists()
    # office staff cannot see the 保护伞 clue; the discipline commission can.
    assert not Clue.objects.visible_to(world.people["office_staff"]).filter(pk=clue.pk).exists()
    assert Clue.objects.visible_to(world.people["discipline_handler"]).filter(pk=clue.pk).exists()


def test_clue_found_by_staff_waits_triaged_for_leader(world, cases):
    case = cases.register()
    case = actions.do_screen_case(
        case.pk, actor=world.people["office_staff"], result=Screening.CLUE_FOUND, note="线索"
    )
    assert Clue.objects.get(pk=case.umbrella_clue_id).status == ClueStatus.TRIAGED


def test_only_office_or_police_registers(world, cases):
    with pytest.raises(PermissionRefused):
        actions.do_register_case(
            actor=world.people["liaison"], office=world.units["city"], name="某案", org_type="gang"
        )
    case = actions.do_register_case(
        actor=world.people["police_liaison"],
        office=world.units["city"],
        name="王某等人恶势力团伙案",
        org_type="gang",
    )
    assert list(case.handling_units.all()) == [world.units["police"]]


def test_edit_conflict(world, cases):
    case = cases.register()
    staff = world.people["office_staff"]
    actions.do_edit_case(case.pk, actor=staff, version=case.version, persons_caught=12)
    with pytest.raises(ConflictError):
        actions.do_edit_case(case.pk, actor=staff, version=case.version, persons_caught=13)
    assert Case.objects.get(pk=case.pk).persons_caught == 12


def test_registered_from_clue(world, cases):
    from tests.clues.conftest import Walk

    clue = Walk(world).triaged()
    case = cases.register(clues=[clue])
    assert list(clue.cases.all()) == [case]


def test_reopen_needs_reason_and_concluded_case(world, cases):
    case = cases.at(CaseStage.EXECUTION)
    staff = world.people["office_staff"]
    with pytest.raises(TransitionRefused):
        actions.do_reopen_case(case.pk, actor=staff, reason="再审")
    actions.do_screen_case(case.pk, actor=staff, result=Screening.NOT_FOUND)
    cases.conclude_checks(case)
    actions.do_conclude_case(case.pk, actor=staff)
    with pytest.raises(ActionError):
        actions.do_reopen_case(case.pk, actor=staff, reason=" ")
    with pytest.raises(PermissionRefused):
        actions.do_reopen_case(case.pk, actor=world.people["police_leader"], reason="再审")
    assert actions.do_reopen_case(case.pk, actor=staff, reason="再审").status == CaseStatus.OPEN
    client = world.client_for("office_staff")
    actions.do_conclude_case(case.pk, actor=staff)
    assert client.post(f"/cases/{case.pk}/reopen/", {"reason": "发回重审"}).status_code == 302
    assert Case.objects.get(pk=case.pk).status == CaseStatus.OPEN


def test_supervision_sees_the_case_by_name_and_police_unit(world, cases):
    case = cases.register(units=("procuratorate", "police"))
    assert case.title == case.name
    assert case.owner_unit_id == world.units["police"].pk
