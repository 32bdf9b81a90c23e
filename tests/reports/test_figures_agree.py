"""Every figure shown agrees with the list behind it, everywhere it is shown.

The walk visits every displayed clue figure of the hand-counted ledger (tests/reports/conftest.py) for several
personas, units and periods — dashboard cards, charts and per-unit rows, the API's dashboard, the figures page,
the bulletin's opening text, main table and ranking, the assessment's rate lines — and checks that each count
equals the number of rows its drill-down link lists, and each rate equals its numerator's list divided by its
denominator's list. The second quarter is the case the demo got wrong: clue D was received in March and
concluded in April, so the quarter has 查结 1 while none of its own clues is concluded (查结率 0.0%).
"""

from __future__ import annotations

import io
import re
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from openpyxl import load_workbook

from taizhang.clues.models import Clue
from taizhang.reports import assessment, board, bulletin, dashboard, drill, exports, measures
from taizhang.reports.figures import figures_with_changes
from taizhang.reports.indicators import batch
from taizhang.reports.models import Indicator
from taizhang.reports.periods import Period

PERIODS = [
    Period.parse("month", "2026-03"),
    Period.parse("quarter", "2026-Q1"),
    Period.parse("quarter", "2026-Q2"),
]
PERSONAS = [
    ("office_staff", "city"),
    ("office_leader", "city"),
    ("liaison", "transport"),
    ("district_staff", "district"),
]


