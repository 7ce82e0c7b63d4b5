"""Progress for the commands that run many entry points (compare, claims, timeline).

On a terminal, a rich progress bar on stderr counts the runs as they finish; piped,
redirected or with --quiet, nothing is printed, so output files and pipes stay clean.
The run service (threadport.runs) reports each finished run to the observer set here.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from threadport import runs


@contextmanager
def shown(label: str, *, quiet: bool = False, stream=None) -> Iterator[None]:
    """Show ``label`` and a bar of finished runs while the block runs, on a terminal only."""
    stream = stream or sys.stderr
    if quiet or not stream.isatty():
        yield
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(file=stream, force_terminal=True)
    bar = Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console, transient=True
    )
    task = bar.add_task(label, total=1)  # the run service reports the real total first (rich 12 needs a number)

    def observe(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    with bar, runs.observed(observe):
        yield


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
