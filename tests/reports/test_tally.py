"""The clue tally (PostgreSQL triggers) answers exactly what counting the visible clues answers, whoever asks,
after every kind of write, before and after compaction and rebuild."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from taizhang.clues import actions
from taizhang.clues.actions import SubjectData
from taizhang.clues.choices import Channel, ClueStatus
from taizhang.clues.models import Clue
from taizhang.clues.visibility import tally
from taizhang.reports import drill
from taizhang.reports.grouping import count_clues, counts_for
from taizhang.reports.indicators import _aggregate, _tally_counts
from taizhang.reports.models import ClueTally
from taizhang.reports.periods import LOCAL, Period

from .conftest import local, register

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the tally is kept by PostgreSQL triggers"),
]
OFFICE_PEOPLE = ["office_staff", "office_leader", "group_member", "district_staff", "district_leader"]
PERIODS = [
    Period("quarter", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
    Period("month", dt.date(2026, 4, 1), dt.date(2026, 4, 30)),
    Period("year", dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
]


def live(user, unit, period):
    return count_clues(Clue.objects.visible_to(user).filter(drill.unit_q(unit)), period)


def assert_same(world, who, unit_key, period):
    user, unit = world.people[who], world.units[unit_key]
    if tally.scope_keys(user, unit) is None:
        return False
    got, want = counts_for(user, unit, period), live(user, unit, period)
    assert got.totals == want.totals, (who, unit_key, period)
    assert {k: dict(v) for k, v in got.by.items() if v} == {k: dict(v) for k, v in want.by.items() if v}
    assert got.units == want.units, (who, unit_key)
    assert got.months_received == want.months_received
    assert got.months_concluded == want.months_concluded
    now = timezone.now()
    totals = _tally_counts(user, unit, [(period.start, period.end)])
    assert totals is not None
    plain = _aggregate(
        Clue.objects.visible_to(user).filter(drill.unit_q(unit)), period.start, period.end, now
    )
    assert totals[0] == plain, (who, unit_key, period)
    return True


def assert_all_same(world):
    checked = 0
    for who in OFFICE_PEOPLE:
        for unit_key in ("city", "district", "transport", "construction"):
            for period in PERIODS:
                checked += assert_same(world, who, unit_key, period)
    assert checked >= 30


def test_the_tally_counts_what_the_visible_clues_count_for_every_office_person(world, ledger):
    assert ClueTally.objects.exists()
    assert_all_same(world)


def test_member_units_and_discipline_handlers_are_counted_live(world, ledger):
    for who in ("liaison", "unit_leader", "discipline_handler", "police_liaison"):
        assert tally.scope_keys(world.people[who], world.people[who].unit) is None


def test_recused_clues_are_taken_out_for_the_units_they_name(world, ledger):
    district = world.units["district"]
    clue = actions.do_register_clue(
        actor=world.people["office_staff"],
        office=district,
        channel=Channel.PHONE,
        received_at=local(2026, 3, 3, 9),
        summary="反映区扫黑办工作人员问题",
        facts="群众来电反映区扫黑办某工作人员与涉恶团伙往来。",
        subjects=[SubjectData(name="李某某", unit_id=district.pk)],
    )
    staff = world.people["district_staff"]
    assert not Clue.objects.visible_to(staff).filter(pk=clue.pk).exists()
    assert assert_same(world, "district_staff", "district", PERIODS[0])
    assert assert_same(world, "office_staff", "district", PERIODS[0])
    assert counts_for(staff, district, PERIODS[0]).totals["received"] == 1  # E only


def test_bulk_updates_deletes_compaction_and_rebuild_keep_it_exact(world, ledger):
    # Writes that bypass the actions still reach the tally (the triggers sit on the table).
    Clue.objects.filter(pk=ledger.c.pk).update(
        status=ClueStatus.VERIFYING,
        responsible_unit=world.units["transport"],
        received_at=local(2026, 2, 1, 8),
    )
    Clue.objects.filter(pk=ledger.a.pk).update(
        concluded_at=local(2026, 1, 31, 23, 59), channel=Channel.PORTAL
    )
    Clue.objects.filter(pk=ledger.e.pk).update(is_umbrella=True)
    register(world, local(2026, 1, 9, 10), office="district")
    assert ClueTally.objects.filter(compacted=False).exists()
    assert_all_same(world)
    assert tally.compact() > 0
    assert not ClueTally.objects.filter(compacted=False).exists()
    assert_all_same(world)
    fields = ("office_id", "unit_id", "is_umbrella", "kind", "month", "month2", "dim", "value", "status", "n")
    before = sorted(map(repr, ClueTally.objects.values_list(*fields)))
    tally.rebuild()
    after = sorted(map(repr, ClueTally.objects.values_list(*fields)))
    assert before == after
    Clue.objects.filter(pk=ledger.u.pk).delete()
    assert_all_same(world)


def test_periods_that_are_not_whole_months_are_counted_live(world, ledger):
    user, city = world.people["office_staff"], world.units["city"]
    assert _tally_counts(user, city, [(dt.date(2026, 3, 5), dt.date(2026, 3, 31))]) is None
    assert tally.whole_months(dt.date(2026, 2, 1), dt.date(2026, 2, 28))


def test_the_database_runs_the_tally_sql_of_the_app():
    """Migrations run frozen SQL; the latest must be tally.py's, so what the code describes is what runs."""
    import importlib

    latest = importlib.import_module("taizhang.reports.migrations.0005_tally_status_crossed")
    assert latest.INSTALL_SQL == tally.INSTALL_SQL
    assert importlib.import_module("taizhang.reports.migrations.0003_clue_tally").UNINSTALL_SQL == (
        tally.UNINSTALL_SQL
    )
    assert tally._summed([tally._facts("clues_clue", "1")], True) == latest.FILL_SQL


def test_the_tally_counts_in_the_zone_of_report_periods():
    assert tally.LOCAL == LOCAL
