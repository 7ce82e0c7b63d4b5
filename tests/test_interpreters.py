"""Discovery verifies every candidate by running it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from threadport import cache as disk_cache
from threadport import interpreters
from threadport.interpreters import Interpreter, InterpreterNotFound, find_legacy, probe, python3s, resolve


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


@pytest.fixture
def probe_cache(tmp_path, monkeypatch):
    """A fresh disk cache and a counted stand-in for running an interpreter."""
    monkeypatch.setenv("THREADPORT_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv(disk_cache.NO_CACHE_ENV, raising=False)
    runs: list[str] = []

    def run(path: str) -> Interpreter:
        runs.append(path)
        return Interpreter(path, (3, 12, 1))

    monkeypatch.setattr(interpreters, "_run_probe", run)
    probe.cache_clear()
    yield runs
    probe.cache_clear()


def compiled(tmp_path, name="python3.12", content=b"\x7fELF stands in for a compiled interpreter") -> str:
    path = tmp_path / name
    path.write_bytes(content)
    path.chmod(0o755)
    return str(path)


def probe_again(path: str):
    probe.cache_clear()  # a new threadport process: only the disk cache remains
    return probe(path)


def test_a_probe_answer_is_reused_until_the_interpreter_file_changes(tmp_path, probe_cache):
    exe = compiled(tmp_path)
    assert probe_again(exe).version == (3, 12, 1) and probe_cache == [exe]
    assert probe_again(exe) == Interpreter(exe, (3, 12, 1)) and probe_cache == [exe]  # from the disk cache
    mtime = os.stat(exe).st_mtime_ns
    os.utime(exe, ns=(mtime, mtime + 1_000_000_000))  # reinstalled in place: new mtime
    assert probe_again(exe).version == (3, 12, 1) and len(probe_cache) == 2
    assert probe_again(exe) is not None and len(probe_cache) == 2
    Path(exe).write_bytes(b"\x7fELF a longer build of the same name")
    os.utime(exe, ns=(mtime, mtime + 1_000_000_000))  # same mtime, another size: probed again
    assert probe_again(exe) is not None and len(probe_cache) == 3


def test_the_cache_keys_the_real_file_and_answers_for_the_name_asked(tmp_path, probe_cache):
    exe = compiled(tmp_path)
    link = tmp_path / "python3"
    link.symlink_to(exe)
    assert probe_again(exe) is not None
    assert probe_again(str(link)) == Interpreter(str(link), (3, 12, 1)) and probe_cache == [exe]


def test_an_interpreter_that_is_gone_leaves_the_probe_cache(tmp_path, probe_cache):
    gone = compiled(tmp_path, "python3.11")
    kept = compiled(tmp_path, "python3.12")
    probe_again(gone)
    probe_again(kept)
    os.unlink(gone)  # a test's venv, an uninstalled version
    probe_again(compiled(tmp_path, "python3.13"))  # the next answer stored
    stored = disk_cache.load(interpreters.PROBE_CACHE, interpreters.PROBE)
    assert sorted(Path(where).name for where in stored) == ["python3.12", "python3.13"]


def test_scripts_are_probed_every_time(tmp_path, probe_cache):
    """A wrapper (or a pyenv shim) may run another Python next time: never cached."""
    script = compiled(tmp_path, content=b'#!/bin/sh\nexec python3 "$@"\n')
    probe_again(script)
    probe_again(script)
    assert probe_cache == [script, script]


def test_an_unusable_cache_is_no_cache(tmp_path, probe_cache, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("THREADPORT_CACHE", str(blocker))  # threadport/ cannot be made under a file
    exe = compiled(tmp_path)
    assert probe_again(exe).version == (3, 12, 1)
    assert probe_again(exe).version == (3, 12, 1) and len(probe_cache) == 2
    monkeypatch.setenv("THREADPORT_CACHE", str(tmp_path / "cache"))
    (tmp_path / "cache" / "threadport").mkdir(parents=True)
    (tmp_path / "cache" / "threadport" / f"{interpreters.PROBE_CACHE}.json").write_text("{not json")
    assert probe_again(exe).version == (3, 12, 1) and len(probe_cache) == 3
    monkeypatch.setenv(disk_cache.NO_CACHE_ENV, "1")
    probe_again(exe)
    probe_again(exe)
    assert len(probe_cache) == 5


def test_path_is_resolved_past_the_shims_only_once_a_shim_is_met(tmp_path, monkeypatch):
    # Resolving every folder of PATH (_past_shims) is for a shim only; without one on PATH
    # (tools/with-pythons puts the versions' own bin/ first) discovery never needs it.
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    compiled(bin_folder, "python2.7")
    monkeypatch.setenv("PATH", str(bin_folder))
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "no-pyenv"))
    resolved = []
    monkeypatch.setattr(interpreters, "_past_shims", lambda: resolved.append(True) or str(bin_folder))
    assert interpreters.legacy_candidates() == [str(bin_folder / "python2.7")] and resolved == []
    shims = tmp_path / "no-pyenv" / "shims"
    shims.mkdir(parents=True)
    compiled(shims, "python2")
    monkeypatch.setenv("PATH", f"{shims}{os.pathsep}{bin_folder}")
    interpreters.legacy_candidates()
    assert resolved == [True]  # once, for the shim


def test_a_pyenv_shim_is_never_run_its_versions_are_probed_instead(tmp_path, monkeypatch):
    """A shim costs a pyenv start per probe; it can only run one of pyenv's versions."""
    monkeypatch.setenv("THREADPORT_CACHE", str(tmp_path / "cache"))
    major, minor, micro = sys.version_info[:3]
    ran = tmp_path / "the shim ran"
    shims = tmp_path / "pyenv" / "shims"
    shims.mkdir(parents=True)
    shim = shims / f"python{major}.{minor}"
    shim.write_text(f"#!/bin/sh\n: > '{ran}'\nexit 127\n")
    shim.chmod(0o755)
    version_bin = tmp_path / "pyenv" / "versions" / f"{major}.{minor}.{micro}" / "bin"
    version_bin.mkdir(parents=True)
    (version_bin / "python").symlink_to(os.path.realpath(sys.executable))
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "pyenv"))
    monkeypatch.setenv("PATH", str(shims))
    probe.cache_clear()
    found = {i.version[:2]: i for i in python3s()}
    probe.cache_clear()
    assert found[(major, minor)].path == str(version_bin / "python")
    assert not ran.exists()


