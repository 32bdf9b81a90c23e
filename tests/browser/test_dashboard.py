"""The leaders' dashboard in a real browser: every chart draws, tooltips show, and nothing breaks the CSP."""

from __future__ import annotations

import pytest

from tests.browser.conftest import session_for
from tests.rectification.conftest import Rect
from tests.reports.conftest import assigned, local, register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_dashboard_draws_and_shows_tooltips_without_csp_violations(journey, world):
    for day in (5, 12, 20):
        assigned(world, local(2026, 3, day, 10), "transport")
    register(world, local(2026, 3, 15, 11))
    Rect(world).replied(recipient="transport", days_ago=3)  # the rectification chart draws too
    city = world.units["city"]
    page = journey.open_tab(session=session_for(world.people["office_leader"]))
    with journey.step("dashboard"):
        page.goto(f"/reports/dashboard/?unit={city.pk}&kind=year&period=2026")
        page.wait_for_selector("#tz-cards .card")
        page.wait_for_selector(".tz-chart canvas")
        assert page.locator("#tz-cards .card").count() >= 5
    with journey.step("tooltips"):
        charts = page.locator(".tz-chart canvas").all()
        assert len(charts) >= 7
        for chart in charts:
            chart.scroll_into_view_if_needed()
            box = chart.bounding_box()
            assert box is not None
            # Sweep across the chart so the pointer crosses bars, slices and axis triggers alike.
            for step in range(1, 10):
                page.mouse.move(box["x"] + box["width"] * step / 10, box["y"] + box["height"] / 2)
                page.wait_for_timeout(30)
        page.wait_for_timeout(300)
    with journey.step("drill-down from a card"):
        page.locator("#tz-cards a").first.click()
        page.wait_for_url("**/clues/?**")
    assert not journey.csp_violations, journey.csp_violations
    assert not journey.errors, journey.errors
