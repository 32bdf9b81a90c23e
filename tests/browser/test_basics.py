"""The browser sees what the tests assume: sign-in works, pages run under the CSP, /api/docs needs no CDN."""

from __future__ import annotations

import pytest

from tests.browser.conftest import PHONE, session_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_staff_sign_in_reaches_home_without_csp_violations(journey, world):
    page = journey.open_tab()
    with journey.step("sign-in page"):
        page.goto("/accounts/login/")
        page.fill("#id_username", "office_staff")
        page.fill("#id_password", "pw-for-tests-123")
    with journey.step("home"):
        page.click("button[type=submit]")
        page.wait_for_url("**/")
        assert page.locator(".tz-navbar").is_visible()
        assert "office_staff" in page.content() or world.people["office_staff"].display_name in page.content()
    assert not journey.csp_violations, journey.csp_violations
    assert not journey.errors, journey.errors


def test_wrong_password_is_refused_on_a_phone(journey, world):
    page = journey.open_tab(viewport=PHONE, mobile=True)
    with journey.step("wrong password"):
        page.goto("/accounts/login/")
        page.fill("#id_username", "office_staff")
        page.fill("#id_password", "not-the-password")
        page.click("button[type=submit]")
        page.wait_for_selector(".alert-danger")
        assert "/accounts/login/" in page.url
    assert not journey.csp_violations, journey.csp_violations


def test_api_docs_render_from_our_own_files_under_the_csp(journey, world):
    page = journey.open_tab(session=session_for(world.people["office_staff"]))  # staff only in production
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    with journey.step("api docs"):
        page.goto("/api/docs")
        page.wait_for_selector(".swagger-ui .info", timeout=20000)
        assert page.locator(".opblock").count() > 0
    assert all(url.startswith(journey.base_url) for url in requested), requested
    assert not journey.csp_violations, journey.csp_violations
