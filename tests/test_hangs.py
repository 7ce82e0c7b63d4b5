"""Issue 9 items 9-11: hangs, leftover processes and how a run ended, on both interpreters.

Every snippet here runs on Python 2.7 and on the Python 3 under test. Waits are
bounded polls of /proc for a process to be gone (no sleep "to give it time"),
and timeouts are short: the runs that must not wait out their timeout get a
long one, so waiting it out would show.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from threadport.catalog import Declared, Entry
from threadport.commands.compare import clock_label
from threadport.compare import compare
from threadport.runner import run_entry

# seconds: the timeout of runs that busy-loop on purpose (each burns a core until then, in
# every env of the matrix: 0.05 s rather than 0.2 s or 0.5 s, three runs an env; a busy loop
# times out whatever the limit, and one killed still starting, forked or in its interpreter's
# start, shows what one killed in its loop shows: no output, no result), and only of those:
# a run that must end by itself, or a deadlock (the virtual clock reports it at once), gets
# LONG, so that a start-up slowed by a busy machine cannot pass for a hang
SHORT = 0.05
LONG = 60.0  # the timeout of runs that must end long before it

BUSY = """
def main():
    while True:
        pass
"""
DEADLOCK = """
import threading
def main():
    lock = threading.Lock()
    lock.acquire()
    lock.acquire()
"""
# A grandchild that inherits stdout and outlives the entry point, which returns at once.
HOLDS_STDOUT = """
import subprocess, sys
def main(pid_file):
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    open(pid_file, "w").write(str(child.pid))
    print("returned")
"""
# A grandchild in a session of its own, output elsewhere: the process group kill misses it.
SETSID = """
import os, subprocess, sys
def main(pid_file):
    devnull = open(os.devnull, "w")
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"],
                             stdout=devnull, stderr=devnull, preexec_fn=os.setsid)
    open(pid_file, "w").write(str(child.pid))
"""


def gone(pid: int, within: float = 10.0) -> bool:
    """True once ``pid`` is no longer a live process (a zombie awaiting its reaper counts as gone)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                if handle.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return True
        except OSError:
            return True
        time.sleep(0.02)  # polling a condition with a deadline, not waiting for luck
    return False


@pytest.fixture
def both(legacy_python):
    return [legacy_python, sys.executable]


def run_both(both, snippet, source, *args, timeout, real_time=False):
    path = snippet(source)
    return [run_entry(python, path, "main", list(args), timeout=timeout, real_time=real_time) for python in both]


@pytest.mark.parametrize("kind", ["busy loop", "deadlock"])
def test_a_hang_on_both_sides_is_a_mismatch_unless_declared(both, snippet, kind):
    busy = kind == "busy loop"
    legacy, modern = run_both(both, snippet, BUSY if busy else DEADLOCK, timeout=SHORT if busy else LONG)
    assert legacy.timed_out and modern.timed_out
    assert (legacy.deadlock, modern.deadlock) == ((kind == "deadlock"),) * 2
    result = compare("p", Entry("main", "main"), legacy, modern)
    assert result.verdict == "mismatch"
    assert [(d.field, d.declared) for d in result.differences] == [("timed_out", False)]
    assert "a failure unless the catalogue declares it" in result.differences[0].why
    declared = Entry("main", "main", declared=(Declared("timed_out", True, True, "it hangs on purpose"),))
    assert compare("p", declared, legacy, modern).verdict == "declared"


def test_a_hang_on_one_side_is_a_mismatch(both, snippet):
    hangs = run_both(both[:1], snippet, BUSY, timeout=SHORT)[0]
    fine = run_entry(both[1], snippet("def main():\n    pass\n", "fine.py"), "main", timeout=LONG)
    assert compare("p", Entry("main", "main"), hangs, fine).verdict == "mismatch"


def test_a_grandchild_holding_stdout_keeps_the_exit_status_and_is_reported(both, snippet, tmp_path):
    for python in both:
        pid_file = tmp_path / f"grandchild-{Path(python).name}.pid"
        t = run_entry(python, snippet(HOLDS_STDOUT), "main", [str(pid_file)], timeout=LONG, real_time=True)
        assert t.seconds < LONG / 2, "the run waited out its timeout"
        assert (t.exit, t.timed_out, t.stdout) == (0, False, ["returned"])
        assert "a leftover process held the output open" in t.leftover[0]
        assert t.leftover[1].endswith(": killed")
        assert gone(int(pid_file.read_text()))


