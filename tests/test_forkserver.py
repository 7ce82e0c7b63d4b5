"""Runs forked from a warm server (threadport.forkserver) against fresh processes.

A forked run must be indistinguishable from a fresh `python child.py ...` run: the
same transcript for every entry point of the catalogue on 2.7 and on every Python 3
(forked as compare forks them: kept on one CPU under the virtual clock, runner._READS_CPU_SET),
and the same answers to what a snippet could ask about its process (modules loaded,
threads and their locks, descriptors, session, argv, environment, signals, stdio).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from audited_child import RUN_CHILD
from availability import unavailable

from threadport import forkserver, processes, runner, runs
from threadport.catalog import load_catalog
from threadport.interpreters import python3s, resolve
from threadport.runner import child_environment, needs_fresh_process, run_entry
from threadport.runs import Job, run_jobs, side_job

# The 2.7 half of a forked-against-fresh comparison runs once in CI (the every-python env), not
# in each env of the matrix: both runs are python2.7 processes, and the parent's side of them
# (forkserver.lease, run_entry, the transcript) is the same code the modern half of the same
# test drives in every env. conftest turns the mark into every_python for that half alone.
LEGACY_HALF_ONCE = pytest.mark.interpreter_free(
    "both runs are python2.7 processes; the modern half drives the same parent code in every env",
    half="legacy",
)

# A run's CPUs are set by the parent (runs.batch_cpus, ForkServer._keep_on) and reported by the
# kernel; the run's interpreter only reads them back. The Python running pytest drives the same
# parent code in every env, and the screen's answer by version has tests of its own (every
# Python 3, and a table by version): the every-python env runs these once, both halves.
CPU_SET_ONCE = pytest.mark.interpreter_free(
    "the parent sets a run's CPUs and the kernel reports them: the same code whichever Python runs pytest"
)


def comparable(transcript) -> dict:
    """Every field of a transcript but its wall time and its virtual time. The virtual
    time can differ from run to run of the same kind: condition_rlock's wake_waiters
    polls once before its first sleep, so whether it sleeps 0.01 s more depends on how
    fast its threads reach wait() in real time (15 fresh runs on 2.7: 2.0 s six times,
    2.01 s eight times, 2.02 s once). compare does not look at it."""
    fields = transcript.to_json()
    del fields["seconds"], fields["virtual_seconds"]
    return fields


def run_clock_script(python: str, template: str) -> subprocess.CompletedProcess:
    """``template``, a script that imports the clock's modules from ``{clock}`` (its folder), run
    by ``python -S -B -u``, a fork server's flags: -B, or 2.7 leaves virtual.pyc beside
    virtual.py, which a later plain import of the clock then loads (its __file__ the .pyc); -u,
    since a script's forked children print and then leave by os._exit, which flushes nothing
    (tox passes no PYTHONUNBUFFERED to the tests)."""
    script = template.format(clock=str(Path(str(forkserver.CHILD_SCRIPT)).parent))
    return subprocess.run([python, "-S", "-B", "-u", "-c", script], capture_output=True, text=True, timeout=60)


def both_ways(python, path, entry, args=(), **options):
    fresh = run_entry(python, path, entry, list(args), fresh=True, **options)
    forked = run_entry(python, path, entry, list(args), fresh=False, **options)
    return comparable(fresh), comparable(forked)


def catalogue_jobs(legacy_python) -> list[Job]:
    """Legacy halves on 2.7, modern halves on every Python 3 discovery finds, as compare's."""
    legacy = resolve(legacy_python)
    jobs = []
    for pair in load_catalog():
        for entry in pair.entries:
            jobs.append(side_job(pair, entry, legacy, legacy=True))
            jobs += [side_job(pair, entry, python, legacy=False) for python in python3s()]
    return jobs


def forked_as_compare_and_fresh(jobs: list[Job], monkeypatch) -> tuple[list, list[tuple], dict]:
    """Each job run as compare runs it (runs.run_jobs: forked, each worker's virtual-clock runs
    kept on a CPU of its own, runner._READS_CPU_SET) and in a fresh process: the fresh runs,
    the differing jobs' (python, entry, fresh, forked), and the one CPU each forked run was
    kept on (None: more), by (interpreter path, source, entry, arguments, clock mode)."""
    monkeypatch.delenv(forkserver.FRESH_RUNS_ENV, raising=False)
    given: dict = {}
    start = forkserver.ForkServer.start

    def start_and_note(server, argv, directory, token, cpu=None):
        run = start(server, argv, directory, token, cpu)
        # What the kernel says the run inherited: the server's CPUs when it forked the run,
        # those of the worker that leased it (raised in the calling thread by run_jobs).
        kept = os.sched_getaffinity(server.process.pid)
        assert kept == ({cpu} if cpu is not None else os.sched_getaffinity(0)), (cpu, kept)
        # argv: the result file, source, entry point, arguments, clock mode, ...
        given[(server.python, *argv[1:5])] = min(kept) if len(kept) == 1 else None
        return run

    monkeypatch.setattr(forkserver.ForkServer, "start", start_and_note)
    forked = run_jobs(jobs)
    monkeypatch.setattr(forkserver.ForkServer, "start", start)

    def fresh(job):
        return run_entry(
            job.python, job.source, job.entry, job.args, real_time=job.real_time, timeout=job.limit,
            warnings=job.warnings, fresh=True
        )  # fmt: skip

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        fresh_runs = list(pool.map(fresh, jobs))
    differing = [
        (job.python.version_string, job.entry, comparable(one), comparable(other))
        for job, one, other in zip(jobs, fresh_runs, forked)
        if comparable(one) != comparable(other)
    ]
    return fresh_runs, differing, given


def kept_on_one_cpu(given: dict) -> dict[str, set]:
    """The CPUs the forked runs were kept on, by interpreter path (None: every CPU)."""
    cpus: dict[str, set] = {}
    for (python, *_), cpu in given.items():
        cpus.setdefault(python, set()).add(cpu)
    return cpus


@pytest.mark.legacy
@pytest.mark.every_python
def test_every_catalogue_transcript_is_the_same_forked_as_compare_runs_it_and_fresh(legacy_python, monkeypatch):
    jobs = catalogue_jobs(legacy_python)
    assert len({job.python.path for job in jobs}) >= 2
    fresh, differing, given = forked_as_compare_and_fresh(jobs, monkeypatch)
    assert differing == []
    # The catalogue's runs end normally: a comparison of two broken runs would prove little.
    assert all(t.ended == "exit status 0" for t in fresh if t.python.startswith("2."))
    # The forked side is compare's: forked wherever the runner forks, and on two CPUs or more
    # kept on one on 2.7 and on every Python 3, on each CPU of the batch's workers.
    assert len(given) == len({job.key for job in jobs if not needs_fresh_process(job.source)})
    cpus = kept_on_one_cpu(given)
    assert set(cpus) == {job.python.path for job in jobs}
    batch = runs.batch_cpus() or two_cpus()
    assert all(cpus[python] - {None} for python in cpus), cpus
    assert set.union(*cpus.values()) - {None} == set(batch[: os.cpu_count()]), cpus


# What a snippet can ask about the process it runs in. Varying values (the scratch
# folder, the run's marker) are printed by shape only; everything else as it is.
PROBE = """
from __future__ import print_function
import os, signal, stat, sys

def show(name, value):
    print(name, value)

def main():
    show("exc_info", sys.exc_info())
    import threading
    scratch = os.getcwd()
    show("cwd", (os.path.basename(scratch).startswith("threadport-"), os.listdir(".")))
    show("modules", list(sys.modules))
    # the virtual clock's module: a fork server loads it with its code from a cache
    clock = vars(sys.modules.get("virtual", sys))
    named = ("__file__", "__package__", "__cached__", "__name__")
    show("clock", sorted((k, v if k in named else type(v).__name__) for k, v in clock.items() if k[:2] == "__"))
    spec = clock.get("__spec__")
    show("clock spec", spec and (spec.name, spec.origin, spec.cached, spec.has_location, type(spec.loader).__name__))
    show("main", sorted(vars(sys.modules["__main__"])))
    show("argv", [a.replace(scratch, "SCRATCH") for a in sys.argv])
    orig = getattr(sys, "orig_argv", [])
    show("orig_argv", [a.replace(scratch, "SCRATCH") for a in orig])
    show("path", sys.path)
    show("flags", sys.flags)
    show("warnoptions", sys.warnoptions)
    env = dict(os.environ)
    show("environ", [(k, len(v) if k == "THREADPORT_RUN" else v) for k, v in env.items()])
    show("session", os.getsid(0) == os.getpid() == os.getpgrp())
    fds = sorted(int(fd) for fd in os.listdir("/proc/self/fd"))
    show("fds", fds)
    import fcntl
    for fd in (0, 1, 2):
        mode = os.fstat(fd).st_mode
        show("fd", (fd, stat.S_ISFIFO(mode), stat.S_ISCHR(mode), fcntl.fcntl(fd, fcntl.F_GETFL) & 3))
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        facts = [type(stream).__name__, stream.isatty(), getattr(stream, "encoding", None)]
        facts += [getattr(stream, "line_buffering", None), getattr(stream, "write_through", None)]
        if hasattr(stream, "seekable"):
            facts.append(stream.seekable())
        show("stream", facts)
    show("stdin", repr(sys.stdin.read()))
    show("signals", [(n, signal.getsignal(n) in (signal.SIG_DFL, signal.SIG_IGN) and int(signal.getsignal(n)))
                     for n in range(1, signal.NSIG) if n not in (signal.SIGKILL, signal.SIGSTOP)])
    show("threads", [(t.name, t.daemon) for t in threading.enumerate()])
    main_thread = threading.current_thread()
    try:
        from threading import get_ident
    except ImportError:
        from thread import get_ident
    show("main ident", main_thread.ident == get_ident())
    if hasattr(threading, "main_thread"):
        show("main thread", threading.main_thread() is main_thread)
    # threading's registry locks and the main thread's own: fork re-makes them (3.7+).
    kind = lambda value: type(value).__module__ + "." + type(value).__name__
    registry = ("_active_limbo_lock", "_shutdown_locks_lock")
    show("registry locks", [kind(getattr(threading, name)) for name in registry if hasattr(threading, name)])
    internals = [name for name in vars(main_thread) if "lock" in name.lower() or "block" in name.lower()]
    show("main locks", sorted((name, kind(getattr(main_thread, name))) for name in internals))
    started = getattr(main_thread, "_started", None) or getattr(main_thread, "_Thread__started")
    condition = getattr(started, "_cond", None) or getattr(started, "_Event__cond")
    show("started lock", kind(getattr(condition, "_lock", None) or getattr(condition, "_Condition__lock")))
    # 2.7: threading._after_fork made the main thread's Condition again, with an RLock (its
    # own was made with a Lock); a 2.7 fork server whose import of _ctypes made the GIL has
    # each fork run it (clock/quiet_exit_py2.py _skip_after_fork)
    block = getattr(main_thread, "_Thread__block", None)
    show("block lock", block and kind(block._Condition__lock))
    show("after fork", getattr(getattr(threading, "_after_fork", None), "__name__", None))
    worker = threading.Thread(target=lambda: None)
    worker.start()
    worker.join()
    show("thread name", worker.name)
    show("hash", hash("threadport"))
    show("depth", len(__import__("traceback").extract_stack()))
    show("recursion", sys.getrecursionlimit())
    import datetime, time
    show("clock", abs(time.time() - (datetime.datetime.now() - datetime.datetime(1970, 1, 1)).total_seconds()
                      - (time.timezone if not time.localtime().tm_isdst else time.altzone)) < 60)
"""

