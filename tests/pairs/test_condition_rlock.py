"""notify_all() against notify(), with three threads waiting: notify_all() wakes all three,
notify() (the control) wakes one and two stay waiting, on Python 2.7 (notifyAll()) and on
each Python 3 of the matrix found, under the virtual clock and in real time.

The producer/consumer demo waits until both consumers are waiting before its final
wake-up, so that notify() there would strand one consumer (a deadlock under the virtual
clock, which the paired test reports)."""

from __future__ import annotations

import sys

import pytest
from legacy_runs import LEGACY_TWIN_ON_27

from threadport.catalog import get_pair
from threadport.interpreters import python3s
from threadport.runner import run_entry

PAIR = get_pair("condition_rlock")
MATRIX = [p for p in python3s() if p.version[:2] >= (3, 9)]
EXPECTED = [
    "3 threads wait on one Condition until a flag is set",
    "notify all: 3 woke, 0 still waiting",
    "notify one (control): 1 woke, 2 still waiting",
]


@pytest.mark.legacy
@LEGACY_TWIN_ON_27
def test_legacy_wakes_every_waiter_with_notify_all_and_one_with_notify(legacy_python):
    transcript = run_entry(legacy_python, PAIR.legacy_path, "wake_waiters")
    assert (transcript.stdout, transcript.stderr, transcript.exit) == (EXPECTED, [], 0)


@pytest.mark.parametrize("python", MATRIX, ids=[p.version_string for p in MATRIX])
def test_modern_wakes_every_waiter_with_notify_all_and_one_with_notify(python):
    transcript = run_entry(python.path, PAIR.modern_path, "wake_waiters")
    assert (transcript.stdout, transcript.stderr, transcript.exit) == (EXPECTED, [], 0)


@pytest.mark.legacy
def test_real_time_agrees(legacy_python):
    for python, source in ((legacy_python, PAIR.legacy_path), (sys.executable, PAIR.modern_path)):
        transcript = run_entry(python, source, "wake_waiters", (3, 0.5), real_time=True)
        assert (transcript.stdout, transcript.stderr, transcript.exit) == (EXPECTED, [], 0)
