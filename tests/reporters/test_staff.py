"""Replies, released outcome, unread messages on the home page, feedback due when a real-name clue concludes."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from taizhang.core.models import AuditEntry
from taizhang.portal.actions import do_add_reporter_message
from taizhang.portal.choices import Sender
from taizhang.portal.models import Message, Receipt
from taizhang.reporters.choices import FeedbackMethod, FeedbackStatus
from taizhang.reporters.models import FeedbackRecord
from tests.reporters.helpers import conclude, portal_clue

ROUTES = ["reply", "outcome", "feedback", "mark_read"]
DATA = {
    "reply": {"body": "您好，请问能否提供更多细节？"},
    "outcome": {"text": "经核查，反映问题基本属实，已依法处理。"},
    "feedback": {"method": FeedbackMethod.PHONE, "note": "已电话告知", "status": "given"},
    "mark_read": {},
}


def test_a_reply_appears_in_the_thread_and_reads_the_reporters_messages(world):
    clue = portal_clue()
    do_add_reporter_message(clue.receipt.pk, body="补充：他们晚上十点后活动。", attachments=[])
    response = world.client_for("office_staff").post(
        reverse("reporters:reply", args=[clue.pk]), DATA["reply"]
    )
    assert response.status_code == 302
    office = Message.objects.get(sender=Sender.OFFICE)
    assert office.author == world.people["office_staff"] and office.body == DATA["reply"]["body"]
    assert Message.objects.get(sender=Sender.REPORTER).read_at is not None
    assert AuditEntry.objects.filter(action="reporter.reply", object_id=str(clue.pk)).exists()


def test_unread_reporter_messages_show_on_the_staff_home_page(world):
    clue = portal_clue()
    do_add_reporter_message(clue.receipt.pk, body="有新情况。", attachments=[])
    home = world.client_for("office_staff").get("/").content.decode()
    assert "举报人未读消息" in home and clue.number in home
    # A member unit's liaison does not get the panel.
    assert "举报人未读消息" not in world.client_for("liaison").get("/").content.decode()
    world.client_for("office_staff").post(reverse("reporters:mark_read", args=[clue.pk]))
    assert "举报人未读消息" not in world.client_for("office_staff").get("/").content.decode()


def test_home_panel_query_count(world, django_assert_max_num_queries):
    from django.test import RequestFactory

    from taizhang.reporters.panels import home_panels

    for _ in range(3):
        clue = portal_clue()
        do_add_reporter_message(clue.receipt.pk, body="补充", attachments=[])
    request = RequestFactory().get("/")
    request.user = world.people["office_staff"]
    with django_assert_max_num_queries(6):
        panels = home_panels(request)
    assert len(panels[0]["unread"]) == 3


def test_the_released_outcome_is_what_the_reporter_sees(world):
    clue = portal_clue()
    world.client_for("office_staff").post(reverse("reporters:outcome", args=[clue.pk]), DATA["outcome"])
    assert Receipt.objects.get().released_outcome == DATA["outcome"]["text"]


def test_concluding_a_real_name_clue_makes_feedback_due(world, django_capture_on_commit_callbacks):
    clue = portal_clue()
    with django_capture_on_commit_callbacks(execute=True):
        conclude(world, clue)
    record = FeedbackRecord.objects.get(clue=clue)
    assert record.status == FeedbackStatus.DUE
    assert "待向实名举报人反馈" in world.client_for("office_staff").get("/").content.decode()
    response = world.client_for("office_staff").post(
        reverse("reporters:feedback", args=[clue.pk]), DATA["feedback"]
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == FeedbackStatus.GIVEN and record.method == FeedbackMethod.PHONE
    assert record.given_by == world.people["office_staff"]
    # Given is final: a second record is refused by the transition map.
    world.client_for("office_staff").post(reverse("reporters:feedback", args=[clue.pk]), DATA["feedback"])
    record.refresh_from_db()
    assert record.version == 2


def test_concluding_an_anonymous_clue_owes_no_feedback(world, django_capture_on_commit_callbacks):
    clue = portal_clue(real_name=False)
    with django_capture_on_commit_callbacks(execute=True):
        conclude(world, clue)
    assert not FeedbackRecord.objects.exists()


def test_feedback_needs_a_method(world, django_capture_on_commit_callbacks):
    clue = portal_clue()
    with django_capture_on_commit_callbacks(execute=True):
        conclude(world, clue)
    world.client_for("office_staff").post(reverse("reporters:feedback", args=[clue.pk]), {"status": "given"})
    assert FeedbackRecord.objects.get().status == FeedbackStatus.DUE


@pytest.fixture
def concluded(world, django_capture_on_commit_callbacks):
    clue = portal_clue()
    do_add_reporter_message(clue.receipt.pk, body="补充", attachments=[])
    with django_capture_on_commit_callbacks(execute=True):
        conclude(world, clue)
    return clue


@pytest.mark.parametrize("route", ROUTES)
def test_each_route_allows_the_office(world, concluded, route):
    response = world.client_for("office_leader").post(
        reverse(f"reporters:{route}", args=[concluded.pk]), DATA[route]
    )
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages and "权限" not in messages[0], messages


@pytest.mark.parametrize("route", ROUTES)
def test_each_route_refuses_a_read_only_or_unit_role(world, concluded, route):
    for persona in ("group_member", "liaison"):
        response = world.client_for(persona).post(
            reverse(f"reporters:{route}", args=[concluded.pk]), DATA[route]
        )
        assert response.status_code in (302, 404)
    assert not Message.objects.filter(sender=Sender.OFFICE).exists()
    assert Receipt.objects.get().released_outcome == ""
    assert FeedbackRecord.objects.get().status == FeedbackStatus.DUE


@pytest.mark.parametrize("route", ROUTES)
def test_each_route_hides_the_clue_from_another_unit(world, concluded, route):
    for persona in ("district_staff", "other_liaison", "police_liaison"):
        response = world.client_for(persona).post(
            reverse(f"reporters:{route}", args=[concluded.pk]), DATA[route]
        )
        assert response.status_code == 404


@pytest.mark.parametrize("route", ROUTES)
def test_each_route_sends_anonymous_visitors_to_sign_in(world, concluded, route):
    response = Client().post(reverse(f"reporters:{route}", args=[concluded.pk]), DATA[route])
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_the_clue_page_route(world):
    clue = portal_clue()
    assert world.client_for("office_staff").get(reverse("reporters:clue", args=[clue.pk])).status_code == 200
    assert (
        world.client_for("district_staff").get(reverse("reporters:clue", args=[clue.pk])).status_code == 404
    )
    assert Client().get(reverse("reporters:clue", args=[clue.pk])).status_code == 302
    # Members of a unit the clue is not assigned to see nothing; the thread is for the office only.
    assert world.client_for("liaison").get(reverse("reporters:clue", args=[clue.pk])).status_code == 404


def test_api_reply_messages_and_feedback(world, concluded):
    client = world.client_for("office_staff")
    url = f"/api/reporters/clues/{concluded.pk}"
    reply = client.post(f"{url}/reply", json.dumps(DATA["reply"]), content_type="application/json")
    assert reply.status_code == 200 and reply.json()["sender"] == "office"
    listed = client.get(f"{url}/messages").json()
    assert [m["sender"] for m in listed] == ["reporter", "office"]
    fb = client.post(
        f"{url}/feedback", json.dumps({"method": "sms", "note": "短信告知"}), content_type="application/json"
    )
    assert fb.status_code == 200 and fb.json()["status"] == "given"
    assert (
        world.client_for("group_member")
        .post(f"{url}/reply", json.dumps(DATA["reply"]), content_type="application/json")
        .status_code
        == 403
    )
    assert world.client_for("district_staff").get(f"{url}/messages").status_code == 404
    assert Client().get(f"{url}/messages").status_code == 401
