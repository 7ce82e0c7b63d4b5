"""A new user's run: check and fix a small Python 2.7 project, whose own tests still pass on 2.7."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from threadport.cli import main

PROJECT = Path(__file__).parents[1] / "fixtures" / "py2workers"


def run_own_tests(python: str, folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [python, "-m", "unittest", "test_workers"], cwd=folder, capture_output=True, text=True, timeout=60
    )


def test_check_fix_keep_the_project_passing_on_python27(legacy_python, tmp_path, capsys):
    project = tmp_path / "py2workers"
    shutil.copytree(PROJECT, project)
    before = run_own_tests(legacy_python, project)
    assert before.returncode == 0, before.stderr

    assert main(["check", str(project)]) == 1
    summary = capsys.readouterr().out.splitlines()[-1]
    assert summary == "Found 13 findings in 1 of 2 files: 12 certain (12 fixable with `threadport fix`), 1 possible."

    assert main(["fix", str(project)]) == 1
    assert capsys.readouterr().out == (
        f"Rewrote {project / 'workers.py'} (TP001 x2, TP002, TP003, TP004, TP006 x2, TP007, TP008, TP009, TP010 x2)\n"
    )
    text = (project / "workers.py").read_text()
    assert "with self._lock:" in text and "self.daemon = True" in text and 'w.name = "worker-%d" % i' in text
    assert "print pool.counter.value" in text  # still Python 2

    after = run_own_tests(legacy_python, project)
    assert after.returncode == 0, after.stderr

    assert main(["fix", str(project)]) == 0  # idempotent
    assert main(["check", str(project)]) == 1  # the possible finding stays for a human
    assert "1 possible" in capsys.readouterr().out
