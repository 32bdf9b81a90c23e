"""Clue indicators against the hand-counted ledger: values, period boundaries, visibility, drill-down."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlparse

import pytest

from taizhang.clues.models import Clue
from taizhang.org.choices import UnitKind
from taizhang.org.models import Unit
from taizhang.reports import dashboard, drill
from taizhang.reports.indicators import INDICATORS, batch, clue_counts, prefetch_units
from taizhang.reports.periods import Period

MARCH = Period("month", dt.date(2026, 3, 1), dt.date(2026, 3, 31))
APRIL = Period("month", dt.date(2026, 4, 1), dt.date(2026, 4, 30))


def figure(code, user, unit, period=MARCH):
    return INDICATORS[code](user=user, unit=unit, start=period.start, end=period.end)


def count_behind(url, user):
    params = parse_qs(urlparse(url).query)
    return drill.apply_clue_params(Clue.objects.visible_to(user), params).count()


@pytest.mark.django_db
def test_city_figures_for_march_are_hand_counted(world, ledger):
    staff, city = world.people["office_staff"], world.units["city"]
    assert figure("clues.received", staff, city)["value"] == 4  # A, B, D, E (U is 保护伞)
    assert figure("clues.concluded", staff, city)["value"] == 1  # A (D concluded in April)
    assert figure("clues.substantiated", staff, city)["value"] == 1
    assert figure("clues.conclusion_rate", staff, city)["value"] == 25.0
    assert figure("clues.overdue", staff, city)["value"] == 1  # B
    assert figure("clues.received", staff, city)["persons"] is None  # 条 only: clues carry no persons


@pytest.mark.django_db
def test_april_counts_c_and_the_conclusion_of_d(world, ledger):
    staff, city = world.people["office_staff"], world.units["city"]
    assert figure("clues.received", staff, city, APRIL)["value"] == 1
    assert figure("clues.concluded", staff, city, APRIL)["value"] == 1
    assert figure("clues.substantiated", staff, city, APRIL)["value"] == 0  # D was 查否


@pytest.mark.django_db
def test_a_clue_received_at_2330_local_on_31_march_belongs_to_march(world, ledger):
    staff, transport = world.people["office_staff"], world.units["transport"]
    # B is 2026-03-31 15:30 UTC: March in Shanghai, whatever the UTC date says.
    assert figure("clues.received", staff, transport)["value"] == 2
    assert figure("clues.received", staff, transport, APRIL)["value"] == 0
    assert figure("clues.received", staff, world.units["construction"], APRIL)["value"] == 1  # C at 00:10


@pytest.mark.django_db
def test_office_leader_also_counts_the_umbrella_clue(world, ledger):
    assert figure("clues.received", world.people["office_leader"], world.units["city"])["value"] == 5


@pytest.mark.django_db
def test_every_figure_respects_visibility(world, ledger):
    city = world.units["city"]
    assert (
        figure("clues.received", world.people["liaison"], city)["value"] == 2
    )  # only what transport handles
    assert figure("clues.received", world.people["other_liaison"], world.units["transport"])["value"] == 0
    assert figure("clues.received", world.people["district_staff"], city)["value"] == 1  # E only
    assert figure("clues.overdue", world.people["other_liaison"], city)["value"] == 0
    for code in INDICATORS:
        assert figure(code, world.people["police_liaison"], city)["value"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["office_staff", "office_leader", "liaison", "district_staff"])
def test_each_figure_url_lists_exactly_the_records_counted(world, ledger, who):
    user = world.people[who]
    for unit_key in ("city", "transport", "construction", "district"):
        unit = world.units[unit_key]
        for code in ("clues.received", "clues.concluded", "clues.substantiated", "clues.overdue"):
            result = figure(code, user, unit)
            assert count_behind(result["url"], user) == result["value"], (who, unit_key, code)


@pytest.mark.django_db
def test_dashboard_elements_count_what_their_links_list(world, ledger, django_assert_max_num_queries):
    user, city = world.people["office_leader"], world.units["city"]
    with django_assert_max_num_queries(45):
        data = dashboard.dashboard_data(
            user, city, Period("quarter", dt.date(2026, 1, 1), dt.date(2026, 3, 31))
        )
    checked = 0
    for card in data["cards"]:
        assert count_behind(card["url"], user) == card.get("numerator", card)["value"], card["key"]
        checked += 1
    for key in ("by_channel", "by_category", "by_status", "by_sector"):
        for item in data[key]:
            if item["url"]:
                assert count_behind(item["url"], user) == item["value"], key
                checked += 1
    for series in ("received", "concluded"):
        for month in data["monthly"][series]:
            assert count_behind(month["url"], user) == month["value"]
    for row in data["units"]:
        assert count_behind(row["overdue_url"], user) == row["overdue"]
        if row["rate_url"]:
            assert count_behind(row["rate_url"], user) == row["received_concluded"]
            assert count_behind(row["received_url"], user) == row["received"]
    assert checked >= 6
    assert data["cards"][0]["value"] == 5  # the leader counts U as well
    march = data["monthly"]["months"].index("2026-03")
    assert data["monthly"]["received"][march]["value"] == 5


def list_count(client, url):
    # The ledger's count comes with its per-status counts fragment (loaded by htmx beside the rows).
    response = client.get(url + ("&" if "?" in url else "?") + "fragment=counts")
    assert response.status_code == 200
    return response.context["total"]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["office_staff", "office_leader", "liaison"])
def test_the_ledger_list_behind_each_figure_has_that_many_records(world, ledger, who):
    """Fetch the ledger list (/clues/) each link points to and compare its count with the figure."""
    user, client = world.people[who], world.client_for(who)
    for unit_key in ("city", "transport"):
        unit = world.units[unit_key]
        for code in ("clues.received", "clues.concluded", "clues.substantiated", "clues.overdue"):
            result = figure(code, user, unit)
            assert list_count(client, result["url"]) == result["value"], (who, unit_key, code)
    home = world.units["transport" if who == "liaison" else "city"]
    data = dashboard.dashboard_data(user, home, Period("quarter", dt.date(2026, 1, 1), dt.date(2026, 3, 31)))
    for item in data["by_channel"] + data["by_status"] + data["cards"][:3]:
        assert list_count(client, item["url"]) == item["value"]


@pytest.mark.django_db
def test_prefetched_neighbours_match_the_figures_counted_one_by_one(
    world, ledger, django_assert_max_num_queries
):
    from taizhang.reports.figures import figures_with_changes
    from taizhang.reports.indicators import batch
    from taizhang.reports.models import Indicator

    user, city = world.people["office_staff"], world.units["city"]
    codes = ["clues.received", "clues.concluded", "clues.substantiated", "clues.conclusion_rate"]
    indicators = list(Indicator.objects.filter(code__in=codes).order_by("sort_order"))
    with batch(), django_assert_max_num_queries(3):
        rows = figures_with_changes(user, city, APRIL, indicators)
    for row in rows:
        code = row["indicator"].code
        assert row["value"] == figure(code, user, city, APRIL)["value"]
        assert row["previous"] == figure(code, user, city, MARCH)["value"]
    received = next(r for r in rows if r["indicator"].code == "clues.received")
    assert (received["value"], received["previous"], received["pop"]) == (1, 4, -75.0)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["office_staff", "office_leader", "liaison", "district_staff"])
@pytest.mark.parametrize("period", [MARCH, APRIL], ids=["march", "april"])
def test_counts_prefetched_for_many_units_equal_each_units_own(
    world, ledger, who, period, django_assert_num_queries
):
    """A ranking counts every member unit in one grouped query; each unit's counts equal its own count (the
    tally's on PostgreSQL), and once prefetched no unit is counted again."""
    user = world.people[who]
    units = list(Unit.objects.order_by("path"))
    members = [u for u in units if u.kind != UnitKind.OFFICE]
    alone = {u.pk: clue_counts(user=user, unit=u, start=period.start, end=period.end) for u in units}
    if who != "district_staff":  # the others see the member units' clues of the ledger: nothing vacuous
        assert any(any(alone[u.pk].values()) for u in members)
    with batch():
        prefetch_units(user, units, period.start, period.end)
        with django_assert_num_queries(0):
            together = {
                u.pk: clue_counts(user=user, unit=u, start=period.start, end=period.end) for u in members
            }
        together |= {
            u.pk: clue_counts(user=user, unit=u, start=period.start, end=period.end)
            for u in units
            if u.kind == UnitKind.OFFICE
        }
    assert together == alone


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["clues.conclusion_rate", "clues.substantiated", "clues.overdue"])
def test_a_clue_figure_for_every_unit_at_once_equals_each_units_own(world, ledger, code):
    from taizhang.reports.figures import call, call_for_units

    user = world.people["office_leader"]
    units = list(Unit.objects.order_by("path"))
    together = call_for_units(INDICATORS[code], user=user, units=units, period=MARCH)
    assert together == {u.pk: call(INDICATORS[code], user=user, unit=u, period=MARCH) for u in units}
