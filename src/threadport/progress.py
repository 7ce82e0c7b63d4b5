"""Progress for the commands that run many entry points (compare, claims, timeline).

On a terminal, a rich progress bar on stderr counts the runs as they finish, once a block
has run half a second (SHOW_AFTER); piped, redirected or with --quiet, nothing is printed,
so output files and pipes stay clean.
The run service (threadport.runs) reports each finished run to the observer set here.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from threadport import runs

# A bar shows only once its block has run this long. Most compares end sooner (0.5 s for
# every pair on two cores), and for them the bar cost more than they did: importing rich
# and drawing it took about 0.1 s of CPU and 0.1-0.3 s of wall time, for a bar that
# flashed and vanished (it is transient). A longer block (real time, many interpreters)
# still gets it, counting from the runs already finished.
SHOW_AFTER = 0.5
_Timer = threading.Timer  # the tests' stand-in fires when they say


@contextmanager
def shown(label: str, *, quiet: bool = False, stream=None, after: float = SHOW_AFTER) -> Iterator[None]:
    """Show ``label`` and a bar of finished runs while the block runs, on a terminal only,
    once the block has run ``after`` seconds."""
    stream = stream or sys.stderr
    if quiet or not stream.isatty():
        yield
        return
    bar = _LateBar(label, stream)
    timer = _Timer(after, bar.show)
    timer.daemon = True  # an interrupted block must not wait for it
    with runs.observed(bar.observe):
        timer.start()
        try:
            yield
        finally:
            timer.cancel()
            bar.close()


class _LateBar:
    """The rich bar, made when the timer fires (from its thread) unless the block has ended."""

    def __init__(self, label: str, stream):
        self.label = label
        self.stream = stream
        self.lock = threading.Lock()
        self.counts = (0, 1)  # done, total: the run service reports the real total first
        self.bar = None
        self.task = None
        self.closed = False

    def show(self) -> None:
        from rich.console import Console  # outside the lock: the runs go on reporting meanwhile
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with self.lock:
            if self.closed:
                return
            console = Console(file=self.stream, force_terminal=True)
            columns = (TextColumn(self.label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
            self.bar = Progress(*columns, console=console, transient=True)
            done, total = self.counts
            self.task = self.bar.add_task(self.label, completed=done, total=total)
            self.bar.start()

    def observe(self, done: int, total: int) -> None:
        with self.lock:
            self.counts = (done, total)
            if self.bar is not None:
                self.bar.update(self.task, completed=done, total=total)

    def close(self) -> None:
        with self.lock:
            self.closed = True
            if self.bar is not None:
                self.bar.stop()


def add_quiet(parser) -> None:
    parser.add_argument("--quiet", action="store_true", help="no progress bar (none is shown when piped anyway)")


@contextmanager
def status(message: str, *, quiet: bool = False, stream=None) -> Iterator[None]:
    """A spinner with ``message`` while the block runs (work that has no runs to count), terminal only."""
    stream = stream or sys.stderr
    if quiet or not stream.isatty():
        yield
        return
    from rich.console import Console

    with Console(file=stream, force_terminal=True).status(message):
        yield
