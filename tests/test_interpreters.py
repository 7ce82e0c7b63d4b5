"""Discovery verifies every candidate by running it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from threadport.interpreters import InterpreterNotFound, find_legacy, probe, python3s, resolve


@pytest.fixture(autouse=True)
def fresh_caches():
    find_legacy.cache_clear()
    yield
    find_legacy.cache_clear()


def test_probe_reads_the_version_of_a_working_interpreter():
    assert probe(sys.executable).version == tuple(sys.version_info[:3])


def test_probe_rejects_a_command_that_fails(tmp_path):
    shim = tmp_path / "python2.7"
    shim.write_text("#!/bin/sh\necho 'pyenv: python2.7: command not found' >&2\nexit 127\n")
    shim.chmod(0o755)
    assert probe(str(shim)) is None


def test_a_broken_env_var_is_named_in_the_error(monkeypatch, tmp_path):
    monkeypatch.setenv("THREADPORT_LEGACY_PYTHON", str(tmp_path / "nope"))
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path))
    with pytest.raises(InterpreterNotFound, match="THREADPORT_LEGACY_PYTHON=.*nope: no such file or command"):
        find_legacy()


@pytest.mark.parametrize("choice", ["python3", "missing"])
def test_a_bad_env_var_is_an_error_even_when_discovery_would_find_a_2_7(monkeypatch, tmp_path, legacy_python, choice):
    """Issue 9 item 13: an explicit choice that does not work never falls back to discovery."""
    monkeypatch.setenv("PATH", str(Path(legacy_python).parent))  # discovery alone would find the 2.7
    chosen = sys.executable if choice == "python3" else str(tmp_path / "python2.7")
    monkeypatch.setenv("THREADPORT_LEGACY_PYTHON", chosen)
    reason = "is Python 3.*not 2.7" if choice == "python3" else "no such file or command"
    with pytest.raises(InterpreterNotFound, match=f"THREADPORT_LEGACY_PYTHON={re.escape(chosen)}.*{reason}"):
        find_legacy()
    monkeypatch.setenv("THREADPORT_LEGACY_PYTHON", legacy_python)
    find_legacy.cache_clear()
    assert find_legacy().version[:2] == (2, 7)


def test_nothing_found_says_how_to_get_python2(monkeypatch, tmp_path):
    monkeypatch.delenv("THREADPORT_LEGACY_PYTHON", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path))
    with pytest.raises(InterpreterNotFound, match="pyenv install 2.7.18"):
        find_legacy()


def test_pyenv_versions_folder_is_searched(monkeypatch, tmp_path, legacy_python):
    versions = tmp_path / "versions" / "2.7.18" / "bin"
    versions.mkdir(parents=True)
    # Link the real binary, not a pyenv shim (a shim needs pyenv on PATH).
    real = subprocess.run([legacy_python, "-c", "import sys; print(sys.executable)"], capture_output=True, text=True)
    (versions / "python").symlink_to(real.stdout.strip())
    monkeypatch.delenv("THREADPORT_LEGACY_PYTHON", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path))
    found = find_legacy()
    assert found.path == str(versions / "python") and found.version[:2] == (2, 7)


def test_python3s_has_one_per_minor_version_including_this_one():
    found = python3s()
    minors = [i.version[:2] for i in found]
    assert minors == sorted(set(minors))
    assert all(m >= (3, 6) for m in minors)
    assert tuple(sys.version_info[:2]) in minors


def test_resolve_by_version_and_by_bad_name():
    assert resolve(sys.executable).version == tuple(sys.version_info[:3])
    with pytest.raises(InterpreterNotFound, match="no Python 3.99 found"):
        resolve("3.99")
    with pytest.raises(InterpreterNotFound, match="does not run"):
        resolve("/nonexistent/python")
