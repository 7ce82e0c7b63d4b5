"""Issue 9 items 13-14: an explicit interpreter choice that does not work is one line, exit 2.

Never a fall back to discovery, never a run on an interpreter the modern twins do not support.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from threadport.cli import main
from threadport.interpreters import find_legacy, resolve


@pytest.fixture(autouse=True)
def fresh_discovery():
    find_legacy.cache_clear()
    yield
    find_legacy.cache_clear()


def one_error_line(capsys, start: str) -> str:
    captured = capsys.readouterr()
    assert captured.err.startswith(start) and captured.err.count("\n") == 1, captured.err
    assert captured.out == ""
    return captured.err


@pytest.mark.parametrize("command", ["compare", "claims"])
@pytest.mark.parametrize("choice", ["python3", "missing"])
def test_a_bad_threadport_legacy_python_stops_the_run(capsys, monkeypatch, tmp_path, legacy_python, command, choice):
    monkeypatch.setenv("PATH", f"{Path(legacy_python).parent}:{Path(sys.executable).parent}")  # 2.7 discoverable
    chosen = sys.executable if choice == "python3" else str(tmp_path / "nope" / "python2.7")
    monkeypatch.setenv("THREADPORT_LEGACY_PYTHON", chosen)
    argv = [command, "--python", sys.executable] + (["threading_notes"] if command == "compare" else [])
    assert main(argv) == 2
    reason = "is Python 3" if choice == "python3" else "no such file or command"
    assert reason in one_error_line(capsys, f"threadport {command}: error: THREADPORT_LEGACY_PYTHON={chosen}")


@pytest.mark.parametrize("spec", ["python3", "missing"])
def test_a_bad_legacy_python_option_stops_the_run(capsys, tmp_path, spec):
    chosen = sys.executable if spec == "python3" else str(tmp_path / "python2.7")
    assert main(["compare", "--legacy-python", chosen, "threading_notes"]) == 2
    one_error_line(capsys, f"threadport compare: error: --legacy-python {chosen}")


@pytest.mark.parametrize("minor", [6, 8])
@pytest.mark.parametrize("command", ["compare", "claims"])
def test_python_older_than_3_9_is_refused_for_the_modern_side(capsys, python3, legacy_python, minor, command):
    old = python3(minor)
    argv = [command, "--python", old.path, "--legacy-python", legacy_python]
    assert main(argv + (["threading_notes"] if command == "compare" else [])) == 2
    err = one_error_line(capsys, f"threadport {command}: error: --python {old.path} is Python 3.{minor}.")
    assert err.endswith("the modern side needs Python 3.9+\n")


def test_python_2_7_is_refused_for_the_modern_side_by_version(capsys, legacy_python, monkeypatch):
    monkeypatch.setenv("THREADPORT_LEGACY_PYTHON", legacy_python)
    assert main(["compare", "--python", "2.7", "threading_notes"]) == 2
    assert one_error_line(capsys, "threadport compare: error: --python 2.7 is Python 2.7.").endswith(
        "the modern side needs Python 3.9+\n"
    )


def test_a_relative_interpreter_path_is_made_absolute(monkeypatch):
    """Runs start in a scratch folder, where `--python .venv/bin/python` would name nothing."""
    here = Path(sys.executable).parent
    monkeypatch.chdir(here.parent)
    relative = os.path.join(here.name, Path(sys.executable).name)
    found = resolve(relative)
    assert os.path.isabs(found.path) and os.path.samefile(found.path, sys.executable)
