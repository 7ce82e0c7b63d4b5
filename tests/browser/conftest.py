"""Browser fixtures: Debian's chromium driven by Playwright, axe-core from npm.

Nothing here downloads a browser. What is missing skips the tests with a reason
that says how to get it, except under THREADPORT_REQUIRE_BROWSER=1 (CI), where
it is a failure. Where .ci/run installs chromium or axe-core beside tox, the fixtures
first wait for that install to end (wait_for_install), and its failure is theirs.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from availability import unavailable
from browser_support import (
    AXE_JS,
    AXE_STATUS,
    CHROMIUM_STATUS,
    FIXTURES,
    LAUNCH_ARGS,
    TOUR_FIXTURES,
    wait_for_install,
)


def missing(reason: str):
    unavailable(reason, "THREADPORT_REQUIRE_BROWSER")


def installed(status_variable: str, what: str) -> None:
    """Returns once .ci/run's install of ``what`` beside tox (if any) has ended well; else missing()."""
    problem = wait_for_install(os.environ.get(status_variable))
    if problem is not None:
        missing(f"{what}: {problem}")


@pytest.fixture(scope="session")
def axe_ready() -> bool:
    """Whether axe-core is there, once .ci/run's npm install of it (if any) has ended."""
    installed(AXE_STATUS, "axe-core")
    return AXE_JS.is_file()


@pytest.fixture(scope="session")
def axe_js(axe_ready) -> Path:
    path = AXE_JS
    if not axe_ready:
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
    installed(CHROMIUM_STATUS, "chromium")
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