# How a run ends: each must end the same way forked as fresh.
ENDINGS = {
    "atexit": "import atexit\ndef main():\n    atexit.register(lambda: __import__('sys').stdout.write('bye\\n'))\n",
    # The virtual sleep returns only once every other thread is blocked, so the daemon
    # is parked in wait() before main returns. Without it the daemon could still be on
    # its way into wait() when 2.7 tears its modules down, and print "Exception in
    # thread Thread-1 (most likely raised during interpreter shutdown)" about one run
    # in a hundred under load, fresh and forked alike.
    "daemon": (
        "import threading, time\n"
        "def main():\n"
        "    e = threading.Event()\n"
        "    t = threading.Thread(target=e.wait)\n"
        "    t.daemon = True\n"
        "    t.start()\n"
        "    time.sleep(1)\n"
        "    print('main done')\n"
    ),
    "os._exit": "import os, sys\ndef main():\n    sys.stdout.write('x\\n')\n    os._exit(5)\n",
    "exit message": "import sys\ndef main():\n    sys.exit('no more')\n",
    "exception": "def main():\n    raise KeyboardInterrupt\n",
    "killed": "import os, signal\ndef main():\n    os.kill(os.getpid(), signal.SIGTERM)\n",
    "deadlock": "import threading\ndef main():\n    l = threading.Lock()\n    l.acquire()\n    l.acquire()\n",
    # The teardown at exit runs code: a forked run ends through the interpreter's shutdown
    # (clock/quiet_exit.py), so each shows what a fresh run shows.
    "__del__": (
        "class Loud(object):\n    def __del__(self):\n        print('del at exit')\n"
        "kept = Loud()\ndef main():\n    pass\n"
    ),
    "__del__ added": (
        "import os, threading\n"
        "def main():\n"
        "    gone = lambda self, write=os.write: write(1, b'main thread gone\\n')  # 2.7 clears globals first\n"
        "    type(threading.current_thread()).__del__ = gone\n"
    ),
    # on a class the server made an object of only through its MRO (threading.Thread, the
    # base of the server's _MainThread): quiet_exit looks at every class of those MROs
    "__del__ added to a base": (
        "import os, threading\n"
        "def main():\n"
        "    threading.Thread.__del__ = lambda self, write=os.write: write(1, b'a thread gone\\n')\n"
    ),
    # A server object moved into a run's class: the run's scan of its own objects does not
    # list the server's (frozen) ones, so only the class assignment itself tells.
    "__class__ of a server object replaced": (
        "import os, threading\n"
        "class Gone(type(threading.current_thread())):\n"
        "    def __del__(self, write=os.write):\n"
        "        write(1, b'main thread object gone\\n')\n"
        "def main():\n"
        "    threading.current_thread().__class__ = Gone\n"
    ),
    "__del__ untracked": (
        "class Slots(object):\n    __slots__ = ()\n    def __del__(self):\n        print('slots gone')\n"
        "kept = [Slots()]\ndef main():\n    pass\n"
    ),
    "weakref callback": (
        "import os, sys, weakref\nclass Thing(object):\n    pass\n"
        "def main():\n"
        "    thing = Thing()\n"
        "    thing.me = thing  # a cycle: freed by gc at exit, while sys still holds the weakref\n"
        "    sys.kept = weakref.ref(thing, lambda ref: os.write(1, b'referent gone\\n'))\n"
    ),
    # a weakref whose callback cannot be hashed: the checks at exit must not raise (2.7's did)
    "unhashable weakref callback": (
        "import _weakref\n"
        "class Callback(object):\n    __hash__ = None\n    def __call__(self, ref):\n        pass\n"
        "class Thing(object):\n    pass\n"
        "kept = Thing()\nref = _weakref.ref(kept, Callback())\ndef main():\n    print('ran')\n"
    ),
    "generator finally": (
        "def steps():\n    try:\n        yield 1\n    finally:\n        print('generator closed')\n"
        "started = steps()\nnext(started)\ndef main():\n    pass\n"
    ),
    "unflushed file": (
        "import os, sys\n"
        "def main():\n"
        "    global late\n"
        "    late = os.fdopen(os.dup(1), 'w')\n"
        "    late.write('written at exit\\n')\n"
    ),
    "stdout replaced": (
        "import sys\nclass Held(object):\n    def write(self, text):\n        pass\n"
        "    def flush(self):\n        sys.__stdout__.write('flushed at exit\\n')\n"
        "def main():\n    sys.stdout = Held()\n"
    ),
    "resource warning": (
        "import warnings\n"
        "def main():\n"
        "    global handle\n"
        "    warnings.simplefilter('always')\n"
        "    handle = open(__file__)\n"
    ),
    # Every event the run's hook sees is printed: the checks at exit must not raise any.
    # The shutdown calls threading._shutdown, whatever the run put there.
    "threading._shutdown replaced": (
        "import threading\ndef main():\n    threading._shutdown = lambda: print('shutdown replaced')\n"
    ),
    "audit hook": (
        "import os, sys\n"
        "def main():\n"
        "    if hasattr(sys, 'addaudithook'):\n"
        "        sys.addaudithook(lambda event, args: os.write(1, (event + '\\n').encode()))\n"
    ),
    # 2.7's shutdown (clock/quiet_exit_py2.py): a newline owed by `print x,`, an old-style
    # instance's __del__, an exit function set directly
    "softspace": "import sys\ndef main():\n    sys.stdout.write('a')\n    sys.stdout.softspace = 1\n",
    "old-style __del__": (
        "class Old:\n    def __del__(self):\n        print('old gone')\nkept = Old()\ndef main():\n    pass\n"
    ),
    "sys.exitfunc": "import sys\ndef main():\n    sys.exitfunc = lambda: sys.stdout.write('exit function\\n')\n",
    # What 2.7's quiet exit reads apart from gc's young generations (clock/quiet_exit_py2.py):
    # an old-style instance of the server's (3.x: os.environ is new-style, and the __del__ of
    # an instance's own dictionary is never called), and an object moved to the oldest
    # generation by the run's own collections.
    "__del__ on the server's old-style instance": (
        "import os\ndef main():\n    os.environ.__del__ = lambda write=os.write: write(1, b'environ gone\\n')\n"
    ),
    "__del__ in the oldest generation": (
        "class Loud(object):\n    def __del__(self):\n        print('old object gone')\n"
        "def main():\n    global kept, many\n    kept = Loud()\n    many = [[] for _ in range(20000)]\n"
    ),
    "non-daemon": (
        "from __future__ import print_function\nimport threading, time\n"
        "def main():\n"
        "    threading.Thread(target=lambda: (time.sleep(3), print('late'))).start()\n"
        "    print('early')\n"
    ),
}


@LEGACY_HALF_ONCE
@pytest.mark.parametrize("real_time", [False, True], ids=["virtual", "real time"])
def test_a_snippet_sees_the_same_process_forked_and_fresh(any_python, snippet, real_time):
    path = snippet(PROBE)
    fresh, forked = both_ways(any_python, path, "main", real_time=real_time, timeout=30)
    assert fresh["ended"] == "exit status 0", fresh["stderr"]
    assert fresh == forked
    # and from a server that has served a run before (a compare's servers serve many): on 2.7
    # its replies once imported encodings.ascii, which every later forked run then had
    again = run_entry(any_python, path, "main", [], fresh=False, real_time=real_time, timeout=30)
    assert comparable(again) == fresh


@pytest.mark.legacy
@pytest.mark.every_python
def test_every_interpreter_shows_a_snippet_the_same_process_forked_and_fresh(legacy_python, snippet):
    path = snippet(PROBE)
    for python in [legacy_python, *(found.path for found in python3s())]:
        for real_time in (False, True):
            fresh, forked = both_ways(python, path, "main", real_time=real_time, timeout=30)
            assert fresh["ended"] == "exit status 0", (python, fresh["stderr"])
            assert fresh == forked, python


@LEGACY_HALF_ONCE
@pytest.mark.parametrize("name", sorted(ENDINGS))
def test_every_way_a_run_ends_is_the_same_forked_and_fresh(any_python, snippet, name):
    fresh, forked = both_ways(any_python, snippet(ENDINGS[name]), "main", timeout=30)
    assert fresh == forked


# On 3.8 and 3.9 each atexit module holds its own callbacks (clock/quiet_exit.py): the run's,
# even out of sys.modules or with its count replaced, is the one the shutdown runs.
ATEXIT_ENDINGS = {
    "registered": ENDINGS["atexit"],
    "module taken out of sys.modules": (
        "import atexit, sys\n"
        "def main():\n"
        "    atexit.register(sys.stdout.write, 'bye\\n')\n"
        "    del sys.modules['atexit']\n"
    ),
    "count replaced": (
        "import atexit, sys\n"
        "def main():\n"
        "    atexit.register(sys.stdout.write, 'bye\\n')\n"
        "    atexit._ncallbacks = lambda: 0\n"
    ),
}


