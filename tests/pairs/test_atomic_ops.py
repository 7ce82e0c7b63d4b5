"""The atomic-operations demo has power: under forced thread switches every control row
goes wrong in every round and no atomic operation ever does, on Python 2.7 and on each
Python 3 of the matrix found, under the virtual clock and in real time.

The harness hands the turn from one thread to the other before every bytecode of the
operation (a trace function), so the interleaving is the same in every run: the counts
are exact, not likely."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from legacy_runs import LEGACY_TWIN_ON_27

from threadport.catalog import get_pair
from threadport.interpreters import python3s
from threadport.runner import run_entry

PAIR = get_pair("atomic_ops")
MATRIX = [p for p in python3s() if p.version[:2] >= (3, 9)]
ROW = re.compile(
    r"^  (?P<label>.+): switched inside it in (?P<switched>\d+) of (?P<rounds>\d+) rounds,"
    r" (?P<what>.+) in (?P<wrong>\d+)$"
)
CLAIMS = 6  # the seed's list of thread-safe operations
ROUNDS = "2"  # counted rounds per row (the twins' ROUNDS), each one the same interleaving


def rows(stdout: list[str]) -> list[dict]:
    found = [ROW.match(line) for line in stdout]
    return [m.groupdict() for m in found if m]


def assert_controls_fail_and_atomics_hold(stdout: list[str]) -> None:
    table = rows(stdout)
    controls = [row for row in table if row["label"].startswith("control: ")]
    atomics = [row for row in table if not row["label"].startswith("control: ")]
    assert len(atomics) == 7 and len(controls) == 9, stdout  # dict in place: adding and clear()
    for row in table:
        assert row["rounds"] == ROUNDS and row["switched"] == ROUNDS, row  # the harness switched in every round
    for row in controls:
        assert row["wrong"] == ROUNDS, row
    for row in atomics:
        assert row["wrong"] == "0", row
    # Every claim of the seed's list has its heading, an atomic row and a control row after it.
    headings = [line for line in stdout if line and not line.startswith(" ")][2:]
    assert len(headings) == CLAIMS


@pytest.mark.legacy
@LEGACY_TWIN_ON_27
@pytest.mark.parametrize("real_time", [False, True], ids=["virtual", "real"])
def test_legacy_demo_on_python27(legacy_python, real_time):
    transcript = run_entry(legacy_python, PAIR.legacy_path, "demo", real_time=real_time)
    assert (transcript.exit, transcript.stderr, transcript.exception) == (0, [], None)
    assert_controls_fail_and_atomics_hold(transcript.stdout)


@pytest.mark.parametrize("python", MATRIX, ids=[p.version_string for p in MATRIX])
def test_modern_demo_on_each_python3(python):
    transcript = run_entry(python.path, PAIR.modern_path, "demo")
    assert (transcript.exit, transcript.stderr, transcript.exception) == (0, [], None)
    assert_controls_fail_and_atomics_hold(transcript.stdout)


def test_modern_demo_in_real_time():
    transcript = run_entry(sys.executable, PAIR.modern_path, "demo", real_time=True)
    assert (transcript.exit, transcript.stderr) == (0, [])
    assert_controls_fail_and_atomics_hold(transcript.stdout)


# Runs a twin's `total += 1` row under the clock, counting the locks that the two racing
# threads make: the clock's Lock class is patched from inside the run (the snippet runs
# in the common subset of Python 2.7 and 3).
LOCKS_MADE_IN_A_RACE = """
import threading


def main(path):
    made = []
    lock_class = threading.Lock  # the clock's lock, also each Condition wait's waiter lock
    plain_init = lock_class.__init__

    def counting_init(self):
        if threading.current_thread().name != "MainThread":
            made.append(threading.current_thread().name)
        plain_init(self)

    lock_class.__init__ = counting_init
    twin = {"__name__": "twin"}
    with open(path) as handle:
        exec(compile(handle.read(), path, "exec"), twin)
    print(twin["rounds"](twin["global_sum_round"]))
    print(len(made))
"""


SIDES = [pytest.param("legacy", marks=[pytest.mark.legacy, LEGACY_TWIN_ON_27]), "modern"]


def run_with_twin(side: str, request, probe: Path) -> list[str]:
    """Run probe's main(twin's path) on the twin's interpreter, under the clock: its stdout."""
    python = request.getfixturevalue("legacy_python") if side == "legacy" else sys.executable
    twin = PAIR.legacy_path if side == "legacy" else PAIR.modern_path
    transcript = run_entry(python, probe, "main", [str(twin)])
    assert (transcript.exit, transcript.stderr) == (0, []), transcript
    return transcript.stdout


