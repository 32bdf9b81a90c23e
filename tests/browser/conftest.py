"""Browser journeys: Playwright for Python driving Debian's chromium against pytest-django's live server.

Never downloads a browser: Playwright is pointed at /usr/bin/chromium. When it is missing and the tests run
as root, Debian's package is installed; under CI=true a missing browser fails instead of skipping.
Every step's screenshot is kept in memory and written to var/browser-failures/<test>/ when a test fails.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FAILURES = Path(__file__).resolve().parents[2] / "var" / "browser-failures"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1400, "height": 1000}

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between steps are
# still ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _ensure_chromium() -> str | None:
    if Path(CHROMIUM).exists():
        return None
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=False, env=env)
    if Path(CHROMIUM).exists():
        return None
    return "Debian's chromium is not installed (apt-get install chromium)"


# Package scope, not session: Playwright's sync API keeps an asyncio loop running in the main thread while it
# is open, and every later test that calls an async view through async_to_sync (/readyz) would fail.
@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    problem = _ensure_chromium()
    if problem:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(problem)
        pytest.skip(problem)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


class Journey:
    """A browser tab with named steps: each step's screenshot is kept, and all are saved if the test fails."""

    def __init__(self, browser: Any, base_url: str, name: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.name = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)
        self.shots: list[tuple[str, bytes]] = []
        self.csp_violations: list[str] = []
        self.errors: list[str] = []
        self.contexts: list[Any] = []
        self.page: Any = None

    def open_tab(
        self, *, viewport: dict[str, int] = DESKTOP, session: str | None = None, mobile: bool = False
    ) -> Any:
        """A fresh browser context (its own cookies), optionally signed in with a session key."""
        context = self.browser.new_context(
            viewport=viewport, is_mobile=mobile, has_touch=mobile, locale="zh-CN", base_url=self.base_url
        )
        if session:
            host = self.base_url.split("//", 1)[1].split(":")[0]
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": session, "domain": host, "path": "/"}]
            )
        page = context.new_page()
        page.set_default_timeout(15000)
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("response", self._response)
        self.contexts.append(context)
        self.page = page
        return page

    def _console(self, message: Any) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.csp_violations.append(text)
        elif message.type == "error" and not text.startswith("Failed to load resource"):
            self.errors.append(text)

    def _response(self, response: Any) -> None:
        # Broken links to our own scripts, styles and images (failed loads are named here, with the URL).
        kind = response.request.resource_type
        if (
            response.status >= 400
            and kind in ("script", "stylesheet", "image", "font")
            and "favicon" not in response.url
        ):
            self.errors.append(f"{response.status} {response.url}")

    @contextmanager
    def step(self, title: str) -> Iterator[Any]:
        """One step of the journey; its screenshot is taken when it ends (or fails)."""
        try:
            yield self.page
        finally:
            if self.page is not None:
                # The page may be gone; the failure itself is what matters then.
                with contextlib.suppress(Exception):
                    self.shots.append((title, self.page.screenshot(full_page=True)))

    def save(self) -> Path:
        target = FAILURES / self.name
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True, exist_ok=True)
        for index, (title, data) in enumerate(self.shots, 1):
            slug = re.sub(r"[^\w.-]+", "_", title)[:60]
            (target / f"{index:02d}-{slug}.png").write_bytes(data)
        return target

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: Any, call: Any) -> Any:
    report = yield
    if report.when == "call":
        item.stash.setdefault(_REPORTS, {})["call"] = report
    return report


_REPORTS = pytest.StashKey[dict]()


@pytest.fixture
def journey(request: Any, browser: Any, live_server: Any) -> Iterator[Journey]:
    run = Journey(browser, live_server.url, request.node.name)
    yield run
    report = request.node.stash.get(_REPORTS, {}).get("call")
    if report is not None and report.failed:
        where = run.save()
        print(f"\nscreenshots of each step: {where}")
    run.close()


def session_for(user: Any) -> str:
    """A signed-in session key for the user (the browser gets it as its cookie)."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value
