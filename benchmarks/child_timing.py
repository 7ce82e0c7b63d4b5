"""One whole run of a command in a child process: wall seconds and the child's own CPU.

os.wait4 gives the CPU of that child alone (user + sys), which is steadier than wall
time on a loaded machine; the output is thrown away.
"""

from __future__ import annotations

import os
import time


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
