"""Constants shared by the browser tests and their fixtures, and the wait for .ci/run's installs."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "compare"
TOUR_FIXTURES = REPO / "tests" / "fixtures" / "tour"  # real timeline, claims and ledger runs
DEFAULT_AXE = REPO / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
AXE_JS = Path(os.environ.get("THREADPORT_AXE_JS", DEFAULT_AXE))  # may be missing: the axe_js fixture says so
SCREENSHOTS = Path(os.environ.get("THREADPORT_SCREENSHOTS", REPO / "artifacts" / "screenshots"))
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDE, NARROW = 1280, 390

# .ci/run installs chromium (apt) and axe-core (npm) beside tox, each through .ci/with-status,
# and exports these variables: the path of the file that says, once the install has ended, "ok"
# or "failed: why". Unset (a dev machine, or where .ci/run found them installed): no wait.
CHROMIUM_STATUS = "THREADPORT_CHROMIUM_STATUS"
AXE_STATUS = "THREADPORT_AXE_STATUS"
# Longer than .ci/install-chromium can take (two apt-get steps of at most 300 s each), so that
# apt's own failure is what a broken install reports; CI's fresh machine took about 45 s.
INSTALL_WAIT = 660.0
INSTALL_POLL = 0.25


def wait_for_install(
    status: str | None,
    *,
    timeout: float = INSTALL_WAIT,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> str | None:
    """Wait until the install whose status file is ``status`` has ended (nothing to wait for if None).

    None when it succeeded (or there was none); else what went wrong: its failure as the status
    file tells it, or that it had not ended within ``timeout`` seconds. The status file appears
    only when the install is complete (renamed into place), so a present "ok" means a whole
    install, never one under way."""
    if not status:
        return None
    path = Path(status)
    deadline = clock() + timeout
    while not path.is_file():
        if clock() >= deadline:
            return f"the install beside tox (.ci/run) had not ended after {timeout:.0f} s: no {path}"
        sleep(INSTALL_POLL)
    said = path.read_text(encoding="utf-8").strip()
    return None if said == "ok" else f"the install beside tox (.ci/run) {said} (from {path})"
