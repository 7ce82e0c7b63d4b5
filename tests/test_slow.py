"""Real time against virtual time: the seed's 16-second poll, both sides (CI runs this).

One poll is a genuine tie in the seed itself: the tenth poll and the end of the
sleeper's ten-second sleep are both due at t=10. Real time settles it by
scheduling noise: unloaded, the sleeper (one sleep, one wake-up delay) finishes
first and the poll prints False; with both cores busy the new sleeper thread can
start a few milliseconds late and the poll prints True. The virtual clock settles
it by its documented rule (waiters due together wake in the order their waits
began), which gives the unloaded answer every time; tests/test_clock.py pins
that rule. Every other line must match real time exactly.
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from threadport.catalog import get_pair
from threadport.runner import run_entry

TIE = 10  # stdout index of the tenth poll: "working" is line 0


@pytest.mark.slow
def test_virtual_clock_gives_the_real_time_transcript_of_the_seed_poll(legacy_python):
    pair = get_pair("threading_notes")
    entry = pair.entry("testIsAliveOnSleeper")
    sides = [(legacy_python, pair.legacy_path, entry.legacy), (sys.executable, pair.modern_path, entry.modern)]

    # Both real-time runs at once: 16 s of wall time for the two, not 32.
    with ThreadPoolExecutor(max_workers=2) as pool:
        reals = list(pool.map(lambda side: run_entry(*side, real_time=True, timeout=60), sides))
    virtuals = [run_entry(*side) for side in sides]

    for real, virtual in zip(reals, virtuals):
        assert real.seconds >= 16 and real.clock == "real"
        assert virtual.seconds < 1 and virtual.virtual_seconds == 16.0
        assert virtual.stdout == ["working"] + ["True"] * 9 + ["False"] * 7
        assert (virtual.stderr, virtual.exit) == (real.stderr, real.exit) == ([], 0)
        assert len(real.stdout) == len(virtual.stdout)
        assert real.stdout[:TIE] == virtual.stdout[:TIE]
        assert real.stdout[TIE + 1 :] == virtual.stdout[TIE + 1 :]
        assert real.stdout[TIE] in ("True", "False")  # the tie: either is a faithful real-time answer
