"""The clue detail page reads a fixed number of queries, however long the clue's history (#25)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from taizhang.core.models import AuditEntry
from tests.clues.history import TIMELINE, lengthen

# The page's ceiling (session, user, roles and the unread count included; 30 before #25, 27 with the
# exchange's section): the clue, its subjects, audit entries, transfers with their outcomes, assignments,
# reports, findings and (for whoever may transfer) the units to choose from. Attachments, linked clues,
# recusals and the other apps' sections follow by htmx (`?sections=1`).
MAX_QUERIES = 12


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


@pytest.mark.parametrize("who", ["office_staff", "liaison"])
def test_the_secondary_part_comes_by_htmx_or_inline_without_script(world, walk, who):
    clue = walk.transferred()
    client = world.client_for(who)
    url = reverse("clues:detail", args=[clue.pk])
    page = client.get(url).content.decode()
    assert f'hx-get="{url}?sections=1"' in page and f'href="{url}?sections=all"' in page
    assert "无附件" not in page and 'id="supervision"' not in page
    fragment = client.get(url + "?sections=1", headers={"HX-Request": "true"}).content.decode()
    assert "无附件" in fragment and 'id="supervision"' in fragment and "<html" not in fragment
    whole = client.get(url + "?sections=all").content.decode()
    assert (
        "无附件" in whole and 'id="supervision"' in whole and "<html" in whole and "?sections=1" not in whole
    )


def test_the_secondary_part_follows_the_clue_rule(world, walk):
    clue = walk.transferred()
    url = reverse("clues:detail", args=[clue.pk])
    outsider = world.client_for("other_liaison")  # another unit: neither given nor transferred the clue
    assert outsider.get(url + "?sections=1", headers={"HX-Request": "true"}).status_code == 404
    assert outsider.get(url + "?sections=all").status_code == 404


def test_the_earlier_reports_come_on_demand(world, walk):
    clue = walk.transferred()
    lengthen(clue, world.people["office_staff"], world.units["police"])
    client = world.client_for("office_staff")
    url = reverse("clues:detail", args=[clue.pk])
    page = client.get(url).content.decode()
    assert "另有 40 份较早的回告" in page and "第49次进展" in page and "第40次进展" in page
    assert "第39次进展" not in page
    fragment = client.get(url + "?reports=all", headers={"HX-Request": "true"}).content.decode()
    assert "第10次进展" in fragment and "第49次进展" in fragment and "较早的回告" not in fragment
    assert "<html" not in fragment
    whole = client.get(url + "?reports=all").content.decode()
    assert "第10次进展" in whole and "<html" in whole and "较早的回告" not in whole
