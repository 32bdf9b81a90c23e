"""Fixed personas: a city office with a district below it and member units, one person per role.

alice-style naming after Healthchecks: each persona is named by what they are, so a test reads as a sentence.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from taizhang.org.choices import RoleCode, UnitKind
from taizhang.org.models import Unit, User
from tests.factories import UnitFactory, UserFactory

# The process clock (time-machine moves time.time, datetime.now, timezone.now and so clock.now). With
# TAIZHANG_TEST_NOW="2027-02-06 09:30" (Asia/Shanghai) the whole session runs from that moment, ticking, and
# each `calendar` test starts at it. TAIZHANG_TEST_DATES="2026-12-31 23:59,2027-01-01 00:00,..." runs every
# `calendar` test once per moment in one process (`make test-dates`). Without either, `calendar` tests start
# at DEFAULT_TEST_NOW, never at the real date.
SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT_TEST_NOW = "2026-06-10 10:00"
CHOSEN_TEST_NOW = os.environ.get("TAIZHANG_TEST_NOW", "").strip()
TEST_DATES = [m.strip() for m in os.environ.get("TAIZHANG_TEST_DATES", "").split(",") if m.strip()]


def shanghai(text: str) -> dt.datetime:
    """An aware Asia/Shanghai moment from 'YYYY-MM-DD[ HH:MM]'."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


