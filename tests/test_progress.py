"""Progress for long commands: a bar on a terminal, nothing when piped or --quiet."""

from __future__ import annotations

import io
import subprocess
import sys
import threading
from types import SimpleNamespace

import pytest

from threadport import progress, runs

PY = SimpleNamespace(path="python-stand-in")  # run_job is replaced: nothing starts


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def _threads_ended():
    """Every thread a test started has ended before the next test. A bar's stop does not wait
    for rich's refresh thread, nor a cancelled timer for its own: left running, one made
    tests/fixer/test_forked.py, run next in the same process, find another thread and skip
    (forked.can_fork): 1 to 7 of its 7 tests in 9 of 10 runs."""
    before = set(threading.enumerate())
    yield
    for thread in set(threading.enumerate()) - before:
        thread.join(timeout=30)  # both end at once once told to stop; 30 s: a hang, not a race
        assert not thread.is_alive(), f"thread {thread.name} still running after the test"


def test_the_run_service_reports_each_finished_run_to_the_observer(monkeypatch):
    monkeypatch.setattr(runs, "run_job", lambda job, environment, real_paths, cpu: f"ran {job.entry}")
    seen = []
    jobs = [runs.Job(python=PY, source=None, entry=name) for name in ("a", "b", "a", "c")]
    with runs.observed(lambda done, total: seen.append((done, total))):
        assert runs.run_jobs(jobs, workers=2) == ["ran a", "ran b", "ran a", "ran c"]
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)], "the total first, then each finished run (identical jobs once)"
    runs.run_jobs(jobs[:1], workers=1)
    assert len(seen) == 4, "outside the block nothing is reported"


class Timer:
    """threading.Timer's stand-in: fires when the test says (at start, with fire_at_start)."""

    made: list[Timer] = []
    fire_at_start = False

    def __init__(self, interval, function):
        self.interval, self.function, self.cancelled = interval, function, False
        Timer.made.append(self)

    def start(self):
        if Timer.fire_at_start:
            self.fire()

    def fire(self):
        if not self.cancelled:
            self.function()

    def cancel(self):
        self.cancelled = True


def test_a_terminal_gets_a_bar_a_pipe_and_quiet_get_nothing(monkeypatch):
    monkeypatch.setattr(runs, "run_job", lambda job, environment, real_paths, cpu: job.entry)
    monkeypatch.setattr(progress, "_Timer", Timer)
    monkeypatch.setattr(Timer, "fire_at_start", True)  # as if the block ran long
    jobs = [runs.Job(python=PY, source=None, entry=str(n)) for n in range(5)]
    for stream, quiet, expect_output in (
        (Terminal(), False, True),
        (io.StringIO(), False, False),
        (Terminal(), True, False),
    ):
        with progress.shown("claims", quiet=quiet, stream=stream):
            runs.run_jobs(jobs, workers=2)
        assert ("claims" in stream.getvalue()) is expect_output, (type(stream).__name__, quiet)
        assert ("5/5" in stream.getvalue()) is expect_output, "the bar's last frame counts every run"


def test_the_bar_waits_half_a_second_and_counts_the_runs_finished_before_it(monkeypatch):
    monkeypatch.setattr(runs, "run_job", lambda job, environment, real_paths, cpu: job.entry)
    monkeypatch.setattr(progress, "_Timer", Timer)
    Timer.made.clear()
    stream = Terminal()
    with progress.shown("compare", stream=stream):
        runs.run_jobs([runs.Job(python=PY, source=None, entry=str(n)) for n in range(3)], workers=2)
        assert stream.getvalue() == "", "no bar before the timer fires"
        (timer,) = Timer.made
        assert timer.interval == progress.SHOW_AFTER == 0.5
        timer.fire()
        assert "3/3" in stream.getvalue(), "drawn at once, with the runs already finished"
    assert timer.cancelled


def test_a_block_that_ends_first_shows_no_bar_and_imports_no_rich(tmp_path):
    # A process of its own: this one may have imported rich for another test.
    script = (
        "import io, sys\n"
        "from threadport import progress\n"
        "class Terminal(io.StringIO):\n"
        "    def isatty(self):\n"
        "        return True\n"
        "stream = Terminal()\n"
        "with progress.shown('compare', stream=stream, after=60):\n"
        "    pass\n"
        "print(repr(stream.getvalue()), 'rich' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["''", "False"]


def test_a_timer_that_fires_after_the_block_draws_nothing(monkeypatch):
    monkeypatch.setattr(progress, "_Timer", Timer)
    Timer.made.clear()
    stream = Terminal()
    with progress.shown("compare", stream=stream):
        pass
    (timer,) = Timer.made
    timer.function()  # the real Timer's thread may be past its cancel check already
    assert stream.getvalue() == ""


def test_piped_commands_print_no_progress(capsys, tmp_path):
    from threadport.cli import main

    out = tmp_path / "t.json"

    assert main(["timeline", "threading_notes", "--python", sys.executable, "--output", str(out)]) == 0
    _, err = capsys.readouterr()
    assert "timeline" not in err and "\x1b[" not in err


def test_the_html_build_spins_on_a_terminal_only():
    for stream, quiet, expect_output in (
        (Terminal(), False, True),
        (io.StringIO(), False, False),
        (Terminal(), True, False),
    ):
        with progress.status("building the tour", quiet=quiet, stream=stream):
            pass
        assert (stream.getvalue() != "") is expect_output, (type(stream).__name__, quiet)
