"""Drive pages by persona: the one rule decides every page, and every board number equals its drill-down list."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from taizhang.drives import actions, board
from taizhang.drives.actions import FindingData
from taizhang.drives.choices import BoardBucket, FindingKind
from taizhang.drives.models import DriveReturn

pytestmark = pytest.mark.django_db


@pytest.fixture
def drive(world, make_drive, sectors):
    drive = make_drive(lead="police")
    ret = DriveReturn.objects.get(drive=drive, unit=world.units["transport"])
    actions.do_file_return(
        ret.pk,
        actor=world.people["liaison"],
        items_checked=9,
        findings=[FindingData(FindingKind.CLUE, sectors["muck"].pk, "某车队强揽渣土运输<script>")],
    )
    return drive


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("office_staff", 200),
        ("liaison", 200),
        ("other_liaison", 200),
        ("police_liaison", 200),
        ("discipline_handler", 404),
    ],
)
def test_the_drive_page_follows_the_rule(world, drive, persona, status):
    assert world.client_for(persona).get(f"/drives/{drive.pk}/").status_code == status


def test_a_unit_sees_only_its_own_returns_and_board_row(world, drive):
    page = world.client_for("other_liaison").get(f"/drives/{drive.pk}/").content.decode()
    assert "测试市住建局" in page and "测试市交通运输局" not in page
    ret = DriveReturn.objects.get(drive=drive, unit=world.units["transport"])
    assert world.client_for("other_liaison").get(f"/drives/returns/{ret.pk}/").status_code == 404
    assert (
        world.client_for("office_staff").get(f"/drives/returns/{ret.pk}/").status_code == 404
    )  # files for nobody


def test_every_board_number_equals_its_drill_down(world, drive):
    user = world.people["office_staff"]
    data = board.board(user, drive, timezone.now())
    client = world.client_for("office_staff")
    for row in data["units"]:
        for bucket, n in row.counts.items():
            assert board.bucket_qs(user, drive, bucket, timezone.now(), unit=row.key).count() == n
            page = client.get(f"/drives/{drive.pk}/records/?bucket={bucket}&unit={row.key}").content.decode()
            assert re.search(rf"共 {n} 条", page)
    assert data["totals"][BoardBucket.CLUES] == 1 and data["totals"][BoardBucket.FILED] == 1


def test_a_bad_return_keeps_what_was_typed_and_shows_a_chinese_error(world, drive):
    ret = DriveReturn.objects.get(drive=drive, unit=world.units["construction"])
    response = world.client_for("other_liaison").post(
        f"/drives/returns/{ret.pk}/",
        {"items_checked": "17", "is_zero": "on", "leader_name": "", "findings": ""},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "零报告须写明" in page and 'value="17"' in page
    ret.refresh_from_db()
    assert ret.status == "pending"


def test_finding_text_is_escaped(world, drive):
    page = world.client_for("office_staff").get(f"/drives/{drive.pk}/records/?bucket=clues").content.decode()
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_an_office_plans_a_drive_from_the_page_and_a_unit_cannot(world, sectors):
    today = timezone.localdate()
    data = {
        "title": "户外广告领域集中排查",
        "kind": "concentrated",
        "lead_unit": world.units["construction"].pk,
        "units": [world.units["transport"].pk, world.units["construction"].pk],
        "sectors": [sectors["building"].pk],
        "starts_on": today.isoformat(),
        "ends_on": (today - dt.timedelta(days=1)).isoformat(),
        "return_days": "7",
        "requirements": "报送排查情况。",
    }
    response = world.client_for("office_staff").post("/drives/new/", data)
    assert "结束日期不能早于开始日期" in response.content.decode()
    data["ends_on"] = (today + dt.timedelta(days=30)).isoformat()
    response = world.client_for("office_staff").post("/drives/new/", data)
    assert response.status_code == 302
    assert world.client_for("liaison").get("/drives/new/").status_code == 404


def test_the_drive_page_links_every_number_to_its_drill_down(world, drive, sectors):
    user = world.people["office_staff"]
    data = board.board(user, drive, timezone.now())
    page = world.client_for("office_staff").get(f"/drives/{drive.pk}/").content.decode()
    records = f"/drives/{drive.pk}/records/"
    for row in data["units"]:
        for bucket, n in row.counts.items():
            assert f'<a href="{records}?bucket={bucket}&amp;unit={row.key}">{n}</a>' in page
    muck = next(row for row in data["sectors"] if row.key == sectors["muck"].pk)
    assert f'<a href="{records}?bucket=clues&amp;sector={muck.key}">1</a>' in page
    for bucket, n in data["totals"].items():
        assert f'<a href="{records}?bucket={bucket}">{n}</a>' in page


def test_the_returns_table_is_paged(world, drive, monkeypatch):
    from taizhang.drives.views import pages

    monkeypatch.setattr(pages, "RETURNS_PER_PAGE", 1)
    client = world.client_for("office_staff")
    first, second = (client.get(f"/drives/{drive.pk}/?page={n}").content.decode() for n in (1, 2))
    names = (world.units["transport"].name, world.units["construction"].name)
    assert "1/2" in first and "?page=2" in first and "?page=1" in second
    # each page lists one of the two returns, and together they list both
    row = "<tr><td>第1轮</td><td>{}</td>".format
    assert sum(row(name) in first for name in names) == 1
    assert {name for name in names if row(name) in first + second} == set(names)
