"""The one run service: many entry-point runs at once, each in its own process.

compare, claims and timeline describe what to run as Jobs (an Interpreter, a
source file, an entry point) and get Transcripts back in the same order. The
pool, the worker count and the default timeout live here and in the runner only.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

try:  # queue.SimpleQueue itself, without the rest of queue (a lock-based Queue: threading, heapq...)
    from _queue import SimpleQueue
except ImportError:  # an interpreter without the C module
    from queue import SimpleQueue

from threadport import cache, forkserver
from threadport.catalog import Entry, Pair
from threadport.interpreters import Interpreter
from threadport.records import Record
from threadport.runner import DEFAULT_TIMEOUT, Transcript, child_environment, needs_fresh_process, run_entry

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:
    from pathlib import Path  # sources may be Paths; the run service itself uses str (no pathlib)


class Job(Record, frozen=True):
    """One run of ``entry(*args)`` from ``source`` on ``python``."""

    __slots__ = ("python", "source", "entry", "args", "timeout", "real_time", "warnings")

    def __init__(
        self,
        python: Interpreter,
        source: Path | str,
        entry: str,
        args: tuple = (),
        timeout: float | None = None,
        real_time: bool = False,
        warnings: tuple[str, ...] = (),
    ) -> None:
        self.python = python
        self.source = source
        self.entry = entry
        self.args = args
        self.timeout = timeout  # None: DEFAULT_TIMEOUT
        self.real_time = real_time
        self.warnings = warnings

    @property
    def key(self) -> str:
        """Identical runs share a key (args may hold lists, so not the Record's hash)."""
        return json.dumps(
            [self.python.path, str(self.source), self.entry, list(self.args), self.limit, self.real_time,
             list(self.warnings)]
        )  # fmt: skip

    @property
    def limit(self) -> float:
        return self.timeout or DEFAULT_TIMEOUT

    @property
    def server(self) -> tuple:
        """What a warm fork server is kept for (threadport.forkserver.lease): runs with the
        same answer can share one, one run at a time."""
        return (self.python.path, self.real_time, self.warnings)


def side_job(
    pair: Pair,
    entry: Entry,
    python: Interpreter,
    *,
    legacy: bool,
    timeout: float | None = None,
    real_time: bool = False,
    source: Path | str | None = None,
    warnings: tuple[str, ...] = (),
) -> Job:
    """The legacy or modern half of one catalogue entry point; ``timeout`` overrides the entry's own."""
    return Job(
        python=python,
        source=source or pair.source_file(legacy=legacy),
        entry=entry.target(entry.legacy if legacy else entry.modern),
        args=tuple(entry.args),
        timeout=timeout or entry.timeout,
        real_time=real_time,
        warnings=tuple(warnings),
    )


class Settings(Record, frozen=True):
    """What every run of a batch reads from os.environ, read once for the batch: each lookup
    of a variable that is not set raises and catches a KeyError in os.environ's Python code,
    and the cache folder and the fork servers' switch cost compare's own process about 60 K
    instructions a run, a tenth of its work per run."""

    __slots__ = ("environment", "code_cache", "servers", "cpus")

    def __init__(self, environment: dict[str, str], code_cache: str, servers: bool, cpus: tuple[int, ...]) -> None:
        self.environment = environment  # runner.child_environment(): os.environ without PYTHON*
        self.code_cache = code_cache  # cache.folder() or "-"
        self.servers = servers  # forkserver.wanted(): runs forked from fork servers
        self.cpus = cpus  # batch_cpus()

    def cpu(self, worker: int) -> int | None:
        """The CPU worker number ``worker`` keeps its virtual-clock runs on; None: every CPU."""
        return self.cpus[worker % len(self.cpus)] if self.cpus else None


def batch_settings() -> Settings:
    return Settings(child_environment(), cache.folder() or "-", forkserver.wanted(), batch_cpus())


def batch_cpus() -> tuple[int, ...]:
    """The CPUs that a batch's workers keep their forked virtual-clock runs on, a worker on
    each in turn (runner._READS_CPU_SET says why): the caller's, from one picked by its process
    id, so that batches of processes side by side (tox -p, two compares) do not all begin with
    the first. None with one CPU (nothing to keep apart) or where CPUs cannot be set."""
    if not hasattr(os, "sched_setaffinity"):
        return ()
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return ()
    turn = os.getpid() % len(cpus)
    return tuple(cpus[turn:] + cpus[:turn])


def run_job(
    job: Job, settings: Settings | None = None, real_paths: dict | None = None, cpu: int | None = None
) -> Transcript:
    """``settings``: the batch's (batch_settings), else read by the run. ``real_paths``: a
    batch's sources resolved so far (source -> its real path), each once however many of its
    runs use it (runner.run_entry resolves it otherwise: 3 lstat and a stat, 60 us a run).
    ``cpu``: the worker's (Settings.cpu), which a forked virtual-clock run keeps to."""
    real_path = None
    if real_paths is not None:
        real_path = real_paths.get(job.source)
        if real_path is None:
            real_path = real_paths[job.source] = os.path.realpath(job.source)
    return run_entry(
        job.python,
        job.source,
        job.entry,
        job.args,
        real_time=job.real_time,
        timeout=job.limit,
        warnings=job.warnings,
        # runner.run_entry's own choice, made with the batch's answer to forkserver.wanted()
        fresh=None if settings is None else not settings.servers or needs_fresh_process(job.source),
        environment=None if settings is None else settings.environment,
        real_path=real_path,
        code_cache=None if settings is None else settings.code_cache,
        cpu=cpu,
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


# At most this many waiting runs, each for a busy server, are left to the workers running
# there rather than starting a server: a server start costs a compare 16 ms (2.7) to 35 ms
# (3.11) of CPU, more than the runs it would take over. With 2, a parallel compare still
# started a third server in most runs (one side's last three runs left when the other's
# were done: 4 of 5 compares); the runs left then wait for their side's one server, a few
# tens of milliseconds of wall time (see pick).
TAIL_RUNS = 4


def pick(waiting: list[Job], running: dict[tuple, int], servers: dict[tuple, int] | None = None) -> int | None:
    """Which waiting job a free worker takes: the first for a server no other worker is
    using (``running``: Job.server -> runs under way), else the first. A fork server runs
    one run at a time, so two runs at once on one interpreter start a second server
    (30-40 ms of CPU); compare's list alternates the two sides, and taken in plain order
    two workers met on one interpreter now and then.

    When every waiting job's server is busy: the first with an idle server of this batch
    (``servers``: Job.server -> servers the batch has used, the most runs it had under
    way at once), else None (the worker is done) if at most TAIL_RUNS wait: the workers
    running there take them next. At the end of a compare one side's runs were over while
    the other's last few were still to run, and a third server started for them."""
    free = next((i for i, job in enumerate(waiting) if not running.get(job.server)), None)
    if free is not None:
        return free
    servers = servers or {}
    idle = next((i for i, job in enumerate(waiting) if running[job.server] < servers.get(job.server, 0)), None)
    if idle is not None:
        return idle
    return None if len(waiting) <= TAIL_RUNS else 0


def run_jobs(jobs: Iterable[Job], *, workers: int | None = None) -> list[Transcript]:
    """A Transcript per job, in order; identical jobs run once and share it.

    ``workers`` threads (CPU count by default) take the jobs in order; a plain thread
    pool, since concurrent.futures (and the logging it imports) would cost `compare`
    more start-up than a few of its runs. An error in a run is raised once every run
    that started has ended; a Ctrl-C stops the start of further runs."""
    jobs = list(jobs)
    keys = [job.key for job in jobs]  # a JSON text each: made once, not at every look
    by_key = dict(zip(keys, jobs))
    unique = list(by_key.values())
    key_of = {id(job): key for key, job in by_key.items()}
    # The runs' environment, made once for the batch (runner.child_environment: the caller's
    # without its PYTHON* variables): it reads every variable of os.environ, a tenth of the
    # runner's own work per run. So are the rest of what the runs read from os.environ.
    settings = batch_settings()
    real_paths: dict = {}  # a compare runs each of its pairs' two files two to eight times
    observer = _observer
    waiting = list(unique)  # catalogue order
    running: dict[tuple, int] = {}  # Job.server -> runs under way
    servers: dict[tuple, int] = {}  # Job.server -> the most runs under way at once: servers used
    taking = threading.Lock()
    ended: SimpleQueue = SimpleQueue()  # (key, transcript, error) a run, or None: every run ended
    done: dict[str, Transcript] = {}
    errors: dict[str, BaseException] = {}
    # With an observer, the calling thread is told of each run as it ends (it shows them);
    # without one, the workers keep what each run gave and the calling thread is woken once,
    # when the last has ended: woken for every run, it cost compare's own process 60-75 us of
    # CPU a run (2 workers, runs of an empty entry point), 8% of its work, to do nothing.
    each = observer is not None

    def record(key: str, transcript: Transcript | None, error: BaseException | None) -> None:
        if each:
            ended.put((key, transcript, error))
            return
        with taking:
            if error is not None:
                errors[key] = error
            done[key] = transcript
            last = len(done) == len(unique)
        if last:
            ended.put(None)

    def take() -> Job | None:
        with taking:
            index = pick(waiting, running, servers) if waiting else None
            if index is None:
                return None
            job = waiting.pop(index)
            running[job.server] = running.get(job.server, 0) + 1
            servers[job.server] = max(servers.get(job.server, 0), running[job.server])
            return job

    def work(worker: int) -> None:
        cpu = settings.cpu(worker)
        while True:
            try:
                job = take()
            except BaseException as error:  # the pool's own failure: the caller would wait for ever
                ended.put((None, None, error))
                return
            if job is None:
                return
            key = key_of[id(job)]
            try:
                transcript = run_job(job, settings, real_paths, cpu)
            except BaseException as error:  # handed to the calling thread, raised there
                record(key, None, error)
            else:
                record(key, transcript, None)
            finally:
                with taking:
                    running[job.server] -= 1

    count = min(workers or os.cpu_count() or 2, len(unique))
    threads = [threading.Thread(target=work, args=(n,), name=f"threadport-run-{n}", daemon=True) for n in range(count)]
    for thread in threads:
        thread.start()
    try:
        if each:
            observer(0, len(unique))  # the total, before the first run ends
            for finished in range(1, len(unique) + 1):
                key, transcript, error = ended.get()
                if key is None:  # no run of its own: raised once the runs under way have ended
                    raise error
                if error is not None:
                    errors[key] = error
                done[key] = transcript
                observer(finished, len(unique))
        elif unique:
            outcome = ended.get()
            if outcome is not None:  # the pool's own failure, raised as above
                raise outcome[2]
    finally:
        with taking:
            waiting.clear()  # interrupted: no new run starts; the ones under way end and contain theirs
        for thread in threads:
            thread.join()
    for key in by_key:  # the first failed job in order, as the caller listed them
        if key in errors:
            raise errors[key]
    return [done[key] for key in keys]