def test_which_finds_what_shutil_which_finds(tmp_path, monkeypatch):
    # interpreters.which is shutil.which without importing shutil (compare's start-up):
    # the first runnable file of that name on PATH, folders met twice looked at once, a
    # name with a folder taken as it is, no PATH: the system's default path.
    import shutil

    for folder, mode in (("first", 0o644), ("second", 0o755), ("third", 0o755), ("dir", 0o755)):
        (tmp_path / folder).mkdir()
        if folder == "dir":
            (tmp_path / folder / "tool").mkdir()  # a folder of that name: not runnable
        else:
            (tmp_path / folder / "tool").write_text("#!/bin/sh\n")
            (tmp_path / folder / "tool").chmod(mode)
    folders = [str(tmp_path / name) for name in ("first", "dir", "missing", "", "second", "third")]
    monkeypatch.chdir(tmp_path / "first")  # the empty entry is the working folder
    for path in (os.pathsep.join(folders), os.pathsep.join(folders[:3]), ""):
        for name in ("tool", "absent", str(tmp_path / "third" / "tool"), str(tmp_path / "first" / "tool"), "./tool"):
            assert interpreters.which(name, path=path) == shutil.which(name, path=path), (name, path)
    assert interpreters.which("tool", path=os.pathsep.join(folders)) == str(tmp_path / "second" / "tool")
    monkeypatch.setenv("PATH", os.pathsep.join(folders))
    assert interpreters.which("tool") == shutil.which("tool") == str(tmp_path / "second" / "tool")
    monkeypatch.delenv("PATH")
    assert interpreters.which("sh") == shutil.which("sh") is not None


def test_pyenv_and_uv_installs_are_listed_in_their_order(tmp_path, monkeypatch):
    # pyenv's versions by version number (3.9 before 3.10), the first of python, python3 and
    # python2 each has; uv's by name; a folder without the executable, or a file, is no install.
    for version, name in (("3.10.13", "python"), ("3.9.18", "python3"), ("3.9.2", "python2"), ("3.11.7", None)):
        folder = tmp_path / "pyenv" / "versions" / version / "bin"
        folder.mkdir(parents=True)
        if name:
            compiled(folder, name)
    (tmp_path / "pyenv" / "versions" / "3.12.0").write_text("")
    for name in ("cpython-3.9.1-linux", "cpython-3.12.1-linux", "pypy-3.10", "cpython-3.13.0-linux"):
        (tmp_path / "uv" / name / "bin").mkdir(parents=True)
        if name != "cpython-3.13.0-linux":
            compiled(tmp_path / "uv" / name / "bin", "python3")
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "pyenv"))
    monkeypatch.setenv("UV_PYTHON_INSTALL_DIR", str(tmp_path / "uv"))
    versions = tmp_path / "pyenv" / "versions"
    assert interpreters._pyenv_pythons("3.") == [
        str(versions / "3.9.2" / "bin" / "python2"),
        str(versions / "3.9.18" / "bin" / "python3"),
        str(versions / "3.10.13" / "bin" / "python"),
    ]
    assert interpreters._pyenv_pythons("2.7") == []
    uv = tmp_path / "uv"
    assert interpreters._uv_pythons() == [
        str(uv / "cpython-3.12.1-linux" / "bin" / "python3"),
        str(uv / "cpython-3.9.1-linux" / "bin" / "python3"),
    ]
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "nowhere"))
    monkeypatch.setenv("UV_PYTHON_INSTALL_DIR", str(tmp_path / "nowhere"))
    assert interpreters._pyenv_pythons("3.") == [] and interpreters._uv_pythons() == []
