"""The drive indicators count what the drive pages show."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from taizhang.drives import actions
from taizhang.drives.actions import FindingData
from taizhang.drives.choices import FindingKind
from taizhang.drives.models import DriveFinding, DriveReturn
from taizhang.reports.figures import providers
from taizhang.reports.models import Indicator

pytestmark = pytest.mark.django_db


def test_drive_indicators_are_in_the_catalogue_and_count(world, make_drive, sectors):
    drive = make_drive()
    ret = DriveReturn.objects.get(drive=drive, unit=world.units["transport"])
    actions.do_file_return(
        ret.pk,
        actor=world.people["liaison"],
        items_checked=3,
        findings=[FindingData(FindingKind.CLUE, sectors["muck"].pk, "强揽渣土")],
    )
    actions.do_register_finding(DriveFinding.objects.get().pk, actor=world.people["office_staff"])
    codes = {"drives.run", "drives.units_covered", "drives.clues_found", "callbacks.satisfaction_rate"}
    assert codes <= set(Indicator.objects.values_list("code", flat=True))
    assert codes <= set(providers())
    start = timezone.now() - dt.timedelta(days=1)
    end = timezone.now() + dt.timedelta(days=1)
    figures = {
        code: providers()[code](
            user=world.people["office_staff"], unit=world.units["city"], start=start, end=end
        )["value"]
        for code in codes
    }
    assert figures == {
        "drives.run": 1,
        "drives.units_covered": 1,
        "drives.clues_found": 1,
        "callbacks.satisfaction_rate": 0.0,
    }
    # A unit outside the drive sees none of it.
    assert (
        providers()["drives.run"](
            user=world.people["discipline_handler"], unit=world.units["city"], start=start, end=end
        )["value"]
        == 0
    )
