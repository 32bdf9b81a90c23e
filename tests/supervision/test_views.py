"""Every supervision page: allowed, forbidden role, other unit, anonymous."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from taizhang.core.errors import ActionError
from taizhang.supervision import worker
from taizhang.supervision.actions import (
    do_create_task,
    do_issue_point_notice,
    do_list_target,
    do_plan_meeting,
    do_request_extension,
)
from taizhang.supervision.models import Extension, ListedSupervision, Notification, PointNotice, UrgingNotice
from tests.supervision.conftest import at

pytestmark = pytest.mark.django_db

LISTS = ["board", "overdue", "todo", "inbox", "urging", "listed", "talks", "notices", "meetings", "tasks"]
PATHS = {
    "board": "/supervision/",
    "overdue": "/supervision/overdue/?kind=clue",
    "todo": "/supervision/todo/",
    "inbox": "/supervision/inbox/",
    "urging": "/supervision/urging/",
    "listed": "/supervision/listed/?status=all",
    "talks": "/supervision/talks/",
    "notices": "/supervision/notices/",
    "meetings": "/supervision/meetings/",
    "tasks": "/supervision/tasks/?status=open",
}


@pytest.fixture
def records(world, walk, clock):
    """One of each record, concerning the transport unit."""
    clue = walk.assigned()
    worker.run_once(clock.set(at("2025-09-26 09:00")))  # overdue: urging notice issued
    staff = world.people["office_staff"]
    listing = do_list_target(
        clue,
        actor=staff,
        level="city",
        authority="市扫黑办",
        reason="群众反映强烈",
        deadline_at=clock.now + dt.timedelta(days=30),
    )
    notice = do_issue_point_notice(
        actor=staff, unit=world.units["transport"], title="关于线索办理滞后的通报", body="请整改。"
    )
    task = do_create_task(
        actor=staff,
        title="报送行业整治方案",
        owner_unit=world.units["transport"],
        due_at=clock.now + dt.timedelta(days=5),
    )
    meeting = do_plan_meeting(actor=staff, title="扫黑办例会", starts_at=clock.now + dt.timedelta(days=2))
    return {
        "clue": clue,
        "urging": UrgingNotice.objects.get(target_id=clue.pk),
        "listing": listing,
        "notice": notice,
        "task": task,
        "meeting": meeting,
    }


@pytest.mark.parametrize("name", LISTS)
def test_lists_answer_signed_in_people_and_send_anonymous_to_sign_in(world, records, name):
    for who in ("office_staff", "liaison", "other_liaison", "group_member"):
        assert world.client_for(who).get(PATHS[name]).status_code == 200, who
    response = Client().get(PATHS[name])
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_lists_show_only_what_each_may_see(world, records):
    number = records["clue"].number
    assert records["urging"].number in world.client_for("liaison").get(PATHS["urging"]).content.decode()
    assert (
        records["urging"].number
        not in world.client_for("other_liaison").get(PATHS["urging"]).content.decode()
    )
    assert number in world.client_for("office_staff").get(PATHS["listed"]).content.decode()
    assert number not in world.client_for("other_liaison").get(PATHS["listed"]).content.decode()
    assert (
        "关于线索办理滞后的通报"
        not in world.client_for("other_liaison").get(PATHS["notices"]).content.decode()
    )
    assert "报送行业整治方案" not in world.client_for("other_liaison").get(PATHS["tasks"]).content.decode()
    assert "报送行业整治方案" in world.client_for("liaison").get(PATHS["tasks"]).content.decode()
    # The district office does not see the city's records.
    assert number not in world.client_for("district_staff").get(PATHS["listed"]).content.decode()


@pytest.mark.parametrize(
    ("record", "path", "allowed", "other"),
    [
        ("urging", "/supervision/urging/{pk}.docx", "liaison", "other_liaison"),
        ("listing", "/supervision/listed/{pk}/", "unit_leader", "other_leader"),
        ("notice", "/supervision/notices/{pk}/", "liaison", "other_liaison"),
        ("task", "/supervision/tasks/{pk}/", "handler", "other_liaison"),
        ("meeting", "/supervision/meetings/{pk}/", "office_staff", "liaison"),
    ],
)
def test_details_allowed_other_unit_and_anonymous(world, records, record, path, allowed, other):
    url = path.format(pk=records[record].pk)
    assert world.client_for(allowed).get(url).status_code == 200
    assert world.client_for("district_staff").get(url).status_code == 404
    assert world.client_for(other).get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_extension_request_and_decision_pages(world, records):
    clue = records["clue"]
    url = f"/supervision/clues/{clue.pk}/extension/"
    data = {"days": 5, "reason": "需补充调查"}
    assert Client().post(url, data).status_code == 302 and not Extension.objects.exists()
    assert world.client_for("other_liaison").post(url, data).status_code == 404
    world.client_for("office_staff").post(url, data)  # forbidden role: refused with a message
    assert not Extension.objects.exists()
    assert world.client_for("liaison").post(url, data).status_code == 302
    ext = Extension.objects.get()
    decide = f"/supervision/extensions/{ext.pk}/decide/"
    world.client_for("liaison").post(decide, {"approve": "1"})
    ext.refresh_from_db()
    assert ext.status == "pending"
    assert world.client_for("other_liaison").post(decide, {"approve": "1"}).status_code == 404
    world.client_for("office_staff").post(decide, {"approve": "1", "note": "同意"})
    ext.refresh_from_db()
    assert ext.status == "approved"


def test_urging_listing_talk_notice_forms(world, records):
    clue = records["clue"]
    staff, liaison = world.client_for("office_staff"), world.client_for("liaison")
    before = UrgingNotice.objects.count()
    liaison.post(f"/supervision/clues/{clue.pk}/urge/", {"note": "请加快", "reply_workdays": 2})
    assert UrgingNotice.objects.count() == before
    staff.post(f"/supervision/clues/{clue.pk}/urge/", {"note": "请加快", "reply_workdays": 2})
    assert UrgingNotice.objects.count() == before + 1
    assert (
        world.client_for("other_liaison")
        .post(f"/supervision/clues/{clue.pk}/urge/", {"note": "x", "reply_workdays": 2})
        .status_code
        == 404
    )
    form = {
        "level": "province",
        "authority": "省扫黑办",
        "deadline_at": "2025-12-31T18:00",
        "reason": "省级挂牌",
    }
    liaison.post(f"/supervision/listed/new/clues.clue/{clue.pk}/", form)
    assert not ListedSupervision.objects.filter(level="province").exists()
    staff.post(f"/supervision/listed/new/clues.clue/{clue.pk}/", form)
    assert ListedSupervision.objects.filter(level="province").exists()
    talk = {
        "unit": world.units["transport"].pk,
        "persons": "刘振华 副局长",
        "conducted_by": "陈建国",
        "held_at": "2025-09-26T10:00",
        "reason": "线索办理滞后",
    }
    assert liaison.post("/supervision/talks/new/", talk).status_code == 302
    staff.post("/supervision/talks/new/", talk)
    assert "刘振华" in staff.get("/supervision/talks/").content.decode()
    assert "刘振华" in world.client_for("unit_leader").get("/supervision/talks/").content.decode()
    assert "刘振华" not in world.client_for("other_leader").get("/supervision/talks/").content.decode()
    notice = records["notice"]
    world.client_for("other_liaison").post(f"/supervision/notices/{notice.pk}/acknowledge/")
    staff.post(f"/supervision/notices/{notice.pk}/acknowledge/")
    assert PointNotice.objects.get(pk=notice.pk).acknowledged_at is None
    liaison.post(f"/supervision/notices/{notice.pk}/acknowledge/")
    assert PointNotice.objects.get(pk=notice.pk).acknowledged_at is not None


def test_inbox_marks_read_and_header_counts(world, records, django_capture_on_commit_callbacks):
    liaison = world.client_for("liaison")
    unread = Notification.objects.filter(user=world.people["liaison"], read_at__isnull=True).count()
    assert unread > 0
    page = liaison.get("/supervision/inbox/").content.decode()
    assert f">{unread}</span>" in page
    note = Notification.objects.filter(user=world.people["liaison"]).first()
    assert (
        world.client_for("other_liaison").post("/supervision/inbox/read/", {"id": note.pk}).status_code == 302
    )
    assert Notification.objects.get(pk=note.pk).read_at is None
    liaison.post("/supervision/inbox/read/", {"id": note.pk})
    assert Notification.objects.get(pk=note.pk).read_at is not None
    liaison.post("/supervision/inbox/read/")
    assert not Notification.objects.filter(user=world.people["liaison"], read_at__isnull=True).exists()


def test_task_completion_by_owner_only(world, records):
    task = records["task"]
    url = f"/supervision/tasks/{task.pk}/complete/"
    world.client_for("other_liaison").post(url, {"result": "x"})
    world.client_for("group_member").post(url, {"result": "x"})
    task.refresh_from_db()
    assert task.status == "open"
    world.client_for("liaison").post(url, {"result": "已报送方案", "version": task.version})
    task.refresh_from_db()
    assert task.status == "done"


def test_meeting_minutes_and_decision_to_task(world, records):
    meeting = records["meeting"]
    staff = world.client_for("office_staff")
    world.client_for("liaison").post(f"/supervision/meetings/{meeting.pk}/minutes/", {"minutes": "x"})
    meeting.refresh_from_db()
    assert meeting.status == "planned"
    staff.post(
        f"/supervision/meetings/{meeting.pk}/minutes/",
        {
            "minutes": "会议听取了线索办理情况汇报。",
            "attendees": "陈建国\n王晓雯",
            "absent": "周立新",
            "decisions": "交通局一周内报送整治方案\n住建局配合",
            "version": meeting.version,
        },
    )
    meeting.refresh_from_db()
    assert meeting.status == "held" and meeting.attendance.count() == 3 and meeting.decisions.count() == 2
    decision = meeting.decisions.first()
    staff.post(
        "/supervision/tasks/new/",
        {
            "decision": decision.pk,
            "unit": world.units["transport"].pk,
            "title": decision.text,
            "due_at": "2025-10-10T18:00",
        },
    )
    assert decision.tasks.count() == 1


def test_clue_section_renders_for_office_and_unit(world, records, rf):
    from django.template.loader import render_to_string

    from taizhang.supervision.clue_sections import sections

    clue = records["clue"]
    for who, expect in (("office_staff", "发出催办单"), ("liaison", "申请延期")):
        request = rf.get("/")
        request.user = world.people[who]
        [section] = sections(request, clue)
        html = render_to_string(section["template"], {"section": section, "request": request})
        assert expect in html and records["urging"].number in html


def test_listing_a_case_like_target_uses_its_visibility(world, records):
    # A task is also a generic target: listing it works and its visibility follows the task's.
    task = records["task"]
    do_list_target(
        task,
        actor=world.people["office_staff"],
        level="district",
        authority="区扫黑办",
        reason="重点任务",
        deadline_at=at("2025-12-01 00:00"),
    )
    ct = ContentType.objects.get_for_model(task)
    listing = ListedSupervision.objects.get(target_type=ct, target_id=task.pk)
    assert ListedSupervision.objects.visible_to(world.people["liaison"]).filter(pk=listing.pk).exists()
    assert (
        not ListedSupervision.objects.visible_to(world.people["other_liaison"]).filter(pk=listing.pk).exists()
    )


def test_request_extension_refused_outside_unit_states(world, walk, clock):
    clue = walk.under_review()
    with pytest.raises(ActionError):
        do_request_extension(clue.pk, actor=world.people["liaison"], days=2, reason="x")


def test_reading_an_urging_notice_document_is_audited(world, records):
    from taizhang.core.models import AuditEntry

    url = f"/supervision/urging/{records['urging'].pk}.docx"
    assert world.client_for("liaison").get(url).status_code == 200
    assert (
        AuditEntry.objects.filter(actor=world.people["liaison"], action="urging.document_read").count() == 1
    )
