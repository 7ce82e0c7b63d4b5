"""Find the interpreters: one Python 2.7 for the legacy half, the Python 3s for the rest.

Every candidate is verified by running it: a pyenv shim for a version that is
not active is on PATH but fails, and must not count as found.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from threadport.errors import ThreadportError

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


@dataclass(frozen=True)
class Interpreter:
    path: str
    version: tuple[int, int, int]
    # A free-threaded build (PEP 703, `python3.14t`): another row of the matrix, marked with
    # a "t" as its executable and setup-python's `3.14t` are.
    free_threaded: bool = False

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


@cache
def probe(path: str) -> Interpreter | None:
    """Run ``path`` once and read its version; None when it does not run."""
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


def pyenv_root() -> Path:
    return Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")


def _pyenv_pythons(prefix: str) -> list[str]:
    versions = pyenv_root() / "versions"
    if not versions.is_dir():
        return []
    found = []
    for folder in sorted(versions.glob(f"{prefix}*"), key=_version_key):
        for name in ("python", "python3", "python2"):
            exe = folder / "bin" / name
            if exe.exists():
                found.append(str(exe))
                break
    return found


def _uv_pythons() -> list[str]:
    base = os.environ.get("UV_PYTHON_INSTALL_DIR") or Path.home() / ".local/share/uv/python"
    base = Path(base)
    if not base.is_dir():
        return []
    return [str(p / "bin/python3") for p in sorted(base.glob("cpython-3.*")) if (p / "bin/python3").exists()]


def _version_key(path: Path) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in path.name.replace("-", ".").split(".")[:3])


def legacy_candidates() -> list[str]:
    """Where discovery looks for a Python 2.7, in order (an explicit choice is not discovery)."""
    candidates = []
    for name in ("python2.7", "python2"):
        exe = shutil.which(name)
        if exe:
            candidates.append(exe)
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
        exe = shutil.which(spec) or spec
        if not Path(exe).exists():
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
    candidates = [shutil.which(f"python3.{minor}{t}") for minor in range(6, 20) for t in ("", "t")]
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
    exe = shutil.which(spec) or spec
    found = probe(exe)
    if found is None:
        raise InterpreterNotFound(f"{spec} does not run as a Python interpreter")
    return found


def _legacy_or_none() -> Interpreter | None:
    try:
        return find_legacy()
    except LegacyNotFound:  # a bad explicit choice is reported, not skipped
        return None