if CHOSEN_TEST_NOW:
    # Started at import, before collection, so module-level dates and fixtures see the chosen moment too.
    time_machine.travel(shanghai(CHOSEN_TEST_NOW), tick=True).start()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Under TAIZHANG_TEST_DATES, each `calendar` test runs once per moment."""
    if TEST_DATES and metafunc.definition.get_closest_marker("calendar"):
        metafunc.parametrize("stated_moment", TEST_DATES, ids=[f"at {m}" for m in TEST_DATES])


@pytest.fixture
def stated_moment() -> str:
    """The moment a `calendar` test starts at (parametrized under TAIZHANG_TEST_DATES)."""
    return CHOSEN_TEST_NOW or DEFAULT_TEST_NOW


@pytest.fixture(autouse=True)
def _stated_clock(request: pytest.FixtureRequest, stated_moment: str) -> Any:
    """A `calendar` test starts at the chosen moment, or at DEFAULT_TEST_NOW: never at the real date.

    Its calendar data is stated too: chinesecalendar's years, and for 2027 and 2028 (which the package does not
    know) the made-up notices of tests/supervision/notices.py, confirmed as an administrator would.
    """
    if request.node.get_closest_marker("calendar") is None:
        yield
        return
    with time_machine.travel(shanghai(stated_moment), tick=True):
        marker = request.node.get_closest_marker("django_db")
        transactional = bool(marker and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)))
        if not transactional and (marker or "db" in request.fixturenames or "world" in request.fixturenames):
            request.getfixturevalue("db")
            _confirm_test_notices()
        yield
    from taizhang.core import deadlines

    deadlines.clear_cache()  # the notices' rows went with the test's transaction


def _confirm_test_notices() -> None:
    from taizhang.core import deadlines
    from taizhang.pure.holiday_notice import parse_notice
    from taizhang.supervision.models import CalendarOverride, HolidayNotice
    from tests.supervision.notices import NOTICE_2027, NOTICE_2028

    for text in (NOTICE_2027, NOTICE_2028):
        parsed = parse_notice(text)
        assert parsed.year and not parsed.problems, parsed.problems
        CalendarOverride.objects.bulk_create(
            [CalendarOverride(date=d.day, is_workday=d.is_workday, note=d.festival) for d in parsed.days]
        )
        HolidayNotice.objects.create(
            year=parsed.year,
            text=text,
            days=[d.day.isoformat() for d in parsed.days],
            applied_at=timezone.now(),
        )
    deadlines.clear_cache()


@dataclass
class World:
    """The standard test world: units by key and people by key."""

    units: dict[str, Unit]
    people: dict[str, User]

    def client_for(self, key: str) -> Client:
        client = Client()
        client.force_login(self.people[key])
        return client


PERSONAS: dict[str, tuple[str, list[str]]] = {
    # key: (unit key, roles)
    "office_staff": ("city", [RoleCode.OFFICE_STAFF]),
    "office_leader": ("city", [RoleCode.OFFICE_LEADER, RoleCode.OFFICE_STAFF]),
    "group_member": ("city", [RoleCode.GROUP_MEMBER]),
    "custodian": ("city", [RoleCode.IDENTITY_CUSTODIAN, RoleCode.OFFICE_STAFF]),
    "district_staff": ("district", [RoleCode.OFFICE_STAFF]),
    "district_leader": ("district", [RoleCode.OFFICE_LEADER, RoleCode.OFFICE_STAFF]),
    "liaison": ("transport", [RoleCode.LIAISON]),
    "handler": ("transport", [RoleCode.HANDLER]),
    "unit_leader": ("transport", [RoleCode.UNIT_LEADER]),
    "other_liaison": ("construction", [RoleCode.LIAISON, RoleCode.HANDLER]),
    "other_leader": ("construction", [RoleCode.UNIT_LEADER]),
    "police_liaison": ("police", [RoleCode.LIAISON, RoleCode.HANDLER]),
    "police_leader": ("police", [RoleCode.UNIT_LEADER]),
    "discipline_handler": ("discipline", [RoleCode.DISCIPLINE_HANDLER, RoleCode.LIAISON]),
    "discipline_leader": ("discipline", [RoleCode.UNIT_LEADER, RoleCode.DISCIPLINE_HANDLER]),
    "district_police": ("district_police", [RoleCode.LIAISON, RoleCode.HANDLER]),
    "sysadmin": ("city", [RoleCode.SYSADMIN]),
}


def build_world() -> World:
    """Create the standard units and personas (roles come from the seeded migration)."""
    city = UnitFactory(code="CITY", name="测试市扫黑办", kind=UnitKind.OFFICE)
    district = UnitFactory(code="DIST", name="测试区扫黑办", kind=UnitKind.OFFICE, parent=city)
    units = {
        "city": city,
        "district": district,
        "transport": UnitFactory(code="JT", name="测试市交通运输局", kind=UnitKind.SECTOR_LEAD, parent=city),
        "construction": UnitFactory(code="ZJ", name="测试市住建局", kind=UnitKind.MEMBER, parent=city),
        "police": UnitFactory(code="GA", name="测试市公安局", kind=UnitKind.POLICE, parent=city),
        "procuratorate": UnitFactory(
            code="JCY", name="测试市检察院", kind=UnitKind.PROCURATORATE, parent=city
        ),
        "discipline": UnitFactory(code="JW", name="测试市纪委监委", kind=UnitKind.DISCIPLINE, parent=city),
        "district_police": UnitFactory(
            code="DGA", name="测试区公安分局", kind=UnitKind.POLICE, parent=district
        ),
    }
    people = {}
    for key, (unit_key, roles) in PERSONAS.items():
        people[key] = UserFactory(
            username=key, unit=units[unit_key], role_codes=roles, is_staff=RoleCode.SYSADMIN in roles
        )
    return World(units=units, people=people)


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


@pytest.fixture(autouse=True)
def _audit_triggers_allow_flush(request: pytest.FixtureRequest) -> Any:
    """SQLite's test flush deletes rows one table at a time, which the append-only trigger refuses.

    For transactional tests, keep the triggers during the test and drop them just before pytest-django
    flushes (PostgreSQL flushes with TRUNCATE, which the trigger does not see).
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    if not transactional and not {"transactional_db", "live_server"} & set(request.fixturenames):
        yield
        return
    from django.db import connection

    from taizhang.core.migrations import _triggers

    request.getfixturevalue("_django_db_helper" if transactional else "transactional_db")
    if connection.vendor == "sqlite":
        _triggers.install(connection)
    yield
    if connection.vendor == "sqlite":
        _triggers.remove(connection)


@pytest.fixture(autouse=True)
def _fresh_content_type_cache() -> None:
    """A transactional test's flush recreates content types with new ids; never reuse a cached old one."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def _own_audit_checkpoint(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test's database starts a chain of its own: so does its checkpoint file (outside the database)."""
    settings.AUDIT_CHECKPOINT_FILE = str(tmp_path_factory.mktemp("audit") / "audit-checkpoint.json")
