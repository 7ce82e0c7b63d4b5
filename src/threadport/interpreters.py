"""Find the interpreters: one Python 2.7 for the legacy half, the Python 3s for the rest.

Every candidate is verified by running it (a broken install must not count as
found), once per build: the answer is cached on disk per real executable, its
inode, size and mtime (threadport.cache), so a reinstall or an upgrade is probed
again. Scripts are never cached (a wrapper may run a different Python each time),
and pyenv's shims are never probed at all: a shim only ever runs one of pyenv's
versions (probed directly) or the command later on PATH, and each shim costs a
pyenv start (about half a second) to find out which.
"""

from __future__ import annotations

import os
from functools import cache, lru_cache

from threadport import cache as disk_cache
from threadport.errors import ThreadportError
from threadport.records import Record

LEGACY_ENV = "THREADPORT_LEGACY_PYTHON"
HOW_TO_GET_PYTHON2 = (
    f"install one with `pyenv install 2.7.18` (or apt's python2.7 where the distribution "
    f"still ships it) and put it on PATH, or point {LEGACY_ENV} at it"
)


class InterpreterNotFound(ThreadportError):
    """No usable interpreter; the message says what was tried and how to get one."""


class LegacyNotFound(InterpreterNotFound):
    """Discovery found no Python 2.7 (nothing was chosen explicitly); some commands go on without."""


# The modern twins (and the tox matrix) need this: is_alive() only, 3.9 type hints.
MODERN_MINIMUM = (3, 9)


class Interpreter(Record, frozen=True):
    __slots__ = ("path", "version", "free_threaded")

    def __init__(self, path: str, version: tuple[int, int, int], free_threaded: bool = False) -> None:
        self.path = path
        self.version = version
        # A free-threaded build (PEP 703, `python3.14t`): another row of the matrix, marked with
        # a "t" as its executable and setup-python's `3.14t` are.
        self.free_threaded = free_threaded

    @property
    def version_string(self) -> str:
        return ".".join(map(str, self.version)) + "t" * self.free_threaded

    @property
    def minor(self) -> str:
        return f"{self.version[0]}.{self.version[1]}" + "t" * self.free_threaded


PROBE = (
    "import sys, sysconfig; "
    "print('%d %d %d %d' % (sys.version_info[:3] + (bool(sysconfig.get_config_var('Py_GIL_DISABLED')),)))"
)


PROBE_CACHE = "interpreters"


def _binary_key(path: str) -> list | None:
    """The cache key of a compiled executable; None for a script or a missing file."""
    key = disk_cache.file_key(path)
    if key is None:
        return None
    try:
        with open(key[0], "rb") as executable:
            if executable.read(2) == b"#!":
                return None
    except OSError:
        return None
    return key


@cache
def probe(path: str) -> Interpreter | None:
    """``path``'s version: from the disk cache when this very build answered before, else
    by running it once; None when it does not run."""
    key = _binary_key(path)
    known = disk_cache.load(PROBE_CACHE, PROBE) if key else None
    known = known if isinstance(known, dict) else {}
    entry = known.get(key[0]) if key else None
    if isinstance(entry, list) and len(entry) == 2 and entry[0] == key[1:]:
        version, free_threaded = entry[1][:3], entry[1][3]
        return Interpreter(path, tuple(version), bool(free_threaded))
    found = _run_probe(path)
    if found is not None and key:
        # Interpreters that are gone (a test's venv, an uninstalled version) leave the entry.
        known = {where: answer for where, answer in known.items() if os.path.exists(where)}
        known[key[0]] = [key[1:], [*found.version, int(found.free_threaded)]]
        disk_cache.store(PROBE_CACHE, PROBE, known)
    return found


