"""The one run service: many entry-point runs at once, each in its own process.

compare, claims and timeline describe what to run as Jobs (an Interpreter, a
source file, an entry point) and get Transcripts back in the same order. The
pool, the worker count and the default timeout live here and in the runner only.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from threadport.catalog import Entry, Pair
from threadport.interpreters import Interpreter
from threadport.runner import DEFAULT_TIMEOUT, Transcript, run_entry


@dataclass(frozen=True)
class Job:
    """One run of ``entry(*args)`` from ``source`` on ``python``."""

    python: Interpreter
    source: Path
    entry: str
    args: tuple = ()
    timeout: float | None = None  # None: DEFAULT_TIMEOUT
    real_time: bool = False
    warnings: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """Identical runs share a key (args may hold lists, so not the dataclass hash)."""
        return json.dumps(
            [self.python.path, str(self.source), self.entry, list(self.args), self.limit, self.real_time,
             list(self.warnings)]
        )  # fmt: skip

    @property
    def limit(self) -> float:
        return self.timeout or DEFAULT_TIMEOUT


def side_job(
    pair: Pair,
    entry: Entry,
    python: Interpreter,
    *,
    legacy: bool,
    timeout: float | None = None,
    real_time: bool = False,
    source: Path | None = None,
    warnings: tuple[str, ...] = (),
) -> Job:
    """The legacy or modern half of one catalogue entry point; ``timeout`` overrides the entry's own."""
    return Job(
        python=python,
        source=source or (pair.legacy_path if legacy else pair.modern_path),
        entry=entry.target(entry.legacy if legacy else entry.modern),
        args=tuple(entry.args),
        timeout=timeout or entry.timeout,
        real_time=real_time,
        warnings=tuple(warnings),
    )


def run_job(job: Job) -> Transcript:
    return run_entry(
        job.python,
        job.source,
        job.entry,
        job.args,
        real_time=job.real_time,
        timeout=job.limit,
        warnings=job.warnings,
    )


# Called as observer(finished, total) after each run, from the calling thread (a progress bar).
_observer: Callable[[int, int], None] | None = None


@contextmanager
def observed(observer: Callable[[int, int], None]) -> Iterator[None]:
    """Report the runs of every run_jobs call inside the block to ``observer``."""
    global _observer
    previous, _observer = _observer, observer
    try:
        yield
    finally:
        _observer = previous


def run_jobs(jobs: Iterable[Job], *, workers: int | None = None) -> list[Transcript]:
    """A Transcript per job, in order; identical jobs run once and share it."""
    jobs = list(jobs)
    unique = list({job.key: job for job in jobs}.values())
    observer = _observer
    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 2) as pool:
        futures = {pool.submit(run_job, job): job.key for job in unique}
        if observer is not None:
            observer(0, len(unique))  # the total, before the first run ends
        for finished, _ in enumerate(as_completed(futures), 1):
            if observer is not None:
                observer(finished, len(unique))
        done = {key: future.result() for future, key in futures.items()}
    return [done[job.key] for job in jobs]
