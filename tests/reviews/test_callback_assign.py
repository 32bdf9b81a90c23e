"""Assigning a call-back (page and API): the office gives it to one of its identity custodians, no one else."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from taizhang.accounts.models import ApiToken
from taizhang.org.choices import RoleCode
from taizhang.reviews import callbacks
from taizhang.reviews.models import CallbackTask
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _api(world, key):
    _token, secret = ApiToken.issue(world.people[key], "tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.fixture
def task(world, ledger):
    ledger.concluded(real_name=True)
    callbacks.draw_for_office(
        world.units["city"], callbacks.month_start(timezone.localdate()), seed=1, share=100, minimum=1
    )
    return CallbackTask.objects.get()


@pytest.fixture
def other_custodian(world):
    return UserFactory(
        unit=world.units["city"],
        username="custodian2",
        role_codes=[RoleCode.IDENTITY_CUSTODIAN, RoleCode.OFFICE_STAFF],
    )


def test_the_office_assigns_a_call_back_from_the_list(world, task, other_custodian):
    url = f"/reviews/callbacks/{task.pk}/assign/"
    staff = world.client_for("office_staff")
    page = staff.get("/reviews/callbacks/").content.decode()
    assert url in page and f'<option value="{other_custodian.pk}"' in page
    response = staff.post(url, {"assignee": other_custodian.pk}, follow=True)
    assert "回访任务已分配" in response.content.decode()
    assert CallbackTask.objects.get(pk=task.pk).assignee_id == other_custodian.pk


def test_a_unit_sees_no_assign_form_and_is_refused(world, task, other_custodian):
    before = task.assignee_id
    assert (
        world.client_for("liaison")
        .post(f"/reviews/callbacks/{task.pk}/assign/", {"assignee": other_custodian.pk})
        .status_code
        == 404
    )
    assert CallbackTask.objects.get(pk=task.pk).assignee_id == before


def test_assigning_to_someone_not_a_custodian_is_a_clear_error_and_changes_nothing(world, task):
    before = task.assignee_id
    response = world.client_for("office_staff").post(
        f"/reviews/callbacks/{task.pk}/assign/", {"assignee": world.people["office_staff"].pk}, follow=True
    )
    assert "身份信息保管人" in response.content.decode()
    response = world.client_for("office_staff").post(
        f"/reviews/callbacks/{task.pk}/assign/", {"assignee": "abc"}, follow=True
    )
    assert "身份信息保管人" in response.content.decode()
    assert CallbackTask.objects.get(pk=task.pk).assignee_id == before


def test_the_api_assigns_a_call_back_for_the_office_only(world, task, other_custodian):
    url = f"/api/reviews/callbacks/{task.pk}/assign"
    body = {"assignee_id": other_custodian.pk}
    assert _api(world, "liaison").post(url, body, content_type="application/json").status_code in (403, 404)
    wrong = _api(world, "office_staff").post(
        url, {"assignee_id": world.people["liaison"].pk}, content_type="application/json"
    )
    assert wrong.status_code == 400 and wrong.json()["code"] == "invalid_assignee"
    assert CallbackTask.objects.get(pk=task.pk).assignee_id != other_custodian.pk
    response = _api(world, "office_staff").post(url, body, content_type="application/json")
    assert response.status_code == 200
    assert CallbackTask.objects.get(pk=task.pk).assignee_id == other_custodian.pk


def test_the_call_back_page_offers_the_channels_and_lists_messages_sent(world, task):
    staff = world.client_for("office_staff")
    page = staff.get("/reviews/callbacks/").content.decode()
    assert f"/reviews/callbacks/{task.pk}/send/" in page
    assert '<option value="portal">' in page and '<option value="sms">' in page
    title = page.split("<title>")[1].split("</title>")[0]
    assert "回访" in title and "<table" not in title
    staff.post(f"/reviews/callbacks/{task.pk}/send/", {"channel": "portal", "body": "您反映的问题已办结。"})
    page = staff.get("/reviews/callbacks/").content.decode()
    assert task.clue.number in page.split("发给举报人的消息")[1]
