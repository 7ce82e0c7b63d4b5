"""Both cores for `check` without a process pool: forked copies of this process share a list.

A ProcessPoolExecutor costs `check` 0.3-0.4 s of CPU on a tree of a few hundred files (its
imports, its threads, its workers' start, a pickle per task both ways), as much as the
screening of the tree it shares; so below a thousand files check ran on one core while ruff
used two. Here a map forks its helpers after the work is laid out: they inherit the function
and the items (nothing is sent to them), pull chunks of the list from one pipe of task
numbers (the token pipe of GNU make's jobserver: whoever is free takes the next chunk, so a
core slowed by other work takes fewer), and send back only their results, pickled once.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import struct
import sys
from collections.abc import Callable

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:
    from typing import TypeVar

    T = TypeVar("T")
    R = TypeVar("R")

# One task number: the index of the chunk's first item. All tasks are written before any
# helper starts, in one write well below every pipe's capacity (Linux 64 KiB, macOS 16 KiB),
# and every read asks for one whole record: a read of a pipe is done under the pipe's lock,
# so two readers never split a record between them.
_TASK = struct.Struct("=I")
MAX_TASKS = 1024  # 4 KiB of task numbers: more items go in larger chunks


def can_fork() -> bool:
    """fork is safe here: POSIX, and no thread but this one (a thread's locks would be
    copied held; 3.12+ warns about it too)."""
    if not hasattr(os, "fork") or sys.platform == "emscripten" or sys.platform == "wasi":
        return False
    threading = sys.modules.get("threading")
    return threading is None or threading.active_count() == 1


class ForkedShare:
    """An Executor's ``map`` for `check`: this process and ``helpers`` forked copies of it
    share the items; the results come back in the items' order.

    A helper that dies or fails leaves its items undone, and this process does them: the
    results are those of ``[function(item) for item in items]`` whatever happens to a helper.
    """

    PULLS = True  # files._map: no chunks needed, each process takes the next item when free

    def __init__(self, helpers: int) -> None:
        self.helpers = helpers

    def map(
        self,
        function: Callable[[T], R],
        items: list[T],
        chunksize: int = 0,
        meanwhile: Callable[[], None] | None = None,
    ) -> list[R]:
        """``meanwhile``: work of this process's own (never a helper's), done once the helpers
        are forked and before it takes items: they take more of them meanwhile."""
        items = list(items)
        if len(items) < 2 or self.helpers < 1 or not can_fork():
            if meanwhile is not None:
                meanwhile()
            return [function(item) for item in items]
        chunk = max(chunksize, 1, -(-len(items) // MAX_TASKS))
        done: dict[int, R] = {}
        tasks = _tasks(range(0, len(items), chunk))
        helpers: list[tuple[int, int]] = []  # (pid, the reading end of its results)
        try:
            for _ in range(self.helpers):
                helpers.append(_fork_helper(function, items, chunk, tasks, helpers))
            if meanwhile is not None:
                meanwhile()
            _pull(function, items, chunk, tasks, done)
            while helpers:
                done.update(_collect(*helpers.pop()))
        finally:
            os.close(tasks)
            for pid, results in helpers:  # this process failed: stop them, then reap them
                os.close(results)
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
                with contextlib.suppress(OSError):
                    os.waitpid(pid, 0)
        return [done[i] if i in done else function(items[i]) for i in range(len(items))]


def _tasks(starts: range) -> int:
    """The reading end of a pipe holding every task number, and nothing more to come."""
    tasks, writer = os.pipe()
    try:
        os.write(writer, b"".join(_TASK.pack(start) for start in starts))
    except BaseException:
        os.close(tasks)
        raise
    finally:
        os.close(writer)  # a read past the last task is the end
    return tasks


def _fork_helper(
    function: Callable, items: list, chunk: int, tasks: int, others: list[tuple[int, int]]
) -> tuple[int, int]:
    results, back = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(results)
        for _, other in others:
            os.close(other)  # another helper's results are the parent's to read
        _helper(function, items, chunk, tasks, back)  # never returns
    os.close(back)
    return pid, results


def _helper(function: Callable, items: list, chunk: int, tasks: int, back: int) -> None:
    """A helper's whole life: pull chunks, send its results, and leave without running
    anything of the parent's exit (atexit, buffered output: those are the parent's)."""
    code = 1
    try:
        done: dict = {}
        _pull(function, items, chunk, tasks, done)
        payload = pickle.dumps(done, pickle.HIGHEST_PROTOCOL)
        view = memoryview(payload)
        while view:
            view = view[os.write(back, view) :]
        code = 0
    except BaseException:  # noqa: BLE001 - whatever it was, the parent does this helper's items
        pass
    finally:
        os._exit(code)


def _pull(function: Callable, items: list, chunk: int, tasks: int, done: dict) -> None:
    while len(record := os.read(tasks, _TASK.size)) == _TASK.size:
        (start,) = _TASK.unpack(record)
        for i in range(start, min(start + chunk, len(items))):
            done[i] = function(items[i])


def _collect(pid: int, results: int) -> dict:
    """What the helper ``pid`` sent; nothing if it failed (its items are done again here)."""
    try:
        with os.fdopen(results, "rb") as stream:
            payload = stream.read()
    finally:
        _, status = os.waitpid(pid, 0)
    if status != 0 or not payload:
        return {}
    return pickle.loads(payload)
