"""Read-modify-write: the unlocked counter loses updates in 100 of 100 runs, the locked
one in 0 of 100, on Python 2.7 and on every Python 3 of the matrix found.

The interleaving is forced (a sleep between the read and the write, under the
virtual clock), not left to the switch interval, so 100 of 100 is exact."""

from __future__ import annotations

import pytest
from legacy_runs import LEGACY_TWIN_ON_27

from threadport.catalog import get_pair
from threadport.interpreters import python3s
from threadport.runner import run_entry

PAIR = get_pair("rmw_counter")
MATRIX = [p for p in python3s() if p.version[:2] >= (3, 9)]
EXPECTED = ["unlocked: lost updates in 100 of 100 runs", "locked: lost updates in 0 of 100 runs"]


@pytest.mark.legacy
@LEGACY_TWIN_ON_27
def test_legacy_counter_on_python27(legacy_python):
    transcript = run_entry(legacy_python, PAIR.legacy_path, "repeated", (100,))
    assert transcript.exception is None and transcript.stdout == EXPECTED


@pytest.mark.parametrize("python", MATRIX, ids=[p.version_string for p in MATRIX])
def test_modern_counter_on_each_python3(python):
    transcript = run_entry(python.path, PAIR.modern_path, "repeated", (100,))
    assert transcript.exception is None and transcript.stdout == EXPECTED


@pytest.mark.parametrize("side", ["legacy", "modern"])
def test_one_run_loses_exactly_what_the_forced_interleaving_predicts(side, legacy_python):
    # Four threads read the same value, then each writes value + 1: every round of
    # four increments counts once, so 5 rounds leave 5 where 20 were expected.
    import sys

    python, source = (legacy_python, PAIR.legacy_path) if side == "legacy" else (sys.executable, PAIR.modern_path)
    transcript = run_entry(python, source, "once", (4, 5))
    assert transcript.stdout[1:] == ["unlocked: counter = 5, lost 15 updates", "locked: counter = 20, lost 0 updates"]
