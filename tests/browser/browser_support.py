"""Constants shared by the browser tests and their fixtures."""

from __future__ import annotations

import os
from pathlib import Path

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
