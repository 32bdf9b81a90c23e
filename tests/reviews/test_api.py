"""The drives and reviews API: structured Chinese errors for bad input, nothing partial."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from taizhang.accounts.models import ApiToken
from taizhang.drives import actions as drives
from taizhang.drives.choices import DriveKind
from taizhang.drives.models import DriveReturn
from taizhang.org.models import Sector
from taizhang.reviews.models import ReviewCampaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world):
    def client_for(key):
        _token, secret = ApiToken.issue(world.people[key], "tests")
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    return client_for


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_a_sample_larger_than_the_population_is_a_structured_error(world, ledger, period, api):
    ledger.concluded()
    body = {
        "title": "超量",
        "office_id": world.units["city"].pk,
        "period_start": period[0].isoformat(),
        "period_end": period[1].isoformat(),
        "sampling": "count",
        "size": 4,
    }
    response = _post(api("office_staff"), "/api/reviews/campaigns", body)
    assert response.status_code == 400
    assert response.json()["code"] == "sample_too_large" and response.json()["detail"] == {
        "size": 4,
        "population": 1,
    }
    assert not ReviewCampaign.objects.exists()
    body["sampling"], body["seed"] = "all", 7
    created = _post(api("office_staff"), "/api/reviews/campaigns", body)
    assert created.status_code == 201 and created.json()["seed"] == 7 and created.json()["population"] == 1


def test_a_return_for_a_closed_round_is_a_structured_error(world, api):
    sector = Sector.objects.create(code="api-drv", name="违法建设")
    drive = drives.do_create_drive(
        actor=world.people["office_staff"],
        title="接口排查",
        kind=DriveKind.CONCENTRATED,
        office=world.units["city"],
        lead_unit=world.units["city"],
        sectors=[sector],
        units=[world.units["transport"]],
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + dt.timedelta(days=10),
        requirements="报送",
    )
    drives.do_close_round(drive.rounds.get().pk, actor=world.people["office_staff"])
    ret = DriveReturn.objects.get(drive=drive)
    response = _post(
        api("liaison"),
        f"/api/drives/returns/{ret.pk}",
        {"items_checked": 1, "is_zero": True, "leader_name": "赵"},
    )
    assert response.status_code == 400 and response.json()["code"] == "round_closed"
    assert "已截止" in response.json()["message"]
    board = api("office_staff").get(f"/api/drives/drives/{drive.pk}/board").json()
    assert board["totals"]["filed"] == 0 and board["units"][0]["expected"] == 1
    assert api("discipline_handler").get(f"/api/drives/drives/{drive.pk}/board").status_code == 404
