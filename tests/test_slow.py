"""Real time against virtual time: the seed's 16-second poll, both sides (CI runs this)."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from threadport.catalog import get_pair
from threadport.runner import run_entry


@pytest.mark.slow
def test_virtual_clock_gives_the_real_time_transcript_of_the_seed_poll(legacy_python):
    pair = get_pair("threading_notes")
    entry = pair.entry("testIsAliveOnSleeper")
    sides = [(legacy_python, pair.legacy_path, entry.legacy), (sys.executable, pair.modern_path, entry.modern)]

    # Both real-time runs at once: 16 s of wall time for the two, not 32.
    with ThreadPoolExecutor(max_workers=2) as pool:
        reals = list(pool.map(lambda side: run_entry(*side, real_time=True, timeout=60), sides))
    virtuals = [run_entry(*side) for side in sides]

    expected = ["working"] + ["True"] * 9 + ["False"] * 7
    for real, virtual in zip(reals, virtuals):
        assert real.seconds >= 16 and real.clock == "real"
        assert virtual.seconds < 1 and virtual.virtual_seconds == 16.0
        assert (virtual.stdout, virtual.stderr, virtual.exit) == (real.stdout, real.stderr, real.exit)
        assert virtual.stdout == expected
