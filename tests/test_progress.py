"""Progress for long commands: a bar on a terminal, nothing when piped or --quiet."""

from __future__ import annotations

import io
from types import SimpleNamespace

from threadport import progress, runs

PY = SimpleNamespace(path="python-stand-in")  # run_job is replaced: nothing starts


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_run_service_reports_each_finished_run_to_the_observer(monkeypatch):
    monkeypatch.setattr(runs, "run_job", lambda job, environment, real_paths: f"ran {job.entry}")
    seen = []
    jobs = [runs.Job(python=PY, source=None, entry=name) for name in ("a", "b", "a", "c")]
    with runs.observed(lambda done, total: seen.append((done, total))):
        assert runs.run_jobs(jobs, workers=2) == ["ran a", "ran b", "ran a", "ran c"]
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)], "the total first, then each finished run (identical jobs once)"
    runs.run_jobs(jobs[:1], workers=1)
    assert len(seen) == 4, "outside the block nothing is reported"


def test_a_terminal_gets_a_bar_a_pipe_and_quiet_get_nothing(monkeypatch):
    monkeypatch.setattr(runs, "run_job", lambda job, environment, real_paths: job.entry)
    jobs = [runs.Job(python=PY, source=None, entry=str(n)) for n in range(5)]
    for stream, quiet, expect_output in (
        (Terminal(), False, True),
        (io.StringIO(), False, False),
        (Terminal(), True, False),
    ):
        with progress.shown("claims", quiet=quiet, stream=stream):
            runs.run_jobs(jobs, workers=2)
        assert ("claims" in stream.getvalue()) is expect_output, (type(stream).__name__, quiet)


def test_piped_commands_print_no_progress(capsys, tmp_path):
    from threadport.cli import main

    out = tmp_path / "t.json"
    import sys

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