@pytest.mark.every_python
@pytest.mark.parametrize("name", sorted(ATEXIT_ENDINGS))
def test_an_atexit_callback_runs_forked_as_fresh_on_every_python_3(snippet, name):
    # The quiet exit counts atexit's callbacks with the server's own atexit module from 3.10
    # (the callbacks are the interpreter's there), and looks at the run's modules on 3.8 and 3.9.
    path = snippet(ATEXIT_ENDINGS[name])
    for found in python3s():
        fresh, forked = both_ways(found.path, path, "main", timeout=30)
        assert fresh["stdout"] == ["bye"] and fresh == forked, found.version_string


# A weakref.finalize (tempfile.TemporaryDirectory makes one: daemon_exit's modern demo) leaves
# its exit hook registered, silent once every finalizer has run; but atexit shows only how many
# callbacks it holds, not which nor with what arguments (clock/quiet_exit.py), and the same
# hook registered again with an argument fails loudly at exit. Both end as a fresh run does.
FINALIZE_HOOK = {
    "empty again": (
        "import tempfile\n"
        "def main():\n"
        "    with tempfile.TemporaryDirectory() as folder:\n"
        "        print('made and removed')\n"
    ),
    "registered again with an argument": (
        "import atexit, weakref\n"
        "class Thing:\n"
        "    pass\n"
        "def main():\n"
        "    weakref.finalize(Thing(), print, 'finalized')  # Thing() is gone at once: the registry is empty again\n"
        "    atexit._clear()  # (unregister would leave an empty slot, which atexit still counts)\n"
        "    atexit.register(weakref.finalize._exitfunc, 'an argument')\n"
    ),
}


@pytest.mark.every_python
@pytest.mark.parametrize("name", sorted(FINALIZE_HOOK))
def test_a_finalizers_exit_hook_ends_a_run_forked_as_fresh_on_every_python_3(snippet, name):
    path = snippet(FINALIZE_HOOK[name])
    for found in python3s():
        fresh, forked = both_ways(found.path, path, "main", timeout=30)
        assert fresh["exit"] == 0 and fresh == forked, found.version_string
        if name == "registered again with an argument":
            assert fresh["stdout"] == ["finalized"] and "TypeError" in fresh["stderr"][-1], found.version_string


# What the shutdown runs, changed by the run: it calls threading._shutdown, which reads threading's
# globals, builtins, the main thread's attributes and methods of its classes (Thread, _MainThread),
# and each of them may be the run's (clock/quiet_exit.py, SHUTDOWN_READS). Each prints at exit in a
# fresh run, on 2.7 and on each Python 3 through what that version's shutdown reads: 3.8-3.12 stop
# the main thread (Thread._stop, under _shutdown_locks_lock), 3.13 reads its _handle and calls
# _thread._shutdown; 2.7's calls _MainThread._exitfunc (self._Thread__stop, _pickSomeNonDaemonThread).
# Names a 2.7 run may not use (vars, getattr, dunders) would send its run through the shutdown for
# that alone (quiet_exit_py2.plain_code), so none of these snippets uses one on its 2.7 path.
SHUTDOWN_CHANGED = {
    "a method of Thread it calls": (
        "import os, sys, threading\n"
        "def main():\n"
        "    if sys.version_info < (3,):\n"
        "        stop = threading.Thread._Thread__stop\n"
        "        threading.Thread._Thread__stop = lambda self: (os.write(1, b'stopped at exit\\n'), stop(self))\n"
        "    elif sys.version_info < (3, 13):\n"
        "        stop = threading.Thread._stop\n"
        "        threading.Thread._stop = lambda self: (os.write(1, b'stopped at exit\\n'), stop(self))\n"
        "    else:\n"
        "        handle = threading.current_thread()._handle\n"
        "        threading.Thread._handle = property(lambda self: os.write(1, b'handle read at exit\\n') and handle)\n"
    ),
    # name and daemon: a 2.7 run may set them (on its threads: t.daemon = True), so only the end of
    # the run tells that it replaced the class's property (clock/quiet_exit_py2.py); 3.13 reads none
    "a property of Thread it reads": (
        "import os, threading\n"
        "def main():\n"
        "    threading.Thread.daemon = property(lambda self: os.write(1, b'daemon read at exit\\n') and False)\n"
    ),
    "a method of _MainThread it calls": (
        "import os, sys, threading\n"
        "def main():\n"
        "    if sys.version_info < (3,):\n"
        "        threading._MainThread._Thread__stop = lambda self: os.write(1, b'stopped at exit\\n')\n"
        "    elif sys.version_info < (3, 13):\n"
        "        threading._MainThread._stop = lambda self: os.write(1, b'stopped at exit\\n')\n"
        "    else:\n"
        "        handle = threading.current_thread()._handle\n"
        "        read = lambda self: os.write(1, b'handle read at exit\\n') and handle\n"
        "        threading._MainThread._handle = property(read)\n"
    ),
    "a threading global it calls": (
        "import os, sys, threading\n"
        "class Loud(object):\n"
        "    def __enter__(self):\n"
        "        os.write(1, b'locked at exit\\n')\n"
        "    def __exit__(self, *failure):\n"
        "        pass\n"
        "def main():\n"
        "    if sys.version_info < (3,):\n"
        "        pick = threading._pickSomeNonDaemonThread\n"
        "        threading._pickSomeNonDaemonThread = lambda: os.write(1, b'picked at exit\\n') and pick()\n"
        "    elif sys.version_info < (3, 13):\n"
        "        threading._shutdown_locks_lock = Loud()\n"
        "    else:\n"
        "        wait = threading._thread_shutdown\n"
        "        threading._thread_shutdown = lambda: (os.write(1, b'waited at exit\\n'), wait())\n"
    ),
    # 2.7: its builtins are reached through a dunder name only (__builtin__): see above
    "a builtin it calls": (
        "import os, sys\n"
        "try:\n"
        "    import builtins\n"
        "except ImportError:\n"
        "    import __builtin__ as builtins\n"
        "def main():\n"
        "    real = builtins.reversed if sys.version_info >= (3, 9) else builtins.list\n"
        "    loud = lambda items: os.write(1, b'called at exit\\n') and real(items)\n"
        "    if sys.version_info >= (3, 9):\n"
        "        builtins.reversed = loud\n"
        "    else:\n"
        "        builtins.list = loud\n"
    ),
    "a global of threading that hides a builtin it calls": (
        "import os, sys, threading\n"
        "def main():\n"
        "    if sys.version_info < (3,):\n"
        "        threading.hasattr = lambda one, name: os.write(1, b'asked at exit\\n') and False\n"
        "    elif sys.version_info < (3, 13):\n"
        "        threading.list = lambda items: os.write(1, b'listed at exit\\n') and []\n"
        "    else:\n"
        "        threading.reversed = lambda items: os.write(1, b'reversed at exit\\n') and []\n"
    ),
    # 2.7: __code__ and __func__ are dunder names (see above)
    "the code of a function it calls": (
        "import sys, threading\n"
        "def stop(self):\n"
        "    import os\n"
        "    os.write(1, b'replaced code ran at exit\\n')\n"
        "def shutdown():\n"
        "    import os\n"
        "    os.write(1, b'replaced code ran at exit\\n')\n"
        "def main():\n"
        "    if sys.version_info < (3,):\n"
        "        threading._shutdown.__func__.__code__ = stop.__code__\n"
        "    elif sys.version_info < (3, 13):\n"
        "        threading.Thread._stop.__code__ = stop.__code__\n"
        "    else:\n"
        "        threading._shutdown.__code__ = shutdown.__code__\n"
    ),
    "an attribute of the main thread it reads": (
        "import os, sys, threading\n"
        "class Handle(object):\n"
        "    def is_done(self):\n"
        "        return False\n"
        "    def _set_done(self):\n"
        "        os.write(1, b'done at exit\\n')\n"
        "def main():\n"
        "    if sys.version_info < (3,):\n"
        "        threading.current_thread()._Thread__stop = lambda: os.write(1, b'stopped at exit\\n')\n"
        "    elif sys.version_info < (3, 13):\n"
        "        threading.current_thread()._stop = lambda: os.write(1, b'stopped at exit\\n')\n"
        "    else:\n"
        "        threading.current_thread()._handle = Handle()\n"
    ),
}


@pytest.mark.legacy
@pytest.mark.every_python
@pytest.mark.parametrize("name", sorted(SHUTDOWN_CHANGED))
def test_what_the_shutdown_runs_changed_by_a_run_shows_forked_as_fresh_on_every_python(legacy_python, snippet, name):
    path = snippet(SHUTDOWN_CHANGED[name])
    for python in [legacy_python, *(found.path for found in python3s())]:
        fresh, forked = both_ways(python, path, "main", timeout=30)
        assert fresh["exit"] == 0 and fresh == forked, python


# The check itself at the end of forked runs, each after one change (3.9-3.13): those the
# shutdown would show, and those it would not (a run that names its main thread, and the flag the
# clock's finish_main sets), which must still end quietly. And ctypes loaded: it can change a
# function's code past the audit hook (a write to the function's memory), so no run that loads
# it is proved quiet; what it would write is not tried here.
CHECK_SHUTDOWN = """
import builtins, gc, os, sys
sys.path[0] = {clock!r}
import virtual
virtual.install()
compile("", "<fork server>", "exec")
import quiet_exit
check = quiet_exit.checker(gc)
gc.freeze()
import threading
main = threading.main_thread()
before_13 = sys.version_info < (3, 13)
changes = [
    "pass",
    "main.name = 'renamed'",
    "threading._SHUTTING_DOWN = True",
    "threading.Thread._stop = lambda self: None" if before_13 else "threading.Thread._handle = property()",
    "threading._MainThread.__getattr__ = lambda self, name: None",
    "del threading.Thread.ident" if before_13 else "threading._MainThread.is_done = None",
    "threading._threading_atexits = []",
    "threading._shutdown_locks_lock = threading.RLock()" if before_13 else "threading._thread_shutdown = len",
    "threading._shutdown_locks_lock.acquire()" if before_13 else "threading._is_main_interpreter = len",
    "threading._shutdown_locks.add(threading.Lock())" if before_13 else "threading.reversed = reversed",
    "builtins.reversed = lambda items: reversed(items)",
    "threading._shutdown.__code__ = threading._shutdown.__code__",
    "main._stop = main._stop" if before_13 else "main._handle = object()",
    "main._tstate_lock.release()" if before_13 else "main._handle = main._handle",
    "main._is_stopped = 0" if before_13 else "del main._handle",
    "import ctypes",
]
for change in changes:
    if virtual.fork() == 0:
        exec(change)
        print(check(0))
        os._exit(0)
    os.wait()
"""


