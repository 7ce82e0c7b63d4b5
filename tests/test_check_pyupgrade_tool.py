"""tools/check_pyupgrade.py, the lint env's pyupgrade gate: it passes only when pyupgrade ran.

The lint env runs it for real over the tree; here, what it says when pyupgrade did not run.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

TOOL = Path(__file__).resolve().parents[1] / "tools" / "check_pyupgrade.py"


def _tool(monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # no tools/__pycache__ left in the tree
    spec = importlib.util.spec_from_file_location("check_pyupgrade", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_pyupgrade_that_did_not_run_fails_the_gate(monkeypatch, capsys):
    tool = _tool(monkeypatch)
    # pyupgrade missing (`python -m pyupgrade`: "No module named pyupgrade", exit 1): no file changes
    monkeypatch.setattr(tool.subprocess, "run", lambda command: subprocess.CompletedProcess(command, 1))
    assert tool.main() == 1
    out = capsys.readouterr().out
    assert "failed (exit status 1); nothing was checked" in out
    assert "unchanged" not in out