@pytest.mark.parametrize("side", SIDES)
def test_a_hand_over_makes_no_lock(side, request, snippet):
    # The harness hands the turn over with a lock per thread: one release and one acquire,
    # however many bytecodes the operation has. (A Condition's notify and wait, the harness
    # before, made a waiter lock per wait, in some 20 Python calls: the demo's own CPU.)
    rounds, locks_made = run_with_twin(side, request, snippet(LOCKS_MADE_IN_A_RACE))
    assert re.fullmatch(r"\[\([1-9]\d*, True\), \([1-9]\d*, True\)\]", rounds), rounds  # it switched, it lost
    assert locks_made == "0"


# Runs a race row (`total += 1`) and an interrupt row (`pair = (r, -r)`, read whole) of a twin
# under the clock, counting the threads each starts and which turn (0 or 1) the calling thread
# and the others take (the snippet runs in the common subset).
THREADS_STARTED_PER_ROW = """
import threading


def main(path):
    started, roles = [], set()
    plain_start = threading.Thread.start

    def counting_start(self):
        started.append(threading.current_thread().name)
        plain_start(self)

    threading.Thread.start = counting_start
    twin = {"__name__": "twin"}
    with open(path) as handle:
        exec(compile(handle.read(), path, "exec"), twin)
    plain_turn = twin["Turns"].start

    def noting_turn(turns, me):
        roles.add((me, threading.current_thread().name == "MainThread"))
        plain_turn(turns, me)

    twin["Turns"].start = noting_turn
    for row in ((twin["global_sum_round"],), (twin["global_round"], twin["replace_global"], twin["read_global"])):
        del started[:]
        roles.clear()
        print(twin["rounds"](*row))
        print(started)
        print(sorted(roles))
"""


@pytest.mark.parametrize("side", SIDES)
def test_a_round_starts_one_thread_and_races_it_from_the_caller(side, request, snippet):
    # Two threads race in a round: one the calling thread starts, which takes the first turn
    # (thread 0), and the calling thread itself (thread 1). Starting both (the harness before)
    # made a thread, a start and a join more per round than the race needs: ~20% of the demo's
    # instructions. The caller takes the second turn: it finds its turn given by the time it
    # asks, and the thread it joins finished, where as thread 0 it waited at both (~50 waits
    # more in the demo's 3.11 run, of ~690).
    output = run_with_twin(side, request, snippet(THREADS_STARTED_PER_ROW))
    race, race_starts, race_roles, interrupt, interrupt_starts, interrupt_roles = output
    assert re.fullmatch(r"\[\([1-9]\d*, True\), \([1-9]\d*, True\)\]", race), race  # it switched, it lost
    assert re.fullmatch(r"\[\([1-9]\d*, False\), \([1-9]\d*, False\)\]", interrupt), interrupt  # never torn
    assert race_starts == interrupt_starts == "['MainThread', 'MainThread']"  # one per counted round
    # (turn, in the calling thread): the warm-up round's thread 0 alone, then a started thread 0
    assert race_roles == interrupt_roles == "[(0, False), (0, True), (1, True)]"


def test_the_table_reader_sees_a_surviving_control():
    # The assertion itself can fail: a control that went wrong in only 1 of 2 rounds is caught.
    good = ["h1", "h2"] + [f"claim {n}" for n in range(CLAIMS)]
    good += [f"  op {n}: switched inside it in 2 of 2 rounds, a lost item in 0" for n in range(7)]
    good += [f"  control: op {n}: switched inside it in 2 of 2 rounds, a lost item in 2" for n in range(9)]
    assert_controls_fail_and_atomics_hold(good)
    for broken in (
        [line.replace("in 2 of 2 rounds, a lost item in 2", "in 2 of 2 rounds, a lost item in 1") for line in good],
        [line.replace("switched inside it in 2", "switched inside it in 0") for line in good],
        [line.replace("a lost item in 0", "a lost item in 1") for line in good],
    ):
        with pytest.raises(AssertionError):
            assert_controls_fail_and_atomics_hold(broken)