@pytest.mark.every_python
def test_a_forked_runs_check_refuses_the_quiet_exit_when_what_the_shutdown_runs_changed():
    checked = 0
    for found in python3s():
        if found.version[:2] < (3, 9):
            continue  # 3.8 has no quiet exit (test_a_finalizers_exit_hook_alone_ends_a_run_quietly...)
        done = run_clock_script(found.path, CHECK_SHUTDOWN)
        # (3.13: the main thread's own handle set again, the same object: quiet)
        same_again = "True" if found.version[:2] >= (3, 13) else "False"
        expected = ["True"] * 3 + ["False"] * 10 + [same_again, "False", "False"]
        assert done.stdout.split() == expected, (found.version_string, done.stderr)
        checked += 1
    assert checked >= 1


@LEGACY_HALF_ONCE
def test_a_thread_still_running_when_main_returns_is_waited_for_forked_as_fresh(any_python, snippet):
    # In real time nothing joins it before the interpreter's shutdown does.
    path = snippet(ENDINGS["non-daemon"])
    fresh, forked = both_ways(any_python, path, "main", real_time=True, timeout=30)
    assert fresh["stdout"] == ["early", "late"]
    assert fresh == forked


def test_an_iterator_left_open_warns_at_exit_forked_as_fresh(snippet):
    # gc does not track a scandir iterator: only the warning filters tell that its teardown
    # warns. The warning names the iterator's address, which differs from run to run.
    path = snippet(
        "import os, warnings\n"
        "def main():\n"
        "    global entries\n"
        "    warnings.simplefilter('always')\n"
        "    entries = os.scandir('.')\n"
    )
    fresh, forked = both_ways(sys.executable, path, "main", timeout=30)
    address = re.compile(r"0x[0-9a-f]+")
    assert any("ResourceWarning: unclosed scandir iterator" in line for line in fresh["stderr"])
    assert [address.sub("0x", line) for line in forked["stderr"]] == [
        address.sub("0x", line) for line in fresh["stderr"]
    ]


def test_warning_flags_and_their_complaints_are_the_same_forked_and_fresh(snippet):
    path = snippet("import warnings\ndef main():\n    warnings.warn('old', DeprecationWarning)\n")
    for flags in (["error::DeprecationWarning"], ["nonsense::Spec"]):
        fresh, forked = both_ways(sys.executable, path, "main", warnings=flags, timeout=30)
        assert fresh == forked
    assert any("Invalid -W option" in line for line in fresh["stderr"])


# A fork server compiles a run's source before the fork (clock/child.py, _compile_ahead):
# what compiling shows must still be the run's own, from the first run and from a server
# that has compiled the source before. Every version here warns about one of the two lines.
COMPILING = {
    "SyntaxError": "def main(:\n    pass\n",
    "SyntaxWarning": "def main():\n    assert (1, 'always true')\n    return 1 is 1\n",
}


@LEGACY_HALF_ONCE
@pytest.mark.parametrize("name", sorted(COMPILING))
def test_what_compiling_a_source_shows_is_the_same_forked_and_fresh(any_python, snippet, name):
    path = snippet(COMPILING[name])
    fresh, forked = both_ways(any_python, path, "main", timeout=30)
    assert any(name in line for line in fresh["stderr"]), fresh["stderr"]
    assert forked == fresh
    again = run_entry(any_python, path, "main", [], fresh=False, timeout=30)
    assert comparable(again) == fresh


def test_a_source_rewritten_between_runs_runs_as_it_is_now(any_python, snippet):
    # The same size, within the same clock tick: a server compares the bytes it compiled.
    path = snippet("def main():\n    print('one')\n")
    assert run_entry(any_python, path, "main", fresh=False).stdout == ["one"]
    path.write_text("def main():\n    print('two')\n")
    assert run_entry(any_python, path, "main", fresh=False).stdout == ["two"]


def test_an_entry_point_without_arguments_is_called_without_evaluating_them(snippet):
    # eval("[]") compiled the literal at every run (parser and compiler): 8-19 page faults of a
    # forked run, for 17 of the catalogue's 19 entry points. A run's audit hook would see it.
    path = snippet(
        "import sys\n"
        "compiled = []\n"
        "sys.addaudithook(lambda event, args: compiled.append(args[0]) if event == 'compile' else None)\n"
        "def main(*args):\n"
        "    print(args, sum(1 for source in compiled if source in (b'[]', b'[5, ]')))\n"
    )
    for fresh in (True, False):
        assert run_entry(sys.executable, path, "main", [], fresh=fresh).stdout == ["() 0"]
        assert run_entry(sys.executable, path, "main", [5], fresh=fresh).stdout == ["(5,) 1"]  # the hook sees


# The CPUs a run may use, as its process lists them (2.7 and 3.x alike). "/pr" "oc/": a source
# that names /proc/ runs fresh (runner._TELLS_APART), and this one must be forked.
CPUS_ALLOWED = """
def main():
    for line in open("/pr" + "oc/self/status"):
        if line.startswith("Cpus_allowed_list:"):
            print(line.split()[1])
"""


def two_cpus() -> list[int]:
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        unavailable(
            f"keeping a run on one CPU of several needs two; this process has {cpus}", "THREADPORT_REQUIRE_CPUS"
        )
    return cpus


@CPU_SET_ONCE
def test_a_forked_virtual_clock_run_is_kept_on_the_cpu_it_is_given(any_python, snippet):
    cpus = two_cpus()
    path = snippet(CPUS_ALLOWED)
    every = run_entry(any_python, path, "main", fresh=True).stdout
    assert every != [str(cpus[0])], "a fresh run may use every CPU"
    # One server, leased with one CPU and then another (a batch's two workers), then with none.
    for cpu in (cpus[1], cpus[0]):
        assert run_entry(any_python, path, "main", fresh=False, cpu=cpu).stdout == [str(cpu)]
    assert run_entry(any_python, path, "main", fresh=False).stdout == every
    # Real time: threads that run side by side, as a fresh run's do.
    assert run_entry(any_python, path, "main", fresh=False, cpu=cpus[0], real_time=True).stdout == every


@CPU_SET_ONCE
def test_every_cpu_is_the_callers_at_each_run_not_when_the_server_started(any_python, snippet):
    cpus = two_cpus()
    path = snippet(CPUS_ALLOWED)
    run_entry(any_python, path, "main", fresh=False)  # a server started on every CPU, left idle
    for cpu in (None, cpus[0]):  # the server then kept on no CPU of its own, or on one
        if cpu is not None:
            run_entry(any_python, path, "main", fresh=False, cpu=cpu)
        every = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {cpus[-1]})  # the caller's CPUs change (taskset -p, a cgroup)
        try:
            fresh, forked = both_ways(any_python, path, "main")
        finally:
            os.sched_setaffinity(0, every)
        assert fresh["stdout"] == [str(cpus[-1])] and forked == fresh, cpu


@CPU_SET_ONCE
def test_a_run_whose_cpus_cannot_be_set_is_on_every_cpu_forked_or_fresh(snippet, monkeypatch):
    cpus = two_cpus()
    # The servers idle from earlier tests go: one kept on a CPU by a batch (a worker's CPU
    # depends on pytest's process id) would take this test's later runs, each refusal counted.
    forkserver.close_all()
    path = snippet(CPUS_ALLOWED)
    every = run_entry(sys.executable, path, "main", fresh=True).stdout
    set_cpus = os.sched_setaffinity
    refused = []

    def refuse(pid, mask):  # a CPU taken offline, or a cpuset changed under the caller
        if len(mask) in refusing:
            refused.append(mask)
            raise OSError(22, "Invalid argument")
        set_cpus(pid, mask)

    monkeypatch.setattr(os, "sched_setaffinity", refuse)
    refusing = {1}  # one CPU cannot be had: the run is on every CPU
    assert run_entry(sys.executable, path, "main", fresh=False, cpu=cpus[0]).stdout == every
    refusing = set()
    assert run_entry(sys.executable, path, "main", fresh=False, cpu=cpus[0]).stdout == [str(cpus[0])]
    refusing = {1, len(cpus)}  # nor every CPU again: the server is not used, the run is fresh
    assert run_entry(sys.executable, path, "main", fresh=False).stdout == every
    assert run_entry(sys.executable, path, "main", fresh=False, cpu=cpus[1]).stdout == every
    assert refused == [{cpus[0]}, set(cpus), {cpus[1]}]
    # No server kept for later runs has CPUs other than those it is known to have.
    kept = [server for idle in forkserver._idle.values() for server in idle if server.python == sys.executable]
    assert kept and all(os.sched_getaffinity(server.process.pid) == server.cpus for server in kept)


# A caller kept on one CPU (taskset -c N threadport compare), as a batch of its sees it.
CALLER_ON_ONE_CPU = """
import os, sys
from threadport.interpreters import resolve
from threadport.runs import Job, batch_cpus, run_jobs
os.sched_setaffinity(0, {int(sys.argv[1])})  # before any thread or fork server: all inherit it
jobs = [Job(resolve(python), sys.argv[2], "main") for python in sys.argv[3:]]
print(batch_cpus(), [t.stdout for t in run_jobs(jobs, workers=2)])
"""


@pytest.mark.legacy
@CPU_SET_ONCE
def test_a_caller_kept_on_one_cpu_has_its_runs_kept_there(legacy_python, snippet):
    cpus = two_cpus()
    environment = {k: v for k, v in os.environ.items() if k != forkserver.FRESH_RUNS_ENV}
    command = [sys.executable, "-c", CALLER_ON_ONE_CPU, str(cpus[-1]), str(snippet(CPUS_ALLOWED))]
    shown = subprocess.run([*command, legacy_python, sys.executable], capture_output=True, text=True, env=environment)
    assert (shown.stdout, shown.stderr) == (f"() [['{cpus[-1]}'], ['{cpus[-1]}']]\n", "")


@CPU_SET_ONCE
@pytest.mark.parametrize("word", runner._READS_CPU_SET + runner._READS_CPU_SET_FROM_3_13)
def test_a_source_that_names_what_reads_the_cpu_set_is_forked_onto_every_cpu(any_python, snippet, word):
    cpus = two_cpus()
    python = resolve(any_python)
    path = snippet(CPUS_ALLOWED + f"# {word.decode()}\n")
    fresh, forked = both_ways(python, path, "main", cpu=cpus[1])
    reads = word in runner._READS_CPU_SET or python.version[:2] >= (3, 13)
    assert fresh["stdout"] != [str(cpus[1])]
    assert forked["stdout"] == (fresh["stdout"] if reads else [str(cpus[1])]), python.version
    # An interpreter given by its path alone, version unknown: as 3.13.
    assert run_entry(any_python, path, "main", fresh=False, cpu=cpus[1]).stdout == fresh["stdout"]
    assert not runner.needs_fresh_process(path) or word == b"multiprocessing", "forked, not fresh"


