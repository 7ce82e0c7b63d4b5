"""Browser fixtures: Debian's chromium driven by Playwright, axe-core from npm.

Nothing here downloads a browser. What is missing skips the tests with a reason
that says how to get it, except under THREADPORT_REQUIRE_BROWSER=1 (CI), where
it is a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from availability import unavailable
from browser_support import AXE_JS, FIXTURES, LAUNCH_ARGS, TOUR_FIXTURES, WIDE


def missing(reason: str):
    unavailable(reason, "THREADPORT_REQUIRE_BROWSER")


@pytest.fixture(scope="session")
def axe_js() -> Path:
    path = AXE_JS
    if not path.is_file():
        missing(
            f"no axe-core at {path}: run `npm install --prefix .cache/axe axe-core` in the repo,"
            " or set THREADPORT_AXE_JS to an axe.min.js"
        )
    return path


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("the playwright package is not installed: `pip install -e '.[browser]'` (or `tox -e browser`)")
    executable = shutil.which("chromium")
    if not executable:
        missing("no chromium on PATH: `apt-get install -y chromium` (Debian's package; never `playwright install`)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The site under test, built once for every browser test: THREADPORT_SITE (the report env's
    build from real results), or a build from the checked-in results of real runs."""
    if os.environ.get("THREADPORT_SITE"):
        path = Path(os.environ["THREADPORT_SITE"])
        assert (path / "index.html").is_file(), (
            f"THREADPORT_SITE={path} has no index.html: run `threadport html {path}` first"
        )
        return path
    from threadport.cli import main

    path = tmp_path_factory.mktemp("tour") / "site"
    tour = [
        *("--timeline", str(TOUR_FIXTURES / "timeline.json")),
        *("--claims", str(TOUR_FIXTURES / "claims.json")),
        *("--ledger", str(TOUR_FIXTURES / "ledger.json")),
    ]
    assert main(["html", str(path), "--results", str(FIXTURES), *tour]) == 0
    return path


class Visit:
    """One page load in a fresh context: console errors and outside requests are recorded."""

    def __init__(self, browser, url: str, width: int, scheme: str = "light"):
        self.context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.route("**/*", self._route)
        self.page.goto(url)
        self.page.wait_for_load_state("load")

    def _route(self, route):
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
        else:  # the tour is offline: anything else is a bug, and is never fetched
            self.outside.append(url)
            route.abort()

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser):
    opened: list[Visit] = []

    def open_page(url: str, width: int = WIDE, scheme: str = "light") -> Visit:
        v = Visit(browser, url, width, scheme)
        opened.append(v)
        return v

    yield open_page
    for v in opened:
        v.close()
