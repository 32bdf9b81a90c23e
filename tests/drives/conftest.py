"""A drive of the city office over transport and construction, in two sectors, built with the real actions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from taizhang.drives import actions
from taizhang.drives.choices import DriveKind
from taizhang.org.models import Sector

TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def sectors(db):
    return {
        "building": Sector.objects.create(code="wjjs", name="违法建设"),
        "muck": Sector.objects.create(code="ztys", name="渣土运输"),
    }


@pytest.fixture
def make_drive(world, sectors):
    def make(kind=DriveKind.CONCENTRATED, starts_on=None, **kw):
        return actions.do_create_drive(
            actor=world.people["office_staff"],
            title=kw.pop("title", "城市管理领域集中排查"),
            kind=kind,
            office=world.units["city"],
            lead_unit=world.units[kw.pop("lead", "construction")],
            sectors=list(sectors.values()),
            units=kw.pop("units", [world.units["transport"], world.units["construction"]]),
            starts_on=starts_on or timezone.localdate(),
            ends_on=kw.pop("ends_on", (starts_on or timezone.localdate()) + dt.timedelta(days=90)),
            requirements="报送排查对象数、发现的问题和线索。",
            **kw,
        )

    return make