@pytest.mark.legacy
@CPU_SET_ONCE
def test_a_batchs_real_time_runs_are_forked_onto_every_cpu(legacy_python, snippet, monkeypatch):
    cpus = two_cpus()
    path = snippet(CPUS_ALLOWED)
    pythons = (resolve(legacy_python), resolve(sys.executable))
    virtual = [Job(python, path, "main") for python in pythons]
    real = [Job(python, path, "main", real_time=True) for python in pythons]
    fresh, differing, given = forked_as_compare_and_fresh(virtual + real, monkeypatch)
    every = fresh[0].stdout
    assert all(t.stdout == every for t in fresh) and every not in [[str(cpu)] for cpu in cpus]
    # Under the virtual clock, the difference runs.run_jobs makes on purpose; in real time, none.
    assert [(python, entry) for python, entry, *_ in differing] == [(p.version_string, "main") for p in pythons]
    assert sorted(cpu is None for cpu in given.values()) == [False, False, True, True]


# A program that a run starts inherits the run's CPUs, and what it reads of them is not in the
# run's source: nproc counts them (coreutils), as a Python 3.13 started by a 3.12 run would.
STARTS_NPROC = {
    "subprocess": "import subprocess\ndef main():\n    print(subprocess.check_output(['nproc']).decode().strip())\n",
    "os.system": "import os, sys\ndef main():\n    sys.stdout.flush()\n    os.system('nproc')\n",
    "os.popen": "import os\ndef main():\n    print(os.popen('nproc').read().strip())\n",
    "os.execv": "import os\ndef main():\n    os.execv('/bin/sh', ['sh', '-c', 'nproc'])\n",
}


@CPU_SET_ONCE
@pytest.mark.parametrize("way", sorted(STARTS_NPROC))
def test_a_program_a_run_starts_counts_the_same_cpus_forked_as_fresh(any_python, snippet, way):
    cpus = two_cpus()
    fresh, forked = both_ways(resolve(any_python), snippet(STARTS_NPROC[way]), "main", cpu=cpus[0])
    assert fresh["stdout"] == [str(len(cpus))] and forked == fresh


def test_the_cpu_set_screen_reads_the_interpreters_version(snippet):
    # runner._READS_CPU_SET: what reads the CPU set on every Python 3, and from 3.13 on; a later
    # or unknown version (an interpreter given by its path alone) taken as 3.13.
    plain = snippet("def main():\n    pass\n", "plain.py")
    every_python_3 = snippet("import os\nprint(os.sched_getaffinity(0))\n", "every_python_3.py")
    from_3_13 = snippet("import concurrent.futures\n", "from_3_13.py")
    versions = [(2, 7, 18), (3, 12, 1), (3, 13, 0), (3, 14, 0), None]
    assert [runner.one_cpu_allowed(plain, v) for v in versions] == [True] * 5
    assert [runner.one_cpu_allowed(every_python_3, v) for v in versions] == [False] * 5
    assert [runner.one_cpu_allowed(from_3_13, v) for v in versions] == [True, True, False, False, False]


# What sizes itself by the CPU set, shown by runs the runner keeps on one CPU when the source
# does not name it (runner._READS_CPU_SET): the same answers forked as fresh on every Python 3.
CPU_SET_READERS = (
    "import asyncio, concurrent.futures, os\n"
    "def main():\n"
    "    print(concurrent.futures.ThreadPoolExecutor()._max_workers)\n"
    "    print(concurrent.futures.ProcessPoolExecutor()._max_workers)\n"
    "    loop = asyncio.new_event_loop()\n"
    "    loop.run_until_complete(loop.run_in_executor(None, int))\n"
    "    print(loop._default_executor._max_workers)\n"
    "    loop.close()\n"
    "    print(getattr(os, 'process_cpu_count', os.cpu_count)())\n"
)


@pytest.mark.every_python
def test_what_sizes_itself_by_the_cpu_set_answers_forked_as_fresh_on_every_python_3(snippet):
    cpus = two_cpus()
    path = snippet(CPU_SET_READERS)
    for found in python3s():
        fresh, forked = both_ways(found, path, "main", timeout=30, cpu=cpus[0])
        assert fresh["exit"] == 0 and forked == fresh, found.version_string


def test_fresh_runs_can_be_asked_for(monkeypatch):
    monkeypatch.setenv(forkserver.FRESH_RUNS_ENV, "1")
    assert not forkserver.wanted()
    monkeypatch.delenv(forkserver.FRESH_RUNS_ENV)
    assert forkserver.wanted()


# A daemon made by fork alone (no exec), in a session of its own and orphaned before
# the run ends: only the environment block it shares with the run names it. In a
# forked run that block is the server's, so the server's marker must find it. It waits
# for a writer on the test's FIFO (not a long sleep): when containment misses it, the
# test lets it end instead of leaving it behind (its command line is the server's, an
# idle-looking `child.py --serve` that outlived the mutations env by ten minutes).
FORKED_DAEMON = """
import os
def main(pid_file, release):
    first = os.fork()
    if first == 0:
        os.setsid()
        second = os.fork()
        if second == 0:
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            os.close(os.open(release, os.O_RDONLY))  # until the test opens it for writing
            os._exit(0)
        open(pid_file, "w").write(str(second))
        os._exit(0)
    os.waitpid(first, 0)
"""


def release_waiting_reader(fifo: Path) -> bool:
    """Open ``fifo`` for writing without waiting: a reader blocked in its open() returns.
    False when there was none (ENXIO)."""
    try:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    except OSError:
        return False
    return True


@pytest.mark.parametrize("fresh", [True, False], ids=["fresh", "forked"])
def test_an_orphaned_daemon_made_by_fork_alone_is_found_and_killed(any_python, snippet, tmp_path, fresh):
    from test_hangs import gone

    pid_file, release = tmp_path / "daemon.pid", tmp_path / "release"
    os.mkfifo(release)
    try:
        t = run_entry(
            any_python, snippet(FORKED_DAEMON), "main", [str(pid_file), str(release)], real_time=True, timeout=60,
            fresh=fresh,
        )  # fmt: skip
        pid = int(pid_file.read_text())
        assert t.exit == 0 and t.seconds < 30
        assert t.leftover == [f"pid {pid} ({Path(any_python).name[:15]}) had left the run's session (setsid): killed"]
        assert gone(pid)
    finally:  # missed by containment (a mutation of it): the daemon ends now, not in ten minutes
        if pid_file.exists():
            deadline = time.monotonic() + 10
            while not gone(int(pid_file.read_text()), within=0.05) and time.monotonic() < deadline:
                release_waiting_reader(release)  # it may not have reached its open() yet


@LEGACY_HALF_ONCE
def test_a_source_that_names_gc_runs_in_a_fresh_process(any_python, snippet):
    # A forked run's gc holds the server's objects frozen (3.7+). What a fresh process
    # shows is the interpreter's own: 0 on most, 375 on a fresh 3.12.1 (its start-up
    # freezes objects itself), so the run is held to a fresh run, not to a number.
    path = snippet("import gc\ndef main():\n    print(getattr(gc, 'get_freeze_count', lambda: 0)())\n")
    fresh = run_entry(any_python, path, "main", fresh=True).stdout
    assert run_entry(any_python, path, "main").stdout == fresh
    forked = run_entry(any_python, path, "main", fresh=False).stdout
    can_freeze = subprocess.run(
        [any_python, "-c", "import gc; print(hasattr(gc, 'freeze'))"], capture_output=True, text=True
    )
    if can_freeze.stdout.strip() == "True":
        assert int(forked[0]) > int(fresh[0]), "the difference is real where the server freezes"


def test_a_server_whose_runner_died_removes_its_folder(snippet):
    # A runner killed (no atexit) leaves its servers to read EOF and exit on their own.
    path = snippet("def main():\n    pass\n")
    script = (
        "import os, sys\n"
        "from threadport import forkserver\n"
        "from threadport.runner import run_entry\n"
        "run_entry(sys.executable, sys.argv[1], 'main', fresh=False)\n"
        "[server] = [one for idle in forkserver._idle.values() for one in idle]\n"
        "print(server.folder, flush=True)\n"
        "os._exit(0)\n"
    )
    folder = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True)
    folder = folder.stdout.strip()
    deadline = time.monotonic() + 30  # the server's exit, on a loaded machine
    while os.path.exists(folder) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not os.path.exists(folder)


def test_a_source_edited_to_name_gc_is_judged_again(snippet):
    # The answer is kept per file version (inode, size, mtime): an edit is seen at once.
    path = snippet("def main():\n    print('plain')\n")
    assert not needs_fresh_process(path)
    path.write_text("import gc\ndef main():\n    print(gc.isenabled())\n")
    assert needs_fresh_process(path)


# What a forked run shows differently, each asked the way a snippet would.
TELLS_APART = {
    "parent": "import os\ndef main():\n    print(open('/proc/%d/cmdline' % os.getppid()).read().split('\\0')[-2])\n",
    # the server's command line (--serve): both end with the cache folder
    "command line": "def main():\n    print('--serve' in open('/proc/self/cmdline').read().split('\\0'))\n",
    "stdout": "import os\ndef main():\n    print(os.readlink('/proc/self/fd/1').split(':')[0])\n",
}


@LEGACY_HALF_ONCE
@pytest.mark.parametrize("name", sorted(TELLS_APART))
def test_a_source_that_could_tell_a_forked_run_apart_runs_in_a_fresh_process(any_python, snippet, name):
    path = snippet(TELLS_APART[name])
    fresh, forked = both_ways(any_python, path, "main", timeout=30)
    assert fresh["exit"] == 0 and fresh != forked, "the difference is real"
    assert comparable(run_entry(any_python, path, "main", timeout=30)) == fresh


