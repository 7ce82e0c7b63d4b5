"""Real time is the referee (the slow env, alone after the matrix):

1. Every entry point of every pair, on each side (legacy on Python 2.7, modern on this
   Python 3), prints under the virtual clock what it prints in real time: the same
   stdout, stderr and exit status, line by line, except on a line the catalogue
   declares as a race, where real time may print any one of the declared outcomes.
   (The seed's 16-second poll has its own test in test_slow.py.)

2. `counter += 1` from plain threads, no sleep, no lock, per interpreter, measured in
   real time. Declared outcomes:

   - Python 2.7 and 3.9 lose updates: their eval loop may hand the GIL to another
     thread between any two bytecodes (2.7 every 100 "ticks", 3.x at the switch
     interval), so the load and the store of `counter += 1` are often split.
   - Python 3.10 to 3.13 (with the GIL) may or may not: they check whether to hand the
     GIL over only at some instructions (backward jumps, calls...; bpo-44645 is the
     3.10 regression about exactly that), so a loop of `counter += 1` is almost never
     interrupted between its load and its store. Measured here: 0 lost in every run.
     It is still not atomic: the atomic_ops demo forces the switch and loses updates on
     every interpreter, and a free-threaded build runs the threads truly in parallel
     and loses updates again (CPython gh-125646 shows it on 3.13t).
"""

from __future__ import annotations

import re
import sys

import pytest

from threadport.catalog import get_pair, load_catalog
from threadport.interpreters import probe, python3s, resolve
from threadport.runs import run_jobs, side_job

POLL = "testIsAliveOnSleeper"  # test_slow.py: 16 s of real time, run once
WORK = [(pair, entry) for pair in load_catalog() for entry in pair.entries if entry.legacy != POLL]
SIDES = ("legacy", "modern")


def disagreements(virtual, real, races) -> list[str]:
    """Where the real-time transcript differs from the virtual one, beyond declared races."""
    found = []
    if real.timed_out or virtual.timed_out:
        found.append(f"timed out: virtual {virtual.timed_out}, real {real.timed_out}")
    for name in ("stderr", "exit", "exception"):
        if getattr(virtual, name) != getattr(real, name):
            found.append(f"{name}: virtual {getattr(virtual, name)!r}, real {getattr(real, name)!r}")
    if len(virtual.stdout) != len(real.stdout):
        found.append(f"stdout: {len(virtual.stdout)} lines virtual, {len(real.stdout)} real")
    declared = {race.line: race for race in races if race.field == "stdout"}
    for number, (seen_virtual, seen_real) in enumerate(zip(virtual.stdout, real.stdout)):
        race = declared.get(number)
        if seen_virtual == seen_real or (race and {seen_virtual, seen_real} <= set(race.outcomes)):
            continue
        found.append(f"stdout line {number}: virtual {seen_virtual!r}, real {seen_real!r}")
    return found


@pytest.fixture(scope="module")
def transcripts(legacy_python):
    """(stem, entry label, side) -> (virtual, real): every run at once, two at a time."""
    pythons = {"legacy": probe(legacy_python), "modern": resolve(sys.executable)}
    keys, jobs = [], []
    for pair, entry in WORK:
        for side in SIDES:
            for real_time in (False, True):
                keys.append((pair.stem, entry.label, side))
                jobs.append(side_job(pair, entry, pythons[side], legacy=side == "legacy", real_time=real_time))
    # Two workers: real-time runs must not slow each other down much on a 2-core runner.
    done = run_jobs(jobs, workers=2)
    return {keys[i]: (done[i], done[i + 1]) for i in range(0, len(done), 2)}


@pytest.mark.slow
@pytest.mark.legacy
@pytest.mark.parametrize("side", SIDES)
@pytest.mark.parametrize(("pair", "entry"), WORK, ids=[f"{p.stem}::{e.label}" for p, e in WORK])
def test_real_time_agrees_with_the_virtual_clock(transcripts, pair, entry, side):
    virtual, real = transcripts[pair.stem, entry.label, side]
    assert virtual.clock == "virtual" and real.clock == "real"
    assert disagreements(virtual, real, entry.races) == []


