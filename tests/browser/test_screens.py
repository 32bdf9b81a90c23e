"""Screens of issue #17 in a real browser: the ledger as cards on a phone, Chinese error pages in the layout,
the report form keeping typed work, the register form starting at now."""

from __future__ import annotations

import pytest

from tests.browser.conftest import session_for
from tests.clues.conftest import Walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NARROW = {"width": 375, "height": 812}


def test_the_ledger_is_cards_on_a_375px_phone(journey, world):
    walk = Walk(world)
    for n in range(3):
        walk.assigned(summary=f"某某团伙强揽土方工程第{n}起，长期纠集社会闲散人员威胁竞争对手")
    page = journey.open_tab(session=session_for(world.people["office_staff"]), viewport=NARROW, mobile=True)
    with journey.step("ledger on a phone"):
        page.goto("/clues/")
        page.wait_for_selector(".tz-ledger tbody tr")
        assert not page.locator(".tz-ledger thead").is_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, overflow
        row = page.locator(".tz-ledger tbody tr").first.bounding_box()
        assert row is not None and row["width"] <= 375
        label = page.evaluate(
            "getComputedStyle(document.querySelector('.tz-ledger td[data-label]'), '::before').content"
        )
        assert "线索编号" in label
    assert not journey.csp_violations, journey.csp_violations


def test_a_dead_link_shows_the_chinese_page_in_the_layout(journey, world):
    page = journey.open_tab(session=session_for(world.people["liaison"]))
    with journey.step("a page the liaison may not open"):
        page.goto("/reports/bulletin/")
        assert "无权访问" in page.content() and page.locator(".tz-navbar").is_visible()
    with journey.step("a page that does not exist"):
        page.goto("/no-such-page/")
        assert "页面不存在" in page.content() and page.locator(".tz-navbar").is_visible()
    with journey.step("the reports page offers no tab the liaison cannot open"):
        page.goto("/reports/")
        for tab in ("领导驾驶舱", "数据汇总", "季度通报", "年度考评"):
            assert page.get_by_text(tab, exact=True).count() == 0, tab
    assert not journey.csp_violations, journey.csp_violations


def test_a_link_to_a_section_loaded_after_the_clue_page_reaches_it(journey, world):
    clue = Walk(world).assigned(summary="某某团伙强揽土方工程，长期纠集社会闲散人员威胁竞争对手")
    page = journey.open_tab(
        session=session_for(world.people["office_staff"]), viewport={"width": 1024, "height": 500}
    )
    with journey.step("the supervision section by its anchor"):
        page.goto(f"/clues/{clue.pk}/#supervision")
        page.wait_for_selector("#supervision")
        for _ in range(50):  # the scroll follows the htmx swap
            top = page.evaluate("document.getElementById('supervision').getBoundingClientRect().top")
            if 0 <= top < 500:
                break
            page.wait_for_timeout(100)
        assert 0 <= top < 500, top
    assert not journey.csp_violations, journey.csp_violations