# 2.7: a fork of the run's own before it starts a thread. The fork server's import of _ctypes
# (clock/quiet_exit_py2.py) made the GIL, so the fork calls threading._after_fork in the child,
# which makes the main thread's Condition again with an RLock; a fresh run has no GIL yet.
FORK_BEFORE_A_THREAD = (
    "import os, sys, threading\n"
    "def main():\n"
    "    pid = os.fork()\n"
    "    if pid == 0:\n"
    "        lock = threading.current_thread()._Thread__block._Condition__lock\n"
    "        os.write(1, type(lock).__name__ + '\\n')\n"
    "        os._exit(0)\n"
    "    os.waitpid(pid, 0)\n"
)


@pytest.mark.legacy
def test_a_2_7_source_that_forks_runs_in_a_fresh_process(legacy_python, snippet):
    path = snippet(FORK_BEFORE_A_THREAD)
    fresh, forked = both_ways(legacy_python, path, "main", timeout=30)
    assert (fresh["stdout"], forked["stdout"]) == (["lock"], ["_RLock"]), "the difference is real"
    assert comparable(run_entry(legacy_python, path, "main", timeout=30)) == fresh


# Kills its parent, which must be a fork server: in a fresh run the parent would be pytest.
# The guard is for this test's own sake: the runner never runs it fresh once the server had it.
PARENT_KILLER = """
import os, signal
def main():
    if b"--serve" in open("/proc/%d/cmdline" % os.getppid(), "rb").read().split(b"\\0"):
        os.kill(os.getppid(), signal.SIGKILL)
    else:
        print("not forked by a server: the runner ran me in a fresh process")
"""


def test_a_run_whose_server_dies_is_reported_as_lost_and_the_next_run_gets_a_new_server(any_python, snippet):
    killer = snippet(PARENT_KILLER)
    with pytest.raises(forkserver.RunLost, match="exit status is lost"):
        run_entry(any_python, killer, "main", fresh=False, timeout=30)
    fine = snippet("def main():\n    print('ok')\n", "fine.py")
    assert run_entry(any_python, fine, "main", fresh=False).stdout == ["ok"]


def test_a_server_that_dies_before_it_names_the_run_loses_the_run_and_never_runs_it_again(
    any_python, snippet, tmp_path, monkeypatch
):
    # The run can kill the server (its parent) before the server has written the run's pid:
    # the request was read, so the run may have started. Running it again in a fresh process
    # would run it twice, and PARENT_KILLER would kill pytest there (CI lost two envs so).
    # Here the server forks the run, which waits, and dies before the pid is read back.
    from test_hangs import gone

    pid_file = tmp_path / "run.pid"
    # The pid goes to a side file renamed into place: the test waits for pid_file to exist and
    # then kills the server, whose run is contained; a file created by open() before its write
    # could be found empty (read '' once in a loaded run here).
    waiter = snippet(
        "import os, signal\n"
        "def main():\n"
        f"    open({str(pid_file) + '.part'!r}, 'w').write(str(os.getpid()))\n"
        f"    os.rename({str(pid_file) + '.part'!r}, {str(pid_file)!r})\n"
        "    signal.pause()\n"
    )
    real_read_line, real_start, forked, servers = forkserver._read_line, forkserver.ForkServer.start, [], []

    def start(server, *args):
        servers.append(server)
        return real_start(server, *args)

    def server_dies_before_the_pid(fd, buffer, timeout):
        line = real_read_line(fd, buffer, timeout)
        if line and b" " in line:  # "PID STARTED": the reply to a run's request
            forked.append(int(line.split()[0]))
            deadline = time.monotonic() + 30
            while not pid_file.exists() and time.monotonic() < deadline:  # the run is in main()
                time.sleep(0.01)
            os.kill(servers[-1].process.pid, signal.SIGKILL)
            raise forkserver.ServerFailed("the fork server closed its reply pipe")
        return line

    real_popen = subprocess.Popen

    def no_fresh_run(command, *args, **kwargs):  # a server's start is still allowed
        assert "--serve" in command, "the run went to a fresh process after the server had its request"
        return real_popen(command, *args, **kwargs)

    monkeypatch.setattr(forkserver, "_read_line", server_dies_before_the_pid)
    monkeypatch.setattr(forkserver.ForkServer, "start", start)
    monkeypatch.setattr(subprocess, "Popen", no_fresh_run)
    with pytest.raises(forkserver.RunLost, match="exit status is lost"):
        run_entry(any_python, waiter, "main", fresh=False, timeout=30)
    assert forked and int(pid_file.read_text()) == forked[0]
    assert gone(forked[0]), "the run the server had forked was contained"


def test_idle_servers_stay_few_however_many_environments_ask(snippet, monkeypatch):
    # Each new environment is a new server (pytest sets PYTEST_CURRENT_TEST for every test):
    # beyond MAX_IDLE_TOTAL the idle servers of the least recently used environments are
    # closed, where they once piled up until select() met a descriptor above 1023.
    monkeypatch.setattr(forkserver, "MAX_IDLE_TOTAL", 2)
    path = snippet("def main():\n    print('ok')\n")
    assert run_entry(sys.executable, path, "main", fresh=False).stdout == ["ok"]  # the session has one at least
    # The session's idle servers set aside, not closed: the tests after this one use them again
    # (closed, each later test that runs an entry point started its servers anew).
    session = forkserver._idle
    monkeypatch.setattr(forkserver, "_idle", {})

    def idle():
        with forkserver._idle_lock:
            return [server for servers in forkserver._idle.values() for server in servers]

    made = []
    try:
        for value in ("0", "1", "2", "3", "3"):
            monkeypatch.setenv("THREADPORT_TEST_ROUND", value)
            assert run_entry(sys.executable, path, "main", fresh=False).stdout == ["ok"]
            made += [server for server in idle() if server not in made]
            assert len(idle()) <= 2
        assert len(made) == 4, "the last environment's server was used again"
        assert [server.alive() for server in made] == [False, False, True, True]
        assert idle() == made[2:]
    finally:
        forkserver.close_all()  # this test's own
    assert session and all(server.alive() for servers in session.values() for server in servers)


@LEGACY_HALF_ONCE
def test_a_server_keeps_its_own_modules_compiled_in_the_cache_folder(any_python, snippet, tmp_path, monkeypatch):
    # The server runs with -B: without the cache it compiled the clock's modules at each start.
    folder = tmp_path / "cache"
    monkeypatch.setenv("THREADPORT_CACHE", str(folder))
    monkeypatch.delenv("THREADPORT_NO_CACHE", raising=False)
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}

    def start_and_close():
        forkserver.ForkServer(any_python, "virtual", (), environment).close()

    start_and_close()
    entries = sorted((folder / "threadport").glob("clock-*.code"))
    names = [entry.name.split("-")[1] for entry in entries]
    # child.py's own second half (driver.py: a script is compiled at every start, 5 ms of it);
    # the quiet exit's checker: quiet_exit on 3.7+, quiet_exit_py2 on 2.7
    quiet = "quiet_exit_py2" if any_python != sys.executable else "quiet_exit"
    assert names == ["driver", quiet, "virtual"]
    written = {entry: entry.stat().st_ino for entry in entries}
    start_and_close()
    assert {entry: entry.stat().st_ino for entry in entries} == written  # read, not written again
    # An entry cut short (or any that does not hold what it claims) is compiled and written again.
    virtual = entries[-1]
    virtual.write_bytes(virtual.read_bytes()[:-100])
    path = snippet(PROBE)
    fresh, forked = both_ways(any_python, path, "main", timeout=30)
    assert fresh["ended"] == "exit status 0", fresh["stderr"]
    assert fresh == forked
    assert virtual.stat().st_ino != written[virtual]
    assert sorted((folder / "threadport").glob("*.*")) == entries  # no temporary file left


@LEGACY_HALF_ONCE
def test_a_fresh_run_takes_the_clock_from_the_cache_folder_and_sees_a_plain_import(
    any_python, snippet, tmp_path, monkeypatch
):
    # A fresh run has -B too: it compiled the clock at every start where the install holds no
    # .pyc of it (uv, tox). From the cache, as the server has it, it must still be what a plain
    # import makes: the forked-against-fresh tests compare two runs that both use the cache.
    folder = tmp_path / "cache"
    monkeypatch.setenv("THREADPORT_CACHE", str(folder))
    monkeypatch.delenv("THREADPORT_NO_CACHE", raising=False)
    environment = child_environment()  # the same for every run here: the parent's cache setting aside
    path = snippet(PROBE)

    def fresh_probe():
        return comparable(run_entry(any_python, path, "main", fresh=True, environment=environment, timeout=30))

    cached = fresh_probe()  # no server here: a fresh run compiles the clock (and child.py's driver) and keeps it
    entries = sorted((folder / "threadport").glob("clock-*.code"))
    assert [entry.name.split("-")[1] for entry in entries] == ["driver", "virtual"]
    written = [entry.stat().st_ino for entry in entries]
    assert fresh_probe() == cached
    assert [entry.stat().st_ino for entry in entries] == written  # read, not written again
    monkeypatch.setenv("THREADPORT_NO_CACHE", "1")
    plain = fresh_probe()  # "-": a plain import
    assert plain["ended"] == "exit status 0", plain["stderr"]
    # the command lines differ in their last word only: the cache folder, or "-"
    mine = str(folder / "threadport")
    cached["stdout"] = [line.replace(repr(mine), repr("-")) for line in cached["stdout"]]
    assert cached == plain