@pytest.mark.slow
@pytest.mark.legacy
@pytest.mark.parametrize(("pair", "entry"), WORK, ids=[f"{p.stem}::{e.label}" for p, e in WORK])
def test_compare_real_time_gives_the_virtual_verdict(transcripts, pair, entry):
    """What `threadport compare --real-time` concludes, entry by entry: no mismatch where the
    virtual run has none (a declared race may turn "equivalent" into "declared")."""
    from threadport.compare import compare

    (legacy_virtual, legacy_real), (modern_virtual, modern_real) = (
        transcripts[pair.stem, entry.label, side] for side in SIDES
    )
    virtual = compare(pair, entry, legacy_virtual, modern_virtual)
    real = compare(pair, entry, legacy_real, modern_real, real_time=True)
    assert virtual.verdict in ("equivalent", "declared"), [d.to_json() for d in virtual.differences]
    assert real.verdict in ("equivalent", "declared"), [d.to_json() for d in real.differences]


def test_disagreements_sees_a_difference_and_accepts_only_declared_outcomes():
    from threadport.catalog import Race
    from threadport.runner import Transcript

    def run(*lines, stderr=(), exit=0):
        return Transcript("3.11.7", list(lines), list(stderr), exit)

    race = Race("stdout", 1, ("a", "b"), "a tie")
    assert disagreements(run("x", "a"), run("x", "b"), (race,)) == []
    assert disagreements(run("x", "a"), run("x", "c"), (race,)) == ["stdout line 1: virtual 'a', real 'c'"]
    assert disagreements(run("x", "a"), run("y", "a"), (race,)) == ["stdout line 0: virtual 'x', real 'y'"]
    assert disagreements(run("x"), run("x", stderr=["boom"]), ()) == ["stderr: virtual [], real ['boom']"]
    assert disagreements(run("x"), run("x", "y"), ()) == ["stdout: 1 lines virtual, 2 real"]


# -- counter += 1, plain threads -------------------------------------------------------

PLAIN = re.compile(r"^run \d: (\d+) threads x (\d+) plain counter \+= 1, lost (\d+)$")
LOSES, MAY = "loses updates", "may or may not lose updates"


def declared_outcome(version: tuple[int, ...], free_threaded: bool = False) -> str:
    if free_threaded or version[:2] <= (3, 9):
        return LOSES
    return MAY


def lost_per_run(python, source) -> list[int]:
    from threadport.runner import run_entry

    transcript = run_entry(python, source, "plain_threads", real_time=True, timeout=120)
    assert (transcript.exit, transcript.stderr) == (0, []), transcript
    runs = [PLAIN.match(line) for line in transcript.stdout]
    assert len(runs) == 3 and all(runs), transcript.stdout
    for run in runs:
        assert 0 <= int(run.group(3)) < int(run.group(1)) * int(run.group(2))
    return [int(run.group(3)) for run in runs]


@pytest.mark.slow
@pytest.mark.legacy
def test_plain_counter_loses_updates_on_python27(legacy_python):
    assert declared_outcome((2, 7)) == LOSES
    lost = lost_per_run(legacy_python, get_pair("rmw_counter").legacy_path)
    # 3 runs x 800,000 increments: measured here, every run loses 200,000 or more.
    assert sum(lost) > 0, lost


MATRIX = [p for p in python3s() if p.version[:2] >= (3, 9)]


@pytest.mark.slow
@pytest.mark.parametrize("python", MATRIX, ids=[p.version_string for p in MATRIX])
def test_plain_counter_per_python3(python):
    lost = lost_per_run(python, get_pair("rmw_counter").modern_path)
    if declared_outcome(python.version, python.free_threaded) == LOSES:
        assert sum(lost) > 0, lost
    else:
        # Declared "may or may not": nothing to assert about the count beyond its range
        # (checked above); the measured figures are printed for the record.
        print(f"{python.version_string}: lost {lost} (declared: {MAY})")
