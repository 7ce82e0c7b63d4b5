"""One whole run of a command in a child process: wall seconds and the child's own CPU.

os.wait4 gives the CPU of that child alone (user + sys), which is steadier than wall
time on a loaded machine; the output is thrown away.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path


def run_child(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, exit code) of one run of ``command``."""
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        try:
            os.execve(command[0], command, os.environ if env is None else env)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)


def instructions(command: list[str], env: dict[str, str] | None = None, *, children: bool = False) -> int | None:
    """User-space instructions of one run of ``command``'s own process (cachegrind's "I refs"),
    or with ``children`` of every process of the run summed (forked workers included), None
    without valgrind. Unlike time, the count does not depend on the load of a shared machine."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return None
    follow = "--trace-children=yes" if children else "--trace-children=no"
    done = subprocess.run(
        [valgrind, "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null", follow, *command],
        capture_output=True,
        text=True,
        env=env,
    )
    counts = [int(count.replace(",", "")) for count in re.findall(r"I\s+refs:\s+([\d,]+)", done.stderr)]
    if not counts:
        return None
    return sum(counts) if children else counts[-1]


# What the timed processes import from outside the standard library (whose bytecode the
# interpreter's install made): threadport, fissix (with appdirs), pyupgrade, tokenize_rt.
IMPORTED = ("threadport", "fissix", "appdirs", "pyupgrade", "tokenize_rt")


def compile_installed(against: Path | None = None) -> None:
    """The modules every timed run imports compiled to bytecode first, as pip's install does.

    With PYTHONDONTWRITEBYTECODE set (these machines set it) and a venv made by uv (which
    leaves the compiling to the first import), nothing writes the bytecode, and each process
    compiled its modules again: about 0.45 s of CPU for migrate's one process, 0.1-0.15 s
    for each of the by-hand pipeline's three (fissix, pyupgrade twice). No installed tool
    pays that.
    """
    import compileall
    import importlib.util
    import re
    import warnings

    tests = re.compile(r"[\\/]tests?[\\/]")  # fissix's test data is Python 2: not imported, not compiled
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in IMPORTED:
            spec = importlib.util.find_spec(name)
            if spec is None or spec.origin is None:
                continue
            if spec.submodule_search_locations:  # a package: its folder
                compileall.compile_dir(str(Path(spec.origin).parent), quiet=2, rx=tests)
            else:
                compileall.compile_file(spec.origin, quiet=2)
        if against is not None:
            compileall.compile_dir(str(against / "threadport"), quiet=2, rx=tests)
