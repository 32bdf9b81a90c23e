"""Drives: rounds open with a supervised task per unit, returns are filed (or refused), findings are handled."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from taizhang.clues.choices import Channel
from taizhang.core.errors import ActionError, NotVisible, PermissionRefused
from taizhang.core.models import AuditEntry
from taizhang.drives import actions
from taizhang.drives.actions import FindingData
from taizhang.drives.choices import DriveKind, FindingKind, FindingStatus, ReturnStatus, RoundStatus
from taizhang.drives.models import DriveFinding, DriveReturn
from taizhang.drives.worker_jobs import open_due_rounds
from taizhang.supervision.choices import TaskStatus
from taizhang.supervision.models import Task

pytestmark = pytest.mark.django_db


def _return(drive, unit):
    return DriveReturn.objects.get(drive=drive, unit=unit, round__seq=drive.rounds.count())


def test_a_started_drive_opens_its_round_with_a_supervised_task_per_unit(world, make_drive):
    drive = make_drive()
    rnd = drive.rounds.get()
    assert rnd.status == RoundStatus.OPEN
    returns = list(rnd.returns.select_related("task"))
    assert {r.unit_id for r in returns} == {world.units["transport"].pk, world.units["construction"].pk}
    for ret in returns:
        assert ret.status == ReturnStatus.PENDING
        assert ret.task.owner_unit_id == ret.unit_id and ret.task.status == TaskStatus.OPEN
        assert ret.task.due_at == rnd.due_at


def test_the_worker_opens_rolling_rounds_once_each(world, make_drive):
    today = timezone.localdate()
    drive = make_drive(DriveKind.ROLLING, starts_on=today + dt.timedelta(days=1), interval_days=7)
    assert drive.rounds.count() == 0
    now = timezone.now() + dt.timedelta(days=1)
    assert open_due_rounds(now) == 1
    assert open_due_rounds(now) == 0  # the round was claimed: a second pass opens nothing
    assert drive.rounds.count() == 1
    assert open_due_rounds(timezone.now() + dt.timedelta(days=8)) == 1
    assert list(drive.rounds.values_list("seq", flat=True)) == [1, 2]
    assert DriveReturn.objects.filter(drive=drive).count() == 4


def test_a_unit_files_its_return_with_findings_and_the_task_is_done(world, make_drive, sectors):
    drive = make_drive()
    ret = _return(drive, world.units["transport"])
    actions.do_file_return(
        ret.pk,
        actor=world.people["liaison"],
        items_checked=35,
        findings=[
            FindingData(
                FindingKind.CLUE, sectors["muck"].pk, "某车队强揽渣土运输", subject_names="王某、李某"
            ),
            FindingData(FindingKind.PROBLEM, sectors["building"].pk, "工地围挡违规搭建"),
        ],
    )
    ret.refresh_from_db()
    assert (ret.status, ret.items_checked, ret.clues_found, ret.problems_found) == (
        ReturnStatus.FILED,
        35,
        1,
        1,
    )
    assert Task.objects.get(pk=ret.task_id).status == TaskStatus.DONE
    assert AuditEntry.objects.filter(action="drive.return_file", object_id=str(ret.pk)).exists()


def test_a_zero_report_needs_the_leaders_name(world, make_drive):
    drive = make_drive()
    ret = _return(drive, world.units["transport"])
    with pytest.raises(ActionError) as exc:
        actions.do_file_return(
            ret.pk, actor=world.people["liaison"], items_checked=12, findings=[], is_zero=True
        )
    assert "负责人" in exc.value.message
    with pytest.raises(ActionError):
        actions.do_file_return(ret.pk, actor=world.people["liaison"], items_checked=12, findings=[])
    actions.do_file_return(
        ret.pk,
        actor=world.people["liaison"],
        items_checked=12,
        findings=[],
        is_zero=True,
        leader_name="赵局长",
    )
    ret.refresh_from_db()
    assert ret.is_zero and ret.leader_name == "赵局长" and ret.status == ReturnStatus.FILED


def test_a_return_for_a_closed_round_is_refused_and_writes_nothing(world, make_drive):
    drive = make_drive()
    actions.do_close_round(drive.rounds.get().pk, actor=world.people["office_staff"])
    ret = _return(drive, world.units["transport"])
    assert ret.status == ReturnStatus.MISSED
    assert Task.objects.get(pk=ret.task_id).status == TaskStatus.DONE
    before = AuditEntry.objects.count()
    with pytest.raises(ActionError) as exc:
        actions.do_file_return(
            ret.pk,
            actor=world.people["liaison"],
            items_checked=1,
            findings=[],
            is_zero=True,
            leader_name="赵",
        )
    assert exc.value.code == "round_closed" and "已截止" in exc.value.message
    assert AuditEntry.objects.count() == before


def test_only_the_units_own_people_file_and_others_do_not_see_it(world, make_drive):
    drive = make_drive(lead="police")
    ret = _return(drive, world.units["transport"])
    with pytest.raises(NotVisible):  # the construction bureau sees the drive but not transport's return
        actions.do_file_return(
            ret.pk,
            actor=world.people["other_liaison"],
            items_checked=1,
            findings=[],
            is_zero=True,
            leader_name="x",
        )
    with pytest.raises(PermissionRefused):  # the office sees it but does not file for the unit
        actions.do_file_return(
            ret.pk,
            actor=world.people["office_staff"],
            items_checked=1,
            findings=[],
            is_zero=True,
            leader_name="x",
        )
    assert set(DriveReturn.objects.visible_to(world.people["liaison"])) == {ret}
    assert DriveReturn.objects.visible_to(world.people["police_liaison"]).count() == 2  # the lead unit
    assert DriveReturn.objects.visible_to(world.people["discipline_handler"]).count() == 0


def test_a_finding_outside_the_drives_sectors_is_refused_whole(world, make_drive):
    from taizhang.org.models import Sector

    drive = make_drive()
    other = Sector.objects.create(code="x", name="户外广告")
    ret = _return(drive, world.units["transport"])
    with pytest.raises(ActionError) as exc:
        actions.do_file_return(
            ret.pk,
            actor=world.people["liaison"],
            items_checked=3,
            findings=[
                FindingData(FindingKind.PROBLEM, drive.sectors.first().pk, "问题一"),
                FindingData(FindingKind.PROBLEM, other.pk, "问题二"),
            ],
        )
    assert "第2条" in exc.value.message
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.PENDING and not DriveFinding.objects.exists()


def test_found_clues_are_registered_and_problems_rectified(world, make_drive, sectors):
    drive = make_drive()
    ret = _return(drive, world.units["transport"])
    actions.do_file_return(
        ret.pk,
        actor=world.people["liaison"],
        items_checked=20,
        findings=[
            FindingData(
                FindingKind.CLUE, sectors["muck"].pk, "某车队强揽渣土运输", subject_names="王某、李某"
            ),
            FindingData(FindingKind.PROBLEM, sectors["building"].pk, "工地围挡违规搭建"),
        ],
    )
    clue_finding, problem = DriveFinding.objects.order_by("pk")
    with pytest.raises(PermissionRefused):
        actions.do_register_finding(clue_finding.pk, actor=world.people["liaison"])
    clue = actions.do_register_finding(clue_finding.pk, actor=world.people["office_staff"])
    assert clue.channel == Channel.SCREENING and clue.sector_id == sectors["muck"].pk
    assert sorted(clue.subjects.values_list("name", flat=True)) == ["李某", "王某"]
    assert clue.drive_finding.drive == drive
    with pytest.raises(ActionError):  # registered once only
        actions.do_register_finding(clue_finding.pk, actor=world.people["office_staff"])
    with pytest.raises(ActionError):  # a problem is not a clue
        actions.do_register_finding(problem.pk, actor=world.people["office_staff"])
    found = actions.do_rectify_finding(
        problem.pk,
        actor=world.people["office_staff"],
        measure="拆除违规围挡，建立巡查台账",
        deadline=timezone.localdate() + dt.timedelta(days=30),
    )
    assert found.status == FindingStatus.RECTIFYING
    assert list(found.measure.units.all()) == [world.units["transport"]]
    assert found.measure.problem.problem_list.sector == sectors["building"]


def test_a_late_return_is_overdue_on_the_supervision_board(world, make_drive):
    from taizhang.supervision.boards import overdue_tasks

    drive = make_drive()
    ret = _return(drive, world.units["transport"])
    later = drive.rounds.get().due_at + dt.timedelta(hours=1)
    assert list(overdue_tasks(world.people["liaison"], later)) == [ret.task]
    assert ret.task in overdue_tasks(world.people["office_staff"], later)
    actions.do_file_return(
        ret.pk, actor=world.people["liaison"], items_checked=2, findings=[], is_zero=True, leader_name="赵"
    )
    assert list(overdue_tasks(world.people["liaison"], later)) == []
