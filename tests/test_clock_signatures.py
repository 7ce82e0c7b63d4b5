"""The virtual clock is no more lenient than the real interpreter: every patched call
(Lock/RLock/Semaphore acquire, Condition/Event wait, join, Queue get/put, time.sleep,
time.time, monotonic...) gives the same outcome, ok or the same exception type, with the
clock on as with it off, on Python 2.7 and on every Python 3 found.

tests/signatures_probe.py tries each call with good and bad arguments and prints the
outcome; this test runs it with the clock off and on and compares the two transcripts."""

from __future__ import annotations

from pathlib import Path

import pytest

from threadport.interpreters import python3s
from threadport.runner import run_entry

PROBE = Path(__file__).with_name("signatures_probe.py")
PYTHON3S = python3s()


def outcomes(python, *, real_time: bool) -> dict[str, str]:
    transcript = run_entry(python, PROBE, "probe", real_time=real_time)
    assert (transcript.exit, transcript.stderr, transcript.timed_out) == (0, [], False), transcript
    return dict(line.rsplit(": ", 1) for line in transcript.stdout)


def assert_same(python) -> dict[str, str]:
    real, virtual = outcomes(python, real_time=True), outcomes(python, real_time=False)
    assert len(real) >= 60
    assert {k: v for k, v in virtual.items() if real.get(k) != v} == {}
    assert virtual == real
    return real


@pytest.mark.legacy
@pytest.mark.interpreter_free(
    "both probes (real and virtual clock) are python2.7 runs, as each Python 3's below (every_python)"
)
def test_python27_rejects_what_its_c_lock_and_sleep_reject(legacy_python):
    seen = assert_same(legacy_python)
    # The probe is not vacuous: these are the calls real 2.7 refuses that a lenient clock took.
    assert seen["Lock().acquire(blocking=False)"] == "TypeError"
    assert seen["Lock().acquire(True, 0.01)"] == "TypeError"
    assert seen["allocate_lock().acquire(blocking=False)"] == "TypeError"
    assert seen["time.sleep(-1)"] == "IOError"
    assert seen["RLock().acquire(blocking=False)"] == "ok"  # 2.7's RLock is pure Python


@pytest.mark.parametrize("python", PYTHON3S, ids=[p.version_string for p in PYTHON3S])
def test_each_python3_rejects_the_same_calls_with_the_clock_on(python):
    seen = assert_same(python)
    assert seen["Lock().acquire(blocking=False)"] == "ok"
    assert seen["time.sleep(secs=0.01)"] == "TypeError"
    # Lock.acquire's blocking flag is an int up to 3.11 and any truth value from 3.12 on.
    assert seen["Lock().acquire(None)"] == ("ok" if python.version >= (3, 12) else "TypeError")
