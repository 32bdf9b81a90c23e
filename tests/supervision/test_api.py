"""The supervision API: boards, notifications, extensions, listed items — through visibility, with errors as JSON."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from taizhang.supervision import worker
from taizhang.supervision.actions import do_list_target
from taizhang.supervision.models import Notification
from tests.supervision.conftest import at

pytestmark = pytest.mark.django_db


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def clue(world, walk, clock):
    clue = walk.assigned()
    worker.run_once(clock.now)
    return clue


@pytest.mark.parametrize(
    "path",
    [
        "/api/supervision/todo",
        "/api/supervision/board",
        "/api/supervision/notifications",
        "/api/supervision/extensions",
        "/api/supervision/listed",
    ],
)
def test_reads_need_sign_in(world, clue, path):
    assert Client().get(path).status_code == 401
    assert world.client_for("liaison").get(path).status_code == 200


def test_todo_and_board(world, clue, clock):
    todo = world.client_for("liaison").get("/api/supervision/todo").json()
    assert any(clue.number in t["title"] for t in todo)
    assert not any(
        clue.number in t["title"]
        for t in world.client_for("other_liaison").get("/api/supervision/todo").json()
    )
    worker.run_once(clock.set(at("2025-09-26 09:00")))
    rows = world.client_for("office_staff").get("/api/supervision/board").json()["rows"]
    assert [r["total"] for r in rows if r["unit_id"] == world.units["transport"].pk] == [1]
    assert world.client_for("other_liaison").get("/api/supervision/board").json()["rows"] == []


def test_notifications_list_and_read(world, clue):
    liaison = world.client_for("liaison")
    items = liaison.get("/api/supervision/notifications?unread=true").json()
    assert any(clue.number in i["title"] for i in items)
    others = world.client_for("other_liaison").get("/api/supervision/notifications").json()
    assert not any(clue.number in i["title"] for i in others)
    other = post(
        world.client_for("other_liaison"), "/api/supervision/notifications/read", {"ids": [items[0]["id"]]}
    )
    assert other.json()["marked"] == 0
    done = post(liaison, "/api/supervision/notifications/read", {"ids": None}).json()
    assert done == {"marked": len(items), "unread": 0}
    assert not Notification.objects.filter(user=world.people["liaison"], read_at__isnull=True).exists()


def test_extension_flow_and_errors(world, clue):
    url = "/api/supervision/extensions"
    assert post(Client(), url, {"clue_id": clue.pk, "days": 3, "reason": "x"}).status_code == 401
    assert (
        post(
            world.client_for("other_liaison"), url, {"clue_id": clue.pk, "days": 3, "reason": "x"}
        ).status_code
        == 404
    )
    refused = post(world.client_for("office_staff"), url, {"clue_id": clue.pk, "days": 3, "reason": "x"})
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    capped = post(world.client_for("liaison"), url, {"clue_id": clue.pk, "days": 28, "reason": "x"})
    assert capped.status_code == 400 and capped.json()["code"] == "extension_cap"
    made = post(world.client_for("liaison"), url, {"clue_id": clue.pk, "days": 3, "reason": "需补充材料"})
    assert made.status_code == 201
    ext_id = made.json()["id"]
    decide = f"/api/supervision/extensions/{ext_id}/decide"
    assert post(world.client_for("liaison"), decide, {"approve": True}).status_code == 403
    assert post(world.client_for("other_liaison"), decide, {"approve": True}).status_code == 404
    ok = post(world.client_for("office_staff"), decide, {"approve": True, "days": 2})
    assert ok.status_code == 200 and ok.json()["granted_days"] == 2
    assert world.client_for("other_liaison").get(url).json() == []


def test_listed_board(world, clue, clock):
    do_list_target(
        clue,
        actor=world.people["office_staff"],
        level="city",
        authority="市扫黑办",
        reason="重点",
        deadline_at=clock.now + dt.timedelta(days=20),
    )
    assert [
        i["target_id"] for i in world.client_for("unit_leader").get("/api/supervision/listed").json()
    ] == [clue.pk]
    assert world.client_for("other_leader").get("/api/supervision/listed").json() == []
    assert world.client_for("district_staff").get("/api/supervision/listed").json() == []