class Walk:
    """Counts the ledger list behind each link once, and records what was checked."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.checked = 0
        self._memo: dict[str, int] = {}

    def rows(self, url: str) -> int:
        assert url.startswith(drill.CLUE_LIST), url
        if url not in self._memo:
            params = {k: v if k == "status" else v[0] for k, v in parse_qs(urlparse(url).query).items()}
            self._memo[url] = drill.apply_clue_params(Clue.objects.visible_to(self.user), params).count()
        return self._memo[url]

    def count(self, value: Any, url: str, where: str) -> None:
        assert self.rows(url) == value, (where, url)
        self.checked += 1

    def rate(self, value: Any, numerator_url: str, denominator_url: str, where: str) -> None:
        top, bottom = self.rows(numerator_url), self.rows(denominator_url)
        if value is None:
            assert bottom == 0, where  # no rate only when there is no base
        else:
            assert value == measures.percent(top, bottom), (where, top, bottom)
        self.checked += 1

    def figure(self, row: dict[str, Any], where: str) -> None:
        """A figure from the catalogue: a rate with its two lists, or a count with its list."""
        if "numerator" in row:
            self.rate(row["value"], row["numerator"]["url"], row["denominator"]["url"], where)
            self.figure(row["numerator"], where + " numerator")
            self.figure(row["denominator"], where + " denominator")
            assert row["url"] == row["numerator"]["url"], where
        elif row.get("url", "").startswith(drill.CLUE_LIST):
            self.count(row["value"], row["url"], where)


def walk_dashboard(walk: Walk, data: dict[str, Any], where: str) -> None:
    for card in data["cards"]:
        walk.figure(card, f"{where} card {card['key']}")
    for key in ("by_channel", "by_category", "by_status", "by_sector"):
        for item in data[key]:
            if item["url"]:
                walk.count(item["value"], item["url"], f"{where} {key} {item['name']}")
    for series in ("received", "concluded"):
        for month in data["monthly"][series]:
            walk.count(month["value"], month["url"], f"{where} monthly {series}")
    for row in data["units"]:
        walk.count(row["received"], row["received_url"], f"{where} unit {row['name']} received")
        walk.count(row["received_concluded"], row["received_concluded_url"], f"{where} unit {row['name']}")
        walk.rate(row["rate"], row["received_concluded_url"], row["received_url"], f"{where} unit rate")
        walk.count(row["overdue"], row["overdue_url"], f"{where} unit {row['name']} overdue")


SUMMARY = re.compile(
    r"共受理线索(?P<received>\d+)条，其中已查结(?P<received_concluded>\d+)条，查结率(?P<rate>[\d.]+)%；"
    r"本期共查结线索(?P<concluded>\d+)条（含以前受理的），其中查实(?P<substantiated>\d+)条"
)


def walk_bulletin(walk: Walk, data: bulletin.BulletinData, where: str) -> None:
    by_code = {row["indicator"].code: row for row in data.figures}
    for code, row in by_code.items():
        walk.figure(row, f"{where} table {code}")
    # The opening paragraph: each number is the figure of the catalogue it names.
    text = bulletin.summary_text(data)
    found = SUMMARY.search(text)
    assert found, text
    rate = by_code["clues.conclusion_rate"]
    walk.count(int(found["received"]), rate["denominator"]["url"], f"{where} text 受理")
    walk.count(int(found["received_concluded"]), rate["numerator"]["url"], f"{where} text 其中已查结")
    walk.rate(
        float(found["rate"]), rate["numerator"]["url"], rate["denominator"]["url"], f"{where} text 查结率"
    )
    walk.count(int(found["concluded"]), by_code["clues.concluded"]["url"], f"{where} text 查结")
    walk.count(int(found["substantiated"]), by_code["clues.substantiated"]["url"], f"{where} text 查实")
    for row in data.ranking:
        if row.get("received_url"):
            walk.count(row["received"], row["received_url"], f"{where} ranking {row['name']}")
            walk.count(row["received_concluded"], row["received_concluded_url"], f"{where} ranking")
            walk.rate(row["rate"], row["received_concluded_url"], row["received_url"], f"{where} ranking")
        else:
            assert row["received"] == row["received_concluded"] == 0 and row["rate"] is None


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "unit_key"), PERSONAS)
def test_every_displayed_figure_equals_its_drill_down(world, ledger, who, unit_key):
    user, unit = world.people[who], world.units[unit_key]
    walk = Walk(user)
    client = world.client_for(who)
    indicators = list(Indicator.objects.filter(code__startswith="clues.", is_active=True))
    for period in PERIODS:
        where = f"{who} {unit_key} {period.key}"
        walk_dashboard(walk, dashboard.dashboard_data(user, unit, period), f"{where} dashboard")
        api = client.get(
            "/api/reports/dashboard", {"unit": unit.pk, "kind": period.kind, "period": period.key}
        )
        assert api.status_code in (200, 403)  # a liaison has no dashboard
        if api.status_code == 200:
            walk_dashboard(walk, api.json(), f"{where} api")
        with batch():
            rows = figures_with_changes(user, unit, period, indicators)
        for row in rows:
            if row["computed"]:
                walk.figure(row, f"{where} figures page {row['indicator'].code}")
        if unit_key in ("city", "district") and period.kind == "quarter":
            walk_bulletin(walk, bulletin.gather(user, unit, period), f"{where} bulletin")
    assert walk.checked > 50


@pytest.mark.django_db
def test_the_quarter_that_misled_reads_true(world, ledger):
    """Q2: 受理1 (C), 查结1 (D, received in March): the rate is 0/1, printed beside its own numerator."""
    data = bulletin.gather(world.people["office_staff"], world.units["city"], PERIODS[2])
    assert (
        "共受理线索1条，其中已查结0条，查结率0.0%；本期共查结线索1条（含以前受理的）"
        in bulletin.summary_text(data)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("period", PERIODS[1:], ids=str)
def test_assessment_lines_state_their_numbers(world, ledger, period):
    """The rate lines and the timeliness line (受理…，超期未办结…) of every unit, offices included, state the
    catalogue's figures: each count equals its list, and a unit's 受理 is the same in both lines."""
    user, city = world.people["office_staff"], world.units["city"]
    walk = Walk(user)
    scheme = assessment.default_scheme(city, 2026)
    timeliness = 0
    for result in assessment.score(user, scheme, period):
        received: set[int] = set()
        where = f"{result['unit'].name} assessment"
        for line in result["lines"]:
            rate = re.match(r"已查结(\d+)条 ÷ 受理(\d+)条 = ([\d.]+)%", line["basis"])
            if rate:
                walk.count(int(rate[1]), line["url"], where)
                assert float(rate[3]) == measures.percent(int(rate[1]), int(rate[2]))
                received.add(int(rate[2]))
            late = re.match(r"受理(\d+)条，超期未办结(\d+)条", line["basis"])
            if late:
                walk.count(int(late[2]), line["url"], where)
                received.add(int(late[1]))
                timeliness += 1
        assert len(received) <= 1, (where, received)
        # The unit's own figures, as its dashboard shows them, decide whether it had work and what it received.
        totals = dashboard.counts_for(user, result["unit"], period).totals
        shown = {
            key: measures.figure(
                f"clues.{key}", totals, period.start, period.end, drill.unit_params(result["unit"])
            )["value"]
            for key in ("received", "concluded", "overdue")
        }
        assert result["ranked"] == any(shown.values()), (where, shown)
        if result["ranked"]:
            assert received == {shown["received"]}, (where, shown)
    assert walk.checked >= 2 and timeliness >= 1


@pytest.mark.django_db
@pytest.mark.parametrize("period", PERIODS, ids=str)
def test_the_summary_sheet_states_each_units_own_figures(world, ledger, period):
    """The monthly summary sheet's row of a unit, an office included (its whole subtree), holds the figures its
    own links list — the same rows as the bulletin's ranking."""
    user, city = world.people["office_staff"], world.units["city"]
    walk = Walk(user)
    units = board.expected_units(user, city)
    own = dashboard.own_figures(user, units, period)
    sheet = load_workbook(io.BytesIO(exports.summary_xlsx(user, city, period))).active
    rows = {r[0]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    for unit in units:
        figures = own[unit.pk]
        walk.count(figures["received"], figures["received_url"], unit.name)
        walk.count(figures["received_concluded"], figures["received_concluded_url"], unit.name)
        walk.count(figures["overdue"], figures["overdue_url"], unit.name)
        rate = figures["rate"] if figures["rate"] is not None else "—"
        expected = (figures["received"], figures["received_concluded"], rate, figures["overdue"])
        assert rows[unit.name][1:5] == expected, unit.name
    if period == PERIODS[1]:  # the district received clue E in the first quarter
        assert own[world.units["district"].pk]["received"] == 1


def test_every_measure_links_to_filters_the_ledger_accepts():
    """A drill-down parameter the ledger does not know would be silently ignored (a list longer than the
    figure); every measure's parameters are fields of the ledger's filter form."""
    import datetime as dt

    from taizhang.clues.filters import ClueFilterForm

    fields = set(ClueFilterForm.base_fields)
    for code, measure in measures.MEASURES.items():
        if isinstance(measure, measures.CountMeasure):
            assert set(measure.params(dt.date(2026, 1, 1), dt.date(2026, 3, 31))) <= fields, code
