"""Ending a drive (page and API) and closing a round (API): only the organising office, nothing partial."""

from __future__ import annotations

import pytest
from django.test import Client

from taizhang.accounts.models import ApiToken
from taizhang.drives.choices import DriveStatus, ReturnStatus, RoundStatus
from taizhang.drives.models import Drive, DriveReturn

pytestmark = pytest.mark.django_db


def _api(world, key):
    _token, secret = ApiToken.issue(world.people[key], "tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_the_office_ends_a_drive_from_its_page_and_a_unit_sees_no_button(world, make_drive):
    drive = make_drive()
    url = f"/drives/{drive.pk}/close/"
    assert url not in world.client_for("liaison").get(f"/drives/{drive.pk}/").content.decode()
    assert world.client_for("liaison").post(url, {"version": drive.version}).status_code == 404
    assert Drive.objects.get(pk=drive.pk).status != DriveStatus.CLOSED

    staff = world.client_for("office_staff")
    assert url in staff.get(f"/drives/{drive.pk}/").content.decode()
    response = staff.post(url, {"version": drive.version}, follow=True)
    assert "排查已结束" in response.content.decode()
    drive.refresh_from_db()
    assert drive.status == DriveStatus.CLOSED and drive.next_round_on is None
    assert not drive.rounds.filter(status=RoundStatus.OPEN).exists()
    assert url not in staff.get(f"/drives/{drive.pk}/").content.decode()  # nothing left to end


def test_ending_a_drive_with_a_stale_version_changes_nothing(world, make_drive):
    drive = make_drive()
    response = world.client_for("office_staff").post(
        f"/drives/{drive.pk}/close/", {"version": drive.version + 5}, follow=True
    )
    assert response.status_code == 200
    assert Drive.objects.get(pk=drive.pk).status == drive.status
    assert drive.rounds.filter(status=RoundStatus.OPEN).exists()


def test_the_api_ends_a_drive_for_the_office_only(world, make_drive):
    drive = make_drive()
    url = f"/api/drives/drives/{drive.pk}/close"
    assert _api(world, "liaison").post(url, {}, content_type="application/json").status_code in (403, 404)
    assert Drive.objects.get(pk=drive.pk).status != DriveStatus.CLOSED
    response = _api(world, "office_staff").post(
        url, {"version": drive.version}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == DriveStatus.CLOSED
    again = _api(world, "office_staff").post(url, {}, content_type="application/json")
    assert again.status_code >= 400 and again.json()["message"]


def test_the_api_closes_a_round_for_the_office_only(world, make_drive):
    drive = make_drive()
    rnd = drive.rounds.get()
    url = f"/api/drives/rounds/{rnd.pk}/close"
    assert _api(world, "liaison").post(url).status_code in (403, 404)
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.OPEN
    response = _api(world, "office_staff").post(url)
    assert response.status_code == 200
    assert response.json() == {
        "round_id": rnd.pk,
        "drive_id": drive.pk,
        "seq": 1,
        "status": RoundStatus.CLOSED,
    }
    assert not DriveReturn.objects.filter(round=rnd, status=ReturnStatus.FILED).exists()