def test_a_grandchild_that_left_the_session_is_found_and_killed(both, snippet, tmp_path):
    transcripts = []
    for python in both:
        pid_file = tmp_path / f"setsid-{Path(python).name}.pid"
        t = run_entry(python, snippet(SETSID), "main", [str(pid_file)], timeout=LONG, real_time=True)
        pid = int(pid_file.read_text())
        assert (t.exit, t.timed_out) == (0, False)
        assert len(t.leftover) == 1
        assert t.leftover[0].startswith(f"pid {pid} (") and "left the run's session (setsid): killed" in t.leftover[0]
        assert gone(pid)
        transcripts.append(t)
    result = compare("p", Entry("main", "main"), *transcripts)  # a leftover process fails, on both sides too
    assert result.verdict == "mismatch" and {d.field for d in result.differences} == {"leftover"}


@pytest.mark.parametrize(
    "body, ended",
    [
        ("import os\ndef main():\n    os._exit(0)\n", "exit status 0 without a report (os._exit"),
        ("import os, signal\ndef main():\n    os.kill(os.getpid(), signal.SIGKILL)\n", "killed by SIGKILL"),
    ],
)
def test_a_run_that_skipped_its_report_is_labelled_by_its_clock(any_python, snippet, body, ended):
    t = run_entry(any_python, snippet(body), "main", timeout=LONG)
    assert t.clock == "virtual" and t.virtual_seconds is None and t.ended.startswith(ended)
    label = clock_label(t)
    assert "real time" not in label
    assert label.startswith("virtual clock") and ended in label


def test_plain_runs_leave_nothing_and_say_nothing_extra(any_python, snippet):
    t = run_entry(any_python, snippet("def main():\n    pass\n"), "main")
    assert (t.ended, t.leftover, clock_label(t)) == ("exit status 0", [], "0 s virtual")
    real = run_entry(any_python, snippet("def main():\n    pass\n", "real.py"), "main", real_time=True)
    assert clock_label(real) == "real time"


def test_a_leftover_that_survives_the_kill_is_reported_as_escaped(monkeypatch, snippet, tmp_path):
    """When SIGKILL cannot end a process (another user's, say), the transcript says so."""
    import os

    from threadport import processes

    monkeypatch.setattr(processes.os, "kill", lambda pid, sig: None)  # as if the kill were refused
    monkeypatch.setattr(processes, "KILL_GRACE", 0.2)
    pid_file = tmp_path / "escapee.pid"
    t = run_entry(sys.executable, snippet(SETSID), "main", [str(pid_file)], timeout=LONG, real_time=True)
    pid = int(pid_file.read_text())
    try:
        [line] = t.leftover
        assert line.startswith(f"pid {pid} (")
        assert line.endswith("had left the run's session (setsid): ESCAPED, still running after SIGKILL")
    finally:
        monkeypatch.undo()
        os.kill(pid, 9)
    assert gone(pid)


def test_claims_and_timeline_fail_a_run_that_left_a_process_behind(tmp_path):
    """The same rule in the other two users of the run service: a clean-looking run with a leftover fails."""
    from threadport.catalog import Claim
    from threadport.claims import judge
    from threadport.runner import Transcript
    from threadport.timeline import FAILS, classify

    left = ["pid 7 (python) had left the run's session (setsid): killed"]
    run = Transcript("3.12.1", ["shown"], [], 0, leftover=left)
    check = judge(Claim("q", "main", ("shown",)), run)
    assert not check.passed and check.reason == f"left a process behind: {left[0]}"
    cell = classify(run, tmp_path / "converted.py", None)
    assert (cell.status, cell.detail) == (FAILS, f"left a process behind: {left[0]}")


def test_the_text_report_lists_each_leftover_process(both, snippet, tmp_path):
    from threadport.commands.compare import render

    pid_file = tmp_path / "setsid.pid"
    legacy, modern = run_both(both, snippet, SETSID, str(pid_file), timeout=LONG, real_time=True)
    text = render(compare("p", Entry("main", "main"), legacy, modern))
    assert "[MISMATCH]" in text.splitlines()[0]
    leftover_lines = [line.strip() for line in text.splitlines() if "LEFTOVER:" in line]
    assert leftover_lines == [f"LEFTOVER: {legacy.leftover[0]}", f"LEFTOVER: {modern.leftover[0]}"]
    assert "left the run's session (setsid): killed" in leftover_lines[1]
