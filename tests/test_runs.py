"""threadport.runs: the one run service used by compare, claims and timeline."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

from threadport import runner
from threadport.catalog import get_pair
from threadport.interpreters import Interpreter, resolve
from threadport.runner import DEFAULT_TIMEOUT
from threadport.runs import TAIL_RUNS, Job, SimpleQueue, pick, run_jobs, side_job


def test_transcripts_come_back_in_job_order_and_identical_jobs_run_once(snippet, tmp_path):
    log = tmp_path / "runs.log"
    path = snippet("""
        from __future__ import print_function
        def main(log, word):
            with open(log, "a") as handle:
                handle.write(word + "\\n")
            print(word)
    """)
    python = resolve(sys.executable)
    words = ["a", "b", "a", "c", "b"]
    transcripts = run_jobs([Job(python, path, "main", (str(log), word)) for word in words], workers=3)
    assert [t.stdout for t in transcripts] == [[w] for w in words]
    assert sorted(log.read_text().split()) == ["a", "b", "c"]


def test_side_jobs_take_the_entry_timeout_unless_overridden():
    pair = get_pair("threading_notes")
    entry = pair.entry("testIsAliveOnSleeper")
    python = resolve(sys.executable)
    legacy = side_job(pair, entry, python, legacy=True)
    modern = side_job(pair, entry, python, legacy=False, timeout=5)
    # The files as str (Pair.source_file): the run service imports no pathlib.
    assert (legacy.source, legacy.entry) == (str(pair.legacy_path), "testIsAliveOnSleeper")
    assert (modern.source, modern.entry, modern.limit) == (str(pair.modern_path), "poll_sleeper", 5)
    assert legacy.limit == (entry.timeout or DEFAULT_TIMEOUT)


def test_a_free_worker_takes_a_job_for_an_interpreter_no_other_run_is_using():
    # Each fork server runs one run at a time: a second run on a busy interpreter would
    # start a second server, so the worker skips ahead to the other interpreter's job.
    one = resolve(sys.executable)
    other = Interpreter("/elsewhere/python", one.version)
    waiting = [Job(one, Path("a.py"), "e1"), Job(one, Path("a.py"), "e2"), Job(other, Path("b.py"), "e1")]
    assert pick(waiting, {}) == 0
    assert pick(waiting, {waiting[0].server: 1}) == 2
    assert pick(waiting, {waiting[0].server: 0}) == 0  # that run has ended
    more = waiting + [Job(one, Path("a.py"), f"e{n}") for n in range(3, TAIL_RUNS + 2)]
    assert pick(more, {waiting[0].server: 1, waiting[2].server: 1}) == 0  # every server busy, many left: in order
    real_time = Job(one, Path("a.py"), "e3", real_time=True)  # another clock mode: another server
    assert pick([waiting[0], real_time], {waiting[0].server: 1}) == 1


def test_the_last_runs_wait_for_their_busy_server_instead_of_starting_another():
    # A server start costs more than the one or two runs left at the end of a compare:
    # the worker that is running on their server takes them next.
    one = resolve(sys.executable)
    jobs = [Job(one, Path("a.py"), f"e{n}") for n in range(1, TAIL_RUNS + 2)]
    first, second = jobs[:2]
    busy = {first.server: 1}
    assert TAIL_RUNS >= 3  # a compare's tail is often three runs of one side (a server start costs more)
    for left in range(1, TAIL_RUNS + 1):
        assert pick(jobs[:left], busy, {first.server: 1}) is None
    assert pick(jobs, busy, {first.server: 1}) == 0  # more left: a second server
    assert pick([first, second], busy, {first.server: 2}) == 0  # a server of the batch is idle
    other = Job(Interpreter("/elsewhere/python", one.version), Path("b.py"), "e1")
    both = {first.server: 1, other.server: 1}
    assert pick([first, other], both, {first.server: 1, other.server: 2}) == 1


def test_two_workers_run_two_runs_on_one_interpreter_with_one_server(snippet, monkeypatch):
    from threadport import forkserver

    used = set()
    start = forkserver.ForkServer.start

    def recorded(server, *args):
        used.add(id(server))
        return start(server, *args)

    monkeypatch.setattr(forkserver.ForkServer, "start", recorded)
    monkeypatch.setattr(forkserver, "wanted", lambda: True)
    path = snippet("def main(word):\n    print(word)\n")
    python = resolve(sys.executable)
    transcripts = run_jobs([Job(python, path, "main", (word,)) for word in ("a", "b")], workers=2)
    assert [t.stdout for t in transcripts] == [["a"], ["b"]]
    assert len(used) == 1


def test_a_batch_makes_the_runs_environment_once_and_every_run_gets_it(monkeypatch):
    # runner.child_environment reads every variable of os.environ: once for the batch, not per run.
    from threadport import runs

    made, given = [], []

    def environment():
        made.append(runner.child_environment())
        return made[-1]

    monkeypatch.setattr(runs, "child_environment", environment)
    monkeypatch.setattr(
        runs, "run_job", lambda job, settings, paths, cpu: given.append(settings.environment) or job.entry
    )
    one = resolve(sys.executable)
    jobs = [Job(one, Path("a.py"), f"e{n}") for n in range(4)]
    assert run_jobs(jobs, workers=2) == ["e0", "e1", "e2", "e3"]
    assert len(made) == 1 and len(given) == 4
    assert all(environment is made[0] for environment in given)
    assert "PYTHONHASHSEED" in made[0] and not any(key.startswith("PYTHONP") for key in made[0])


def test_a_batch_resolves_each_source_once_and_its_runs_get_the_real_path(snippet, tmp_path, monkeypatch):
    # A run's child is given its source's real path (runner.run_entry: os.path.realpath, 3
    # lstat); a batch resolves each source once, however many of its runs use it.
    path = snippet("""
        def main():
            print(__file__)
    """)
    (tmp_path / "link").symlink_to(tmp_path, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    real_path = str(path.resolve())
    resolved = []
    real_realpath = os.path.realpath

    def realpath(path, *args, **kwargs):
        if str(path).endswith("snippet.py"):  # the sources', not the rest of a run's (the cache's)
            resolved.append(path)
        return real_realpath(path, *args, **kwargs)

    monkeypatch.setattr(os.path, "realpath", realpath)
    python = resolve(sys.executable)
    names = [Path("link/snippet.py"), tmp_path / "link" / "snippet.py", Path("snippet.py")]
    jobs = [Job(python, name, "main", (), timeout=DEFAULT_TIMEOUT + n) for n in range(2) for name in names]
    transcripts = run_jobs(jobs, workers=2)
    assert [t.stdout for t in transcripts] == [[real_path]] * len(jobs)
    assert sorted(map(str, resolved)) == sorted(map(str, names))  # once per source named


def test_a_failure_in_the_pool_itself_is_raised_not_waited_for(monkeypatch):
    # A worker that failed before its run (in choosing the next job) put nothing on the
    # queue the calling thread waits on: the batch waited for ever.
    import threading

    from threadport import runs

    monkeypatch.setattr(runs, "run_job", lambda job, environment, real_paths, cpu: job.entry)
    calls = []

    def pick_then_fail(waiting, running, servers=None):
        calls.append(len(waiting))
        if len(calls) > 1:
            raise RuntimeError("pick failed")
        return 0

    monkeypatch.setattr(runs, "pick", pick_then_fail)
    one = resolve(sys.executable)
    jobs = [Job(one, Path("a.py"), f"e{n}") for n in range(4)]
    raised = []

    def batch() -> None:
        try:
            run_jobs(jobs, workers=1)
        except RuntimeError as error:
            raised.append(str(error))

    thread = threading.Thread(target=batch, daemon=True)
    thread.start()
    thread.join(60)  # a guard for the red case only: the batch ends at once
    assert not thread.is_alive(), "run_jobs still waits for a run no worker will finish"
    assert raised == ["pick failed"]


def test_the_runs_of_a_batch_read_nothing_of_os_environ(snippet, monkeypatch):
    # The batch reads os.environ once (runner.child_environment); each run reads what it needs
    # (the cache folder: cache.folder) from that dict. os.environ's lookups, each key encoded
    # and a KeyError for each variable unset, cost compare's own process 50 K instructions a run.
    path = snippet("""
        def main(n):
            pass
    """)
    python = resolve(sys.executable)
    environ_class = type(os.environ)
    lookup = environ_class.__getitem__
    looked_up = []

    def counted(self, key):
        looked_up.append(key)
        return lookup(self, key)

    monkeypatch.setattr(environ_class, "__getitem__", counted)
    counts = []
    for count in (1, 1, 5):  # the first batch starts the server the others use; distinct runs
        before = len(looked_up)
        assert all(t.exit == 0 for t in run_jobs([Job(python, path, "main", (n,)) for n in range(count)], workers=1))
        counts.append(len(looked_up) - before)
    assert counts[2] == counts[1], looked_up[-counts[2] :]


def test_without_an_observer_the_calling_thread_is_woken_once_for_the_batch(monkeypatch):
    # Woken for every run that ended, the calling thread cost compare's own process 60-75 us
    # of CPU a run with nothing to do; with an observer (a progress bar) it is told of each.
    from threadport import runs

    class CountedQueue:
        def __init__(self):
            self.queue = SimpleQueue()
            self.gets = 0

        def put(self, item):
            self.queue.put(item)

        def get(self):
            self.gets += 1
            return self.queue.get()

    queues = []
    monkeypatch.setattr(runs, "SimpleQueue", lambda: queues.append(CountedQueue()) or queues[-1])
    monkeypatch.setattr(runs, "run_job", lambda job, settings, paths, cpu: job.entry)
    one = resolve(sys.executable)
    jobs = [Job(one, Path("a.py"), f"e{n}") for n in range(5)]
    assert run_jobs(jobs, workers=2) == [f"e{n}" for n in range(5)]
    seen = []
    with runs.observed(lambda finished, total: seen.append((finished, total))):
        assert run_jobs(jobs, workers=2) == [f"e{n}" for n in range(5)]
    assert [queue.gets for queue in queues] == [1, 5]
    assert seen == [(n, 5) for n in range(6)]


def test_without_an_observer_a_failed_run_is_still_raised_once_every_run_has_ended(monkeypatch):
    from threadport import runs

    ended = []

    def run_job(job, settings, paths, cpu):
        if job.entry == "e1":
            raise ValueError("e1 failed")
        ended.append(job.entry)
        return job.entry

    monkeypatch.setattr(runs, "run_job", run_job)
    one = resolve(sys.executable)
    with pytest.raises(ValueError, match="e1 failed"):
        run_jobs([Job(one, Path("a.py"), f"e{n}") for n in range(4)], workers=2)
    assert sorted(ended) == ["e0", "e2", "e3"]


def test_each_worker_of_a_batch_hands_its_runs_a_cpu_of_its_own(monkeypatch):
    # runner._READS_CPU_SET says why: a worker's virtual-clock runs are kept on its CPU.
    from threadport import runs

    monkeypatch.setattr(runs, "batch_cpus", lambda: (3, 1))
    both_taken = threading.Barrier(2, timeout=30)  # each worker holds its first run until both have one
    given: dict[str, set] = {}

    def run_job(job, settings, paths, cpu):
        name = threading.current_thread().name
        if name not in given:
            given[name] = set()
            both_taken.wait()
        given[name].add(cpu)
        return job.entry

    monkeypatch.setattr(runs, "run_job", run_job)
    one, other = resolve(sys.executable), Interpreter("other", (3, 99, 0))  # two servers: both workers run
    jobs = [Job(python, Path("a.py"), f"e{n}") for n in range(3) for python in (one, other)]
    assert run_jobs(jobs, workers=2) == [job.entry for job in jobs]
    assert sorted(given.values(), key=sorted) == [{1}, {3}]


def test_a_batch_takes_the_callers_cpus_from_one_its_process_id_picks(monkeypatch):
    from threadport import runs

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {5, 2, 7})
    monkeypatch.setattr(os, "getpid", lambda: 301)  # 301 % 3 == 1: from the second
    assert runs.batch_cpus() == (5, 7, 2)
    settings = runs.batch_settings()
    assert [settings.cpu(n) for n in range(4)] == [5, 7, 2, 5]
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {4})  # one CPU: nothing to keep apart
    assert runs.batch_cpus() == () and runs.batch_settings().cpu(0) is None
