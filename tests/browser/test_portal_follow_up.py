"""A real browser submits a report (the proof-of-work runs in static/portal/pow.js) and follows it up."""

from __future__ import annotations

import os
import threading

import pytest

from taizhang.clues.models import Clue
from taizhang.portal.models import Message

pytestmark = [pytest.mark.browser]


@pytest.fixture
def page(browser):
    """A phone-sized tab in the suite's one Chromium (tests/browser/conftest.py); one Playwright per process."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.problems = problems  # type: ignore[attr-defined]
    yield page
    context.close()
    # The live server answers each browser connection in its own thread, which closes its database session
    # when the connection ends; wait for them so no session outlives the test database.
    for thread in threading.enumerate():
        if "process_request_thread" in thread.name:
            thread.join(timeout=10)


def test_a_browser_reports_and_follows_up(live_server, world, page, settings):
    settings.PORTAL_POW_BITS = 12
    page.goto(f"{live_server.url}/report/new/")
    assert page.is_hidden("#id_reporter_name")
    page.check("input[value=real_name]")
    assert page.is_visible("#id_reporter_name")
    page.fill("#id_reporter_name", "浏览器实名")
    page.fill("#id_subject_0_name", "某某")
    page.fill("#id_summary", "浏览器提交的举报")
    page.fill("#id_facts", "这是一条由浏览器提交、由页面脚本完成安全校验的举报。")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-receipt-code]", timeout=60_000)
    code = page.inner_text("[data-receipt-code]").replace(" ", "")
    passphrase = page.inner_text("[data-passphrase]").strip()
    assert Clue.objects.filter(summary="浏览器提交的举报").count() == 1

    page.goto(f"{live_server.url}/report/follow-up/")
    page.fill("#id_code", code)
    page.fill("#id_passphrase", passphrase)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-status]", timeout=60_000)
    assert page.inner_text("[data-status]") == "已受理"
    page.fill("#id_body", "补充一句")
    page.click("form[action$='message/'] button[type=submit]")
    page.wait_for_selector(".pt-msg-me")
    assert Message.objects.get().body == "补充一句"
    # No CSP violation or script error on any page.
    assert page.problems == []  # type: ignore[attr-defined]
