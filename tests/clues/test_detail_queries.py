"""The clue detail page reads a fixed number of queries, however long the clue's history (#25)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from taizhang.core.models import AuditEntry
from tests.clues.history import TIMELINE, lengthen

# The page's ceiling today (session, user, roles and the unread count included): 30 before #25 for the office.
# The goal is 12; what is left is one query per record kind and per section (docs/clues.md); the
# exchange's section (#21) adds one: whether the clue was ever handed down to a lower instance.
MAX_QUERIES = 27


def _queries(client, clue_id: int) -> tuple[int, str]:
    url = reverse("clues:detail", args=[clue_id])
    client.get(url)  # the first request fills per-process caches (the calendar, content types)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx), response.content.decode()


@pytest.mark.parametrize("who", ["office_staff", "liaison", "unit_leader"])
def test_detail_queries_do_not_grow_with_the_history(world, walk, who):
    short, long = walk.transferred(), walk.transferred()
    lengthen(long, world.people["office_staff"], world.units["police"])
    assert AuditEntry.objects.filter(object_type="clues.clue", object_id=str(long.pk)).count() == TIMELINE
    client = world.client_for(who)
    short_count, _ = _queries(client, short.pk)
    long_count, body = _queries(client, long.pk)
    assert "第49次进展" in body and "测移〔2026〕109号" in body
    assert (
        "第199条记录" in body and "第100条记录" not in body
    )  # the newest timeline entries, the rest on demand
    assert long_count == short_count
    assert long_count <= MAX_QUERIES


def test_the_whole_timeline_comes_on_demand(world, walk):
    clue = walk.transferred()
    lengthen(clue, world.people["office_staff"], world.units["police"])
    client = world.client_for("office_staff")
    url = reverse("clues:detail", args=[clue.pk])
    page = client.get(url).content.decode()
    assert "另有 180 条较早的记录" in page
    fragment = client.get(url + "?timeline=all", headers={"HX-Request": "true"}).content.decode()
    assert "受理登记" in fragment and "第100条记录" in fragment and "较早的记录" not in fragment
    assert "<html" not in fragment
    whole = client.get(url + "?timeline=all").content.decode()
    assert "受理登记" in whole and "第100条记录" in whole and "<html" in whole
