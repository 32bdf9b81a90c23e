"""Two instances in one process and one database: the tests switch settings.EXCHANGE_DIR to act as the upper
(city) or the lower (county) instance. Each side's units are apart: the city's tree holds 测试县扫黑办 as a
child instance; the county's own tree (its root office and members) stands apart with 测试市扫黑办（上级）
as its parent instance. The end-to-end proof with separate databases is tests/exchange/test_levels.py."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings as dj_settings

from taizhang.clues.actions.common import ReporterData, SubjectData
from taizhang.clues.actions.registration import do_register_clue
from taizhang.clues.choices import Channel
from taizhang.clues.models import ClueCounter
from taizhang.core import clock
from taizhang.exchange import keys, registry, transport
from taizhang.exchange.models import Partner
from taizhang.org.choices import InstanceLink, RoleCode, UnitKind
from tests.factories import UnitFactory, UserFactory


@dataclass
class Levels:
    world: object
    upper_dir: Path
    lower_dir: Path
    drop: Path
    child: Partner  # the county, as the city knows it
    parent: Partner  # the city, as the county knows it
    county_office: object
    county_staff: object
    county_unit: object
    county_liaison: object

    def as_upper(self) -> None:
        dj_settings.EXCHANGE_DIR = self.upper_dir
        dj_settings.EXCHANGE_OFFICE = "CITY"

    def as_lower(self) -> None:
        dj_settings.EXCHANGE_DIR = self.lower_dir
        dj_settings.EXCHANGE_OFFICE = "C-ROOT"

    def send_down(self) -> Path:
        self.as_upper()
        log = transport.export(self.drop, self.child)
        assert log is not None
        return self.drop / log.file_name

    def apply_below(self, path: Path, **kw: str):
        self.as_lower()
        return transport.apply(path, **kw)

    def send_up(self) -> Path | None:
        self.as_lower()
        log = transport.export(self.drop / "up", self.parent)
        return None if log is None else self.drop / "up" / log.file_name

    def apply_above(self, path: Path, **kw: str):
        self.as_upper()
        return transport.apply(path, **kw)


def register(world, *, channel=Channel.PLATFORM_12337, identity=None, subjects=None):
    return do_register_clue(
        actor=world.people["office_staff"],
        office=world.units["city"],
        channel=channel,
        received_at=clock.now(),
        summary="县城砂石市场被垄断",
        facts="某团伙强迫运输车辆从其砂石场进货。",
        subjects=subjects or [SubjectData(name="钱某", unit_name="")],
        reporter=ReporterData(
            kind="real_name", identity=identity or {"name": "李明", "phone": "13800000000"}
        ),
    )


@pytest.fixture
def levels(settings, tmp_path, world) -> Levels:
    settings.MEDIA_ROOT = tmp_path / "files"
    upper_dir, lower_dir = tmp_path / "city-keys", tmp_path / "county-keys"
    settings.EXCHANGE_DIR = lower_dir
    lower_public = keys.public_half(keys.init("county"))
    settings.EXCHANGE_DIR = upper_dir
    upper_public = keys.public_half(keys.init("city"))
    actor = world.people["office_staff"]
    county_unit = UnitFactory(
        code="XIAN", name="测试县扫黑办", kind=UnitKind.OFFICE, parent=world.units["city"]
    )
    child = registry.do_add_partner(
        actor=actor, unit=county_unit, link=InstanceLink.CHILD, public=lower_public
    )
    # The county's own tree, apart from the city's (a root of its own, so it takes what comes from above).
    county_office = UnitFactory(code="C-ROOT", name="县扫黑办（本级）", kind=UnitKind.OFFICE)
    # Numbers are per instance; sharing one database, the county numbers its clues apart from the city's.
    ClueCounter.objects.create(office=county_office, year=clock.now().year, pattern="{year}-XIAN-{seq:06d}")
    city_as_parent = UnitFactory(code="C-UP", name="测试市扫黑办（上级）", kind=UnitKind.OFFICE)
    parent = registry.do_add_partner(
        actor=actor, unit=city_as_parent, link=InstanceLink.PARENT, public=upper_public
    )
    county_unit = UnitFactory(code="C-JT", name="县交通运输局", kind=UnitKind.MEMBER, parent=county_office)
    return Levels(
        world,
        upper_dir,
        lower_dir,
        tmp_path / "drop",
        child,
        parent,
        county_office,
        UserFactory(unit=county_office, role_codes=[RoleCode.OFFICE_STAFF]),
        county_unit,
        UserFactory(unit=county_unit, role_codes=[RoleCode.LIAISON]),
    )