def test_what_a_server_makes_is_frozen_the_ast_classes_and_the_sources_it_compiled(snippet, tmp_path, monkeypatch):
    # The first compile() of a process makes the ast module's classes (630-1080 objects). With
    # the clock's modules read from the cache folder nothing compiled before the freeze, and
    # they were made after it (the run's source compiled ahead): young objects that every
    # forked run's quiet exit walked at its end (0.5 ms of a 3.11 run), and every collection.
    monkeypatch.setenv("THREADPORT_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("THREADPORT_NO_CACHE", raising=False)
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    forkserver.ForkServer(sys.executable, "virtual", (), environment).close()  # fills the cache
    assert sorted((tmp_path / "cache" / "threadport").glob("clock-*.code"))
    # A source that names gc runs fresh (runner.needs_fresh_process): this one reaches it
    # without naming it, to count the objects outside the server's frozen heap.
    path = snippet(
        "def main():\n"
        "    collector = __import__('g' + 'c')\n"
        "    print(len(collector.get_objects()), collector.get_freeze_count() > 0)\n"
    )
    young, frozen = run_entry(sys.executable, path, "main", fresh=False).stdout[0].split()
    assert frozen == "True"
    assert int(young) < 300
    # The sources the server compiles ahead are frozen with it too: the same server (one run
    # at a time, this test's environment) after it compiled the catalogue's modern sources
    # (their entry point named __name__: each source runs, then fails at once, no demo run).
    for pair in load_catalog():
        assert run_entry(sys.executable, pair.modern_path, "__name__", fresh=False).exception["type"] == "TypeError"
    again, _ = run_entry(sys.executable, path, "main", fresh=False).stdout[0].split()
    assert int(again) <= int(young) + 10, (young, again)


@pytest.mark.interpreter_free("a python2.7 server and its run; pytest's Python only reads the count")
def test_a_2_7_server_hands_its_runs_no_young_objects(legacy_python, snippet, tmp_path, monkeypatch):
    # 2.7 has no gc.freeze: the server makes the ast classes (355 objects, by a first compile())
    # and then collects, so that its objects are in gc's oldest generation, which a run's
    # young collections never walk (and so never copy). With the clock's modules read from
    # the cache folder nothing compiled before the first run's source, and a forked run
    # started with about 550 young objects of the server's, every collection walking them.
    monkeypatch.setenv("THREADPORT_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("THREADPORT_NO_CACHE", raising=False)
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    forkserver.ForkServer(legacy_python, "virtual", (), environment).close()  # fills the cache
    assert sorted((tmp_path / "cache" / "threadport").glob("clock-*-py27-*.code"))
    # A source that names gc runs fresh (runner.needs_fresh_process): this one reaches it
    # without, and has gc say how many objects each generation holds (DEBUG_STATS, on stderr).
    path = snippet(
        "def main():\n"
        "    collector = __import__('g' + 'c')\n"
        "    collector.set_debug(collector.DEBUG_STATS)\n"
        "    collector.collect(1)\n"
        "    collector.set_debug(0)\n"
    )
    for _ in range(2):  # the server's first run (it compiles the source ahead) and a later one
        stderr = run_entry(legacy_python, path, "main", fresh=False).stderr
        sizes = [line.split(":")[-1].split() for line in stderr if "objects in each generation" in line]
        assert len(sizes) == 1, stderr
        assert int(sizes[0][0]) + int(sizes[0][1]) < 100, sizes  # young: the run's own


# child.py run as the fork server, under an audit hook that logs each file object opened
# (io.open's "open" event has a mode; os.open's has None), by the server or by its runs.
AUDITED_SERVER = (
    """
import os, sys
child, log = {child!r}, os.open({log!r}, os.O_WRONLY | os.O_APPEND)
server = os.getpid()

def hook(event, args):
    if event == "open" and args[1] is not None:
        os.write(log, (repr((os.getpid() == server, args[:2])) + "\\n").encode())
"""
    + RUN_CHILD
)


def test_a_server_and_its_runs_read_and_write_through_descriptors_alone(snippet, tmp_path, monkeypatch):
    # A file object per read or write (3.x's io: a FileIO and a buffer) made and dropped objects
    # on pages the server and its runs share copy-on-write. The server's: the run's source, read
    # to see whether it had compiled those bytes already, and the run's /proc stat (about 20
    # page faults of the server per run); the run's: its source again (the bytes the server had
    # just read) and its result file (10-15 faults of a forked 3.11 run).
    log = tmp_path / "opened.log"
    log.touch()
    wrapper = tmp_path / "audited_server.py"
    wrapper.write_text(AUDITED_SERVER.format(child=str(forkserver.CHILD_SCRIPT), log=str(log)))
    monkeypatch.setattr(forkserver, "CHILD_SCRIPT", wrapper)
    path = snippet("def main():\n    print('ran')\n")
    server = forkserver.ForkServer(sys.executable, "virtual", (), child_environment())
    try:
        at_start = log.read_text()  # its own modules, before it said it was ready
        for _ in range(2):  # a source compiled ahead, then one it compiled before
            scratch = tmp_path / f"run{_}"
            scratch.mkdir()
            argv = [str(scratch / "result.txt"), str(path), "main", "[]", "virtual", "-"]
            run = server.start(argv, str(scratch), "token")
            assert run.wait(30) == 0
            assert os.read(run.stdout.fileno(), 100) == b"ran\n"
            assert run.started is not None  # the start time the server read from /proc
            run.stdout.close()
            run.stderr.close()
            run.unlink()
    finally:
        server.close()
    assert log.read_text() == at_start


# virtual.fork as a fork server calls it, twice: what the server holds between its forks and
# what each child has, on the threading module's names that install() set.
FORKS = """
from __future__ import print_function
import os, sys
sys.path[0] = {clock!r}
import virtual
virtual.install()
import threading
ours = threading.Lock
for _ in range(2):
    pid = virtual.fork()
    if pid == 0:
        os._exit(0 if threading.Lock is ours and not getattr(virtual, "_served", None) else 3)
    status = os.waitpid(pid, 0)[1]
    print(os.WEXITSTATUS(status), threading.Lock is virtual._threading_before["Lock"])
"""


@LEGACY_HALF_ONCE
def test_a_server_holds_threadings_own_lock_factories_between_its_forks(any_python):
    # Each child puts the clock's factories back after the fork (threading's _after_fork made
    # its registry locks with threading's own); the server keeps threading's from its first
    # fork on, instead of setting them back and forth around every fork (10 page faults a run).
    done = run_clock_script(any_python, FORKS)
    assert done.stdout.split("\n") == ["0 True", "0 True", ""], done.stderr


# A fork server's set-up as child.py's _serve makes it on Python 3 (the clock installed, the
# ast classes made), then quiet_exit's checker, with a gc that counts its get_referents calls.
CHECKER_LOOKS = """
import _weakref, gc, sys
sys.path[0] = {clock!r}
import virtual
virtual.install()
compile("", "<fork server>", "exec")
import quiet_exit

class Counting(object):
    looks = 0
    def __getattr__(self, name):
        return getattr(gc, name)
    def get_referents(self, *objects):
        Counting.looks += 1
        return gc.get_referents(*objects)

weakrefs = sum(1 for one in gc.get_objects() if isinstance(one, _weakref.ReferenceType))
print(quiet_exit.checker(Counting()) is not None, weakrefs > 100, Counting.looks)
"""


def test_a_servers_quiet_exit_checker_looks_at_its_weakrefs_callbacks_in_one_call_per_kind():
    # The server's weakrefs (about 750 on 3.11: WeakSets, weak dictionaries, subclass lists)
    # each had gc.get_referents of its own: most of the checker's time at each server start.
    done = run_clock_script(sys.executable, CHECKER_LOOKS)
    quiet, many, looks = done.stdout.split()
    assert (quiet, many) == ("True", "True"), done.stderr
    assert int(looks) <= 3  # one per kind of weakref (ref, KeyedRef, ...)


# The same set-up, frozen as a server is; then the check a forked run makes at its end, twice:
# as is, and after importing a plain module the server had not. It counts the check's looks at
# sys.modules for the plain modules, and its issubclass calls on built-in (static) kinds.
CHECK_LOOKS = """
import gc, sys
sys.path[0] = {clock!r}
import virtual
virtual.install()
compile("", "<fork server>", "exec")
import quiet_exit

looks = [0, 0]
plain_modules = quiet_exit._plain_modules

def counted_plain_modules():
    looks[0] += 1
    return plain_modules()

def counted_issubclass(kind, *others):
    if not kind.__flags__ & quiet_exit.HEAP_TYPE:
        looks[1] += 1
    return issubclass(kind, *others)

quiet_exit._plain_modules = counted_plain_modules
check = quiet_exit.checker(gc)
gc.freeze()
looks[:] = [0, 0]
quiet_exit.issubclass = counted_issubclass
made = [{{}}, [], (lambda value: lambda: value)(1)]  # a run's objects: dicts, lists, a function, a cell
print(check(0), looks)
looks[:] = [0, 0]
__import__(next(name for name in quiet_exit.PLAIN_MODULES if name not in sys.modules))
print(check(0), looks[0])
"""


def test_a_runs_quiet_exit_check_asks_no_built_in_kinds_verdict_and_no_plain_module_unless_imported():
    # Each check at a forked run's end looked up the eight plain modules in sys.modules (writing
    # to their reference counts: 10 of a 3.11 check's 36 page faults) and asked every kind of the
    # run's objects its verdict again, the built-in ones too, whose verdicts cannot change.
    done = run_clock_script(sys.executable, CHECK_LOOKS)
    assert done.stdout.split("\n") == ["True [0, 0]", "True 1", ""], done.stderr


def test_a_servers_clean_runs_share_one_pair_of_fifos_and_a_held_or_timed_out_run_leaves_its_own(
    snippet, tmp_path, monkeypatch
):
    # Made, opened, closed and removed for every run, a run's two FIFOs were 8 system calls of
    # the runner a run. A run whose output was read to its end, with nothing of it left, hands
    # them to the server's next run; a run whose output a leftover held open, or that timed out,
    # does not: a process of it may still hold (or know) them.
    path = snippet("""
        import signal, subprocess, sys
        def main(word):
            print(word)
            sys.stderr.write(word + "!\\n")
        def holds(pid_file):
            child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
            open(pid_file, "w").write(str(child.pid))
            print("returned")
        def hangs():
            print("hanging")
            sys.stdout.flush()
            signal.pause()  # no signal comes: a hang the virtual clock does not end
    """)
    monkeypatch.setattr(runner, "OUTPUT_GRACE", 0.1)
    environment = {**child_environment(), "THREADPORT_TEST_FIFOS": str(time.time_ns())}  # a server of its own
    made = []
    real_mkfifo = os.mkfifo
    monkeypatch.setattr(os, "mkfifo", lambda path, *args: made.append(path) or real_mkfifo(path, *args))

    def run(entry, *args, **options):
        return run_entry(sys.executable, path, entry, list(args), fresh=False, environment=environment, **options)

    for word in ("one", "two", "three"):
        transcript = run("main", word)
        assert (transcript.stdout, transcript.stderr, transcript.exit) == ([word], [word + "!"], 0)
    assert len(made) == 2  # the first run's pair, kept
    held = run("holds", str(tmp_path / "grandchild.pid"))
    assert "a leftover process held the output open" in held.leftover[0]
    assert run("main", "four").stdout == ["four"] and len(made) == 4  # new ones after the held run
    assert run("main", "five").stdout == ["five"] and len(made) == 4
    timed_out = run("hangs", timeout=1)
    assert timed_out.timed_out and timed_out.stdout == ["hanging"]
    assert run("main", "six").stdout == ["six"] and len(made) == 6  # and after the timed-out one
    [server] = forkserver._idle[forkserver._key(sys.executable, "virtual", (), environment)]
    folder = server.folder
    assert sorted(os.listdir(folder)) == sorted(os.path.basename(fifo) for fifo in made[-2:])
    server.close()
    forkserver._idle.pop(forkserver._key(sys.executable, "virtual", (), environment))
    assert not os.path.exists(folder)  # the kept pair removed with the server


# A server's checker, frozen, then the check at a run's end after a TemporaryDirectory: its
# finalizer's exit hook is registered (atexit's only callback), with no finalizer left, one
# left, none again, and then the hook registered a second time with an argument.
CHECK_FINALIZE = """
import gc, sys
sys.path[0] = {clock!r}
import virtual
virtual.install()
compile("", "<fork server>", "exec")
import quiet_exit
check = quiet_exit.checker(gc)
if check is None:  # no quiet exit at all: 3.6, 3.7 (no audit hooks), 3.8 (_ast.MatMult, a kind it does not know)
    sys.exit("none")
gc.freeze()
import atexit, tempfile, weakref
with tempfile.TemporaryDirectory():
    pass
print(check(0))
kept = tempfile.TemporaryDirectory()
print(check(0))
kept.cleanup()
print(check(0))
atexit.register(weakref.finalize._exitfunc, "an argument")
print(check(0))
"""


@pytest.mark.every_python
def test_a_finalizers_exit_hook_alone_ends_a_run_quietly_where_atexit_shows_it():
    # 3.8 and 3.9: gc lists an atexit module's callbacks with their arguments, so the hook can
    # be told apart; from 3.10 nothing shows more than their count (clock/quiet_exit.py).
    for found in python3s():
        done = run_clock_script(found.path, CHECK_FINALIZE)
        if found.version[:2] < (3, 9):
            assert done.stderr == "none\n", found.version_string
            continue
        told = found.version[:2] < (3, 10)
        assert done.stdout.split() == [str(told), "False", str(told), "False"], (found.version_string, done.stderr)


def driver_functions() -> dict:
    """clock/driver.py's functions, defined in a namespace of their own (child.py defines them
    in a run's __main__), with child.py's helpers that they use."""
    clock = Path(str(forkserver.CHILD_SCRIPT)).parent
    namespace: dict = {"__name__": "driver_under_test"}
    child = (clock / "child.py").read_text()
    helpers = child[child.index("def _read_file") : child.index("def _compile_source")]  # child.py runs a run
    exec(compile((clock / "driver.py").read_text(), str(clock / "driver.py"), "exec"), namespace)
    exec(helpers, namespace)
    return namespace


def test_the_server_reads_a_runs_start_time_without_a_large_buffer():
    # The server reads its run's start time between the fork and the run's end, on pages it
    # shares with the run copy-on-write: child.py's _read_file (a 64 KB buffer, sized for
    # sources) and a split of the line into its 52 fields cost it 14-19 more page faults a run.
    import tracemalloc

    started = driver_functions()["_started"]
    named = subprocess.Popen(
        [sys.executable, "-c", "open('/proc/self/comm', 'w').write('a) b (c'); print(1, flush=True); input()"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        named.stdout.readline()  # its name has spaces and parentheses now
        tracemalloc.start()
        try:
            answers = [started(pid) for pid in (os.getpid(), named.pid)]
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert [int(answer) for answer in answers] == [processes.started(pid) for pid in (os.getpid(), named.pid)]
    finally:
        named.stdin.close()
        named.wait()
        named.stdout.close()
    assert started(named.pid) == b"-"  # reaped: unknown
    assert peak < 8192, peak


def test_a_request_is_encoded_whole_as_its_fields_one_by_one_would_be(tmp_path, monkeypatch):
    # One encode of the fields joined, each ended by NUL, not os.fsencode per field (27 K
    # instructions of compare's own process a run): the same bytes, a path that is no UTF-8
    # (a byte kept by surrogateescape) and one beyond ASCII included.
    folder = tmp_path / os.fsdecode(b"caf\xc3\xa9 \xff")
    folder.mkdir()
    path = folder / "snippet.py"
    path.write_text("def main():\n    print(repr(__file__))\n")
    environment = {**child_environment(), "THREADPORT_TEST_REQUEST": str(time.time_ns())}  # a server of its own
    written = []
    real_write = os.write

    def write(fd, data):
        written.append(bytes(data))
        return real_write(fd, data)

    encoded = []
    real_fsencode = os.fsencode
    monkeypatch.setattr(os, "fsencode", lambda name: encoded.append(name) or real_fsencode(name))
    monkeypatch.setattr(forkserver.os, "write", write)
    transcript = run_entry(sys.executable, path, "main", [], fresh=False, environment=environment)
    monkeypatch.undo()
    assert transcript.stdout == [repr(os.path.realpath(path))], transcript.stderr
    [request] = [data for data in written if data.count(b"\0") == forkserver.REQUEST_FIELDS]
    fields = request.split(b"\0")[: forkserver.REQUEST_FIELDS]
    assert request == b"".join(os.fsencode(os.fsdecode(field)) + b"\0" for field in fields)
    assert os.fsencode(str(path)) in fields
    # os.fsencode was called for the server's start (its environment), never for a field
    assert not {os.fsdecode(field) for field in fields} & set(map(str, encoded))


def test_a_runs_environment_is_made_once_and_so_is_its_part_of_a_servers_key():
    # The servers' key held a tuple of the environment's variables made at every lease, hashed
    # at each look: about 20 K instructions of compare's own process a run.
    environment = child_environment()
    keys = [forkserver._key(sys.executable, "virtual", (), environment) for _ in range(3)]
    assert keys[0][3] is keys[1][3] is keys[2][3]  # made once, its hash kept
    assert forkserver._key(sys.executable, "virtual", (), dict(environment)) == keys[0]  # the same variables: one key
    changed = {**environment, "THREADPORT_TEST_KEY": "1"}
    assert forkserver._key(sys.executable, "virtual", (), changed) != keys[0]
    with pytest.raises(TypeError, match="copy it"):
        environment["THREADPORT_TEST_KEY"] = "1"
    with pytest.raises(TypeError):
        environment.update(THREADPORT_TEST_KEY="1")
    assert "THREADPORT_TEST_KEY" not in environment


def test_the_walk_of_what_the_shutdown_runs_refuses_a_function_of_another_module():
    # quiet_exit reads the globals of threading alone at a run's end: a _shutdown that reached a
    # function of another module (none does on 3.8-3.13) would leave that module's globals unread.
    import _thread

    from threadport.clock import quiet_exit

    def module(name, source):
        made = type(sys)(name)
        exec(source, vars(made))
        return made

    other = module("other", "def helper():\n    pass\n")
    for where, expected in ((other, False), (None, True)):
        fake = module("fake_threading", "class Main:\n    pass\n_main_thread = Main()\ndef helper():\n    pass\n")
        if where is not None:
            fake.helper = where.helper
        exec("def _shutdown():\n    helper()\n", vars(fake))
        functions, unchanged = quiet_exit._shutdown_watch(fake, _thread)
        assert unchanged() is expected
        assert (id(fake.helper) in functions) is expected


# A server starts through os.posix_spawn (forkserver._spawn), which neither closes what the
# caller holds open without close-on-exec nor sets a working directory, as subprocess.Popen
# (close_fds, cwd) did: the server does both itself (clock/driver.py's _serve).
LISTS_DESCRIPTORS = "import os\ndef main():\n    print(sorted(int(fd) for fd in os.listdir('/proc/self/fd')))\n"


@pytest.mark.interpreter_free("the parent opens the descriptor; 2.7's server and a 3.x one close it in the same code")
def test_a_descriptor_the_caller_left_inheritable_is_not_a_forked_runs(any_python, snippet, monkeypatch):
    path = snippet(LISTS_DESCRIPTORS)
    monkeypatch.setattr(forkserver, "_idle", {})  # a server started now, with the descriptor open
    read_end, write_end = os.pipe()
    os.set_inheritable(read_end, True)  # as a caller's own pipe to its children would be
    try:
        fresh, forked = both_ways(any_python, path, "main", timeout=30)
    finally:
        forkserver.close_all()
        os.close(read_end)
        os.close(write_end)
    assert fresh["exit"] == 0 and forked == fresh, "a forked run sees the descriptors a fresh one does"


def test_a_server_works_in_its_own_folder_and_can_be_waited_for_and_killed(tmp_path):
    server = forkserver.ForkServer(sys.executable, "virtual", (), child_environment())
    try:
        assert os.readlink(f"/proc/{server.process.pid}/cwd") == server.folder
        assert server.alive() and server.process.poll() is None
        with pytest.raises(subprocess.TimeoutExpired):
            server.process.wait(0.01)
        server.process.kill()
        assert server.process.wait(30) == -signal.SIGKILL
        assert not server.alive()
    finally:
        server.close()
    assert not os.path.exists(server.folder)


def test_a_server_that_cannot_be_spawned_raises_and_leaves_nothing_behind(tmp_path, monkeypatch):
    made = []
    private_folder = forkserver.folders.private_folder
    monkeypatch.setattr(
        forkserver.folders, "private_folder", lambda prefix: made.append(private_folder(prefix)) or made[-1]
    )
    before = sorted(os.listdir("/proc/self/fd"))
    with pytest.raises(OSError):
        forkserver.ForkServer(str(tmp_path / "no-such-python"), "virtual", (), child_environment())
    assert sorted(os.listdir("/proc/self/fd")) == before  # its pipes, and the spawn's own
    assert made and not os.path.exists(made[0])  # its FIFOs' folder


def test_a_servers_start_time_is_read_once_it_is_ready(monkeypatch):
    # Read at once, /proc/PID/stat waited for the server's exec (3-5 ms of 2.7's), and compare's
    # start-up with it; the start time is needed only once a run is under way (processes.contain).
    asked = []
    started = processes.started
    monkeypatch.setattr(processes, "started", lambda pid: asked.append(pid) or started(pid))
    server = forkserver.ForkServer(sys.executable, "virtual", (), child_environment(), wait=False)
    try:
        assert asked == [] and server.started is None
        server.ready()
        assert asked == [server.process.pid]
        assert server.started == started(server.process.pid) is not None
    finally:
        server.close()
