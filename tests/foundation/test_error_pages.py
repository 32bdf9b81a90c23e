"""403, 404, 500 and CSRF refusals are Chinese pages in the site's layout, with DEBUG on (as `make run`) and off.

The portal's citizens get the portal's layout and never Django's debug page listing the URL patterns.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

STAFF_NAV = "线索台账"
DEBUG_MARKERS = ("URLconf", "Using the URLconf", "Traceback", "Page not found", "Forbidden", "Server Error")


def _page(response: Any) -> str:
    return response.content.decode()


def _assert_chinese_page(html: str, title: str) -> None:
    assert title in html
    for marker in DEBUG_MARKERS:
        assert marker not in html, marker


@pytest.fixture(params=[False, True], ids=["production", "debug"])
def debug(request: pytest.FixtureRequest, settings: Any) -> bool:
    settings.DEBUG = request.param
    settings.ROOT_URLCONF = "tests.foundation.error_urls"
    return request.param


def test_a_missing_page_is_chinese_with_the_navigation(world: Any, debug: bool) -> None:
    client = world.client_for("office_staff")
    for url in ("/no-such-page/", "/clues/999999/"):
        response = client.get(url)
        assert response.status_code == 404
        _assert_chinese_page(_page(response), "页面不存在")
        assert STAFF_NAV in _page(response)


def test_the_portal_never_shows_the_debug_page_or_staff_navigation(db: Any, debug: bool) -> None:
    response = Client().get("/report/no-such-page/")
    assert response.status_code == 404
    html = _page(response)
    _assert_chinese_page(html, "页面不存在")
    assert "/clues/" not in html and "/admin/" not in html and STAFF_NAV not in html
    assert "我要举报" in html  # the portal's own navigation


def test_a_refused_page_is_chinese_with_the_navigation(world: Any, debug: bool) -> None:
    response = world.client_for("liaison").get("/reports/bulletin/")
    assert response.status_code == 403
    _assert_chinese_page(_page(response), "无权访问")
    assert "报送" in _page(response)


def test_a_failing_page_is_chinese(world: Any, debug: bool) -> None:
    client = world.client_for("office_staff")
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    _assert_chinese_page(_page(response), "系统出错")
    portal = Client(raise_request_exception=False).get("/report/boom/")
    assert portal.status_code == 500
    _assert_chinese_page(_page(portal), "系统出错")
    assert STAFF_NAV not in _page(portal)


def test_a_csrf_refusal_says_what_to_do(world: Any, debug: bool) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.people["office_staff"])
    response = client.post("/clues/new/", {"summary": "x"})
    assert response.status_code == 403
    html = _page(response)
    _assert_chinese_page(html, "安全校验未通过")
    assert "刷新页面" in html
    assert STAFF_NAV in html