def _run_probe(path: str) -> Interpreter | None:
    import subprocess  # here: with the cache, most commands never start one

    try:
        done = subprocess.run(
            # Python 2.7 runs this too; Py_GIL_DISABLED is 1 only in a free-threaded build (0 or
            # None elsewhere: Windows GIL builds define it as 0)
            [path, "-c", PROBE],
            capture_output=True,
            text=True,
            timeout=20,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    parts = done.stdout.split()
    if done.returncode != 0 or len(parts) != 4 or not all(p.isdigit() for p in parts):
        return None
    return Interpreter(path, tuple(int(p) for p in parts[:3]), parts[3] == "1")


# Paths here are str and os.path, not pathlib: pathlib (with urllib.parse and ipaddress, 16 M
# instructions) is no part of compare's start-up, and discovery runs in every compare.
def pyenv_root() -> str:
    return os.environ.get("PYENV_ROOT") or os.path.join(os.path.expanduser("~"), ".pyenv")


def _listed(folder: str, prefix: str) -> list[str]:
    """The names in ``folder`` that start with ``prefix`` (a glob of ``prefix*``: the
    prefixes here start with a letter or digit, so no hidden name), in the folder's order."""
    try:
        return [name for name in os.listdir(folder) if name.startswith(prefix)]
    except OSError:
        return []


def _pyenv_pythons(prefix: str) -> list[str]:
    versions = os.path.join(pyenv_root(), "versions")
    found = []
    for version in sorted(_listed(versions, prefix), key=_version_key):
        for name in ("python", "python3", "python2"):
            exe = os.path.join(versions, version, "bin", name)
            if os.path.exists(exe):
                found.append(exe)
                break
    return found


def _uv_pythons() -> list[str]:
    base = os.environ.get("UV_PYTHON_INSTALL_DIR") or os.path.join(os.path.expanduser("~"), ".local/share/uv/python")
    found = [os.path.join(base, name, "bin", "python3") for name in sorted(_listed(base, "cpython-3."))]
    return [exe for exe in found if os.path.exists(exe)]


def _version_key(name: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in name.replace("-", ".").split(".")[:3])


def _shims() -> str:
    return os.path.join(os.path.realpath(pyenv_root()), "shims")


def which(command: str, path: str | None = None) -> str | None:
    """shutil.which(command, path=path) on POSIX, without importing shutil (with the bz2 and
    lzma modules it imports, 7 M instructions of compare's 250 M)."""
    if os.name != "posix":
        import shutil

        return shutil.which(command, path=path)
    if os.path.dirname(command):
        return command if _runnable(command) else None
    if path is None:
        path = os.environ.get("PATH")
        if path is None:
            try:
                path = os.confstr("CS_PATH")
            except (AttributeError, ValueError):
                path = os.defpath
    seen = set()
    for folder in path.split(os.pathsep) if path else ():
        if folder not in seen:
            seen.add(folder)
            candidate = os.path.join(folder, command)
            if _runnable(candidate):
                return candidate
    return None


def _runnable(path: str) -> bool:
    return os.path.exists(path) and os.access(path, os.F_OK | os.X_OK) and not os.path.isdir(path)


def _past_shims() -> str:
    """$PATH without pyenv's shim folder (see the module's docstring)."""
    shims = _shims()
    folders = os.environ.get("PATH", os.defpath).split(os.pathsep)
    return os.pathsep.join(f for f in folders if os.path.realpath(f) != shims)


def _on_path(name: str, pyenv_prefix: str, past: list[str]) -> list[str]:
    """``name`` found on PATH; for a pyenv shim, what it could run in its place: pyenv's
    versions with that prefix (a shim runs one of those), then the command past the shims.
    ``past``: _past_shims() once a shim is met (an empty list before: each folder of PATH
    resolved, which discovery with no shim on PATH, as under tools/with-pythons, never needs)."""
    exe = which(name)
    if exe is None or os.path.dirname(os.path.realpath(exe)) != _shims():
        return [exe] if exe else []
    if not past:
        past.append(_past_shims())
    beyond = which(name, path=past[0])
    return _pyenv_pythons(pyenv_prefix) + ([beyond] if beyond else [])


def legacy_candidates() -> list[str]:
    """Where discovery looks for a Python 2.7, in order (an explicit choice is not discovery)."""
    past: list[str] = []
    candidates = [exe for name in ("python2.7", "python2") for exe in _on_path(name, "2.7", past)]
    candidates.extend(_pyenv_pythons("2.7"))
    return candidates


@lru_cache(maxsize=1)
def find_legacy() -> Interpreter:
    """The Python 2.7 for the legacy halves: $THREADPORT_LEGACY_PYTHON if set (and then
    only it: a choice that does not work is an error, never a fall back), else discovery."""
    chosen = os.environ.get(LEGACY_ENV)
    if chosen:
        return legacy_choice(chosen, f"{LEGACY_ENV}={chosen}")
    tried = []
    for candidate in legacy_candidates():
        found = probe(candidate)
        if found and found.version[:2] == (2, 7):
            return found
        tried.append(candidate)
    where = f" (tried {', '.join(tried)})" if tried else ""
    raise LegacyNotFound(f"no working python2.7 found{where}: {HOW_TO_GET_PYTHON2}")


def legacy_choice(spec: str, named: str) -> Interpreter:
    """An explicitly chosen legacy interpreter; ``named`` says where the choice came from."""
    if spec[:1].isdigit():  # a version, as for --python
        found = resolve(spec)
    else:
        exe = command_path(spec)
        if not os.path.exists(exe):
            raise InterpreterNotFound(f"{named}: no such file or command")
        found = probe(exe)
        if found is None:
            raise InterpreterNotFound(f"{named} does not run as a Python interpreter")
    if found.version[:2] != (2, 7):
        raise InterpreterNotFound(f"{named} is Python {found.version_string}, not 2.7")
    return found


def modern_choice(spec: str, named: str) -> Interpreter:
    """An explicitly chosen interpreter for the modern halves: Python 3.9 or newer."""
    found = resolve(spec)
    if found.version[:2] < MODERN_MINIMUM:
        minimum = ".".join(map(str, MODERN_MINIMUM))
        raise InterpreterNotFound(f"{named} is Python {found.version_string}; the modern side needs Python {minimum}+")
    return found


def python3s() -> list[Interpreter]:
    """One working interpreter per Python 3 minor version from 3.6 on, oldest first; a
    free-threaded build (``python3.14t`` on PATH) is a row of its own, after its GIL twin."""
    past: list[str] = []
    candidates = [exe for m in range(6, 20) for t in ("", "t") for exe in _on_path(f"python3.{m}{t}", f"3.{m}.", past)]
    candidates += _pyenv_pythons("3.") + _uv_pythons()
    by_minor: dict[tuple[int, int, bool], Interpreter] = {}
    for candidate in filter(None, candidates):
        found = probe(candidate)
        key = (*found.version[:2], found.free_threaded) if found else None
        if found and found.version >= (3, 6) and key not in by_minor:
            by_minor[key] = found
    return [by_minor[key] for key in sorted(by_minor)]


def resolve(spec: str) -> Interpreter:
    """An interpreter named on the command line: a path, a command, or a version like 3.12."""
    if spec[:1].isdigit():
        for found in python3s() + [_legacy_or_none()]:
            if found and (found.minor == spec or found.version_string == spec):
                return found
        raise InterpreterNotFound(f"no Python {spec} found on PATH, in pyenv or in uv")
    found = probe(command_path(spec))
    if found is None:
        raise InterpreterNotFound(f"{spec} does not run as a Python interpreter")
    return found


def command_path(spec: str) -> str:
    # Absolute, because every run starts in a scratch folder of its own, where a relative
    # `--python .venv/bin/python` would name nothing.
    return os.path.abspath(which(spec) or spec)


def _legacy_or_none() -> Interpreter | None:
    try:
        return find_legacy()
    except LegacyNotFound:  # a bad explicit choice is reported, not skipped
        return None
