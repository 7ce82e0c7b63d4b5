"""Run one entry point of one source file in a fresh interpreter process -> Transcript.

Each half of a pair runs in its own process: Python 2 cannot run in-process
anyway, the symmetry keeps the comparison fair, and a thread that never ends
dies with its process. The process gets its own session, so killing its group
ends its ordinary descendants; threadport.processes finds the ones that left the
session (setsid) and says when one escapes. A run that returned while a leftover
process holds its output open keeps its exit status and says so, instead of
waiting out the timeout.
"""

from __future__ import annotations

import os
import re
import select
import time

from threadport import cache, folders, forkserver, processes, result_text
from threadport.clock import CHILD_SCRIPT
from threadport.interpreters import Interpreter, command_path, probe
from threadport.processes import RUN_MARK
from threadport.records import Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:
    import subprocess
    from pathlib import Path

DEFAULT_TIMEOUT = 30.0  # seconds per run, unless the catalogue entry or --timeout says otherwise
# After the entry point's process exits, its output may stay open this long (a
# leftover process holding it) before the run stops reading and reports it.
OUTPUT_GRACE = 0.5
EXIT_POLL = 0.05  # how often to look whether the process exited while its output is still open


def _copied(value: object) -> object:
    """A deep copy of JSON's kinds of value, as dataclasses.asdict makes of a field."""
    if isinstance(value, list):
        return [_copied(item) for item in value]
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    return value


class Transcript(Record):
    """What one run showed the world, as data. A Record (threadport.records), not a
    dataclass: dataclasses and inspect were a good part of `compare`'s start-up."""

    __slots__ = (
        "python",
        "stdout",
        "stderr",
        "exit",
        "exception",
        "seconds",
        "timed_out",
        "deadlock",
        "virtual_seconds",
        "clock",
        "ended",
        "leftover",
    )

    def __init__(
        self,
        python: str,
        stdout: list[str],
        stderr: list[str],
        exit: int | None,
        exception: dict | None = None,
        seconds: float = 0.0,
        timed_out: bool = False,
        deadlock: bool = False,
        virtual_seconds: float | None = None,
        clock: str = "virtual",
        ended: str = "",
        leftover: list[str] | None = None,
    ) -> None:
        self.python = python
        self.stdout = stdout
        self.stderr = stderr
        self.exit = exit
        self.exception = exception  # {"type": ..., "message": ...} when one escaped the entry point
        self.seconds = seconds
        self.timed_out = timed_out
        self.deadlock = deadlock  # virtual clock: every thread blocked, none with a deadline
        self.virtual_seconds = virtual_seconds
        self.clock = clock
        self.ended = ended  # how the run ended, in words ("exit status 0", "killed by SIGKILL", ...)
        # processes it left behind, and what became of them
        self.leftover = [] if leftover is None else leftover

    def replace(self, **changes: object) -> Transcript:
        """A copy with ``changes`` (dataclasses.replace)."""
        fields = {name: getattr(self, name) for name in self._fields}
        fields.update(changes)
        return Transcript(**fields)

    def to_json(self) -> dict:
        return {name: _copied(getattr(self, name)) for name in self._fields}

    @classmethod
    def from_json(cls, data: dict) -> Transcript:
        return cls(**{k: v for k, v in data.items() if k in cls._fields})


def literal(value: object) -> str:
    """``value`` (JSON's kinds: str, int, float, bool, None, list, dict with str keys) as a
    Python expression that Python 2.7 and 3 evaluate, with no name in scope, to what
    json.loads gives there: u'' strings (unicode on 2.7, as JSON's), inf and nan too.
    The child evaluates it (clock/driver.py): importing json cost a forked 3.11 run more
    than the entry point it called (about 15 ms with re)."""
    if isinstance(value, str):
        return "u" + ascii(value)  # ASCII escapes: the child compiles it without a coding cookie
    if value is None or isinstance(value, (bool, int)):
        return repr(value)
    if isinstance(value, float):
        if value != value:
            return "(1e999 - 1e999)"  # nan, as json.loads('NaN')
        return repr(value) if abs(value) != float("inf") else ("-1e999" if value < 0 else "1e999")
    if isinstance(value, (list, tuple)):
        return "[" + "".join(literal(item) + ", " for item in value) + "]"
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return "{" + "".join(f"{literal(k)}: {literal(v)}, " for k, v in value.items()) + "}"
    raise TypeError(f"an entry point's argument must be what JSON can hold, not {type(value).__name__}")


def read_literal(text: str) -> object:
    """ast.literal_eval(text) without the ast module (about 16 M instructions to import, a
    tenth of a one-pair compare's parent): the compiler's own nodes (_ast, built in) of a
    literal made of strings, bytes, numbers, booleans, None, tuples, lists, sets and dicts,
    a sign before a number included. Anything else (a name, a call, an operator) is
    refused with ValueError, as literal_eval refuses it; so are the two forms literal_eval
    also reads that no result has (``set()``, a complex sum like ``1+2j``). It reads the child's result file
    (clock/driver.py _write_result: the repr of a dict), which the run itself could rewrite."""
    global _ast
    import _ast  # here, not at import: it makes the ast module's classes (result_text's note)

    return _literal(compile(text.lstrip(" \t"), "<result>", "eval", _ast.PyCF_ONLY_AST).body)


def _read_result(text: str) -> object:
    known = result_text.read_plain(text)  # what the child writes, without the compiler
    return read_literal(text) if known is None else known


def _literal(node: object) -> object:
    if isinstance(node, _ast.Constant):
        return node.value
    if isinstance(node, _ast.Dict) and None not in node.keys:  # a None key is a ** unpacking
        return {_literal(key): _literal(value) for key, value in zip(node.keys, node.values)}
    if isinstance(node, (_ast.Tuple, _ast.List, _ast.Set)):
        items = [_literal(item) for item in node.elts]
        return tuple(items) if isinstance(node, _ast.Tuple) else items if isinstance(node, _ast.List) else set(items)
    if isinstance(node, _ast.UnaryOp) and isinstance(node.op, (_ast.UAdd, _ast.USub)):
        number = node.operand  # a number itself, not another sign (literal_eval refuses --1)
        if isinstance(number, _ast.Constant) and type(number.value) in (int, float, complex):
            return +number.value if isinstance(node.op, _ast.UAdd) else -number.value
    raise ValueError(f"malformed node or string: {node!r}")


def _lines(raw: bytes) -> list[str]:
    text = raw.decode("utf-8", errors="backslashreplace")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


child_environment = forkserver.child_environment  # where a run's server is started early (warm) too


def _read_until(process: subprocess.Popen, timeout: float) -> tuple[bytes, bytes, bool, bool, list]:
    """Read stdout and stderr until both close, the process's time is up, or the process
    has exited and OUTPUT_GRACE has passed with its output still open (a leftover process
    holds it): (stdout, stderr, timed out, output held open, the streams not closed).

    select.poll, not a selectors.DefaultSelector: an epoll set made, filled, emptied and
    closed for each run was 6 system calls and the selectors module's Python a run."""
    streams = {process.stdout.fileno(): process.stdout, process.stderr.fileno(): process.stderr}
    chunks: dict[int, list[bytes]] = {fd: [] for fd in streams}
    poller = select.poll()
    for fd in streams:
        poller.register(fd, select.POLLIN)
    unclosed = dict(streams)
    deadline = time.monotonic() + timeout
    exited_at = None
    while unclosed:
        now = time.monotonic()
        if exited_at is None and process.poll() is not None:
            exited_at = now
        limit = deadline if exited_at is None else min(deadline, exited_at + OUTPUT_GRACE)
        if now >= limit:
            break
        # Wake now and then to see whether the process exited while its output stays open.
        for fd, _ in poller.poll(min(limit - now, EXIT_POLL) * 1000):  # milliseconds, rounded up
            data = os.read(fd, 65536)
            if data:
                chunks[fd].append(data)
            else:
                poller.unregister(fd)
                del unclosed[fd]
    still_open = bool(unclosed)
    if not still_open:  # output closed at exit; the exit itself may lag a moment behind
        try:
            process.wait(max(0.0, deadline - time.monotonic()))
        except processes.timeout_expired():  # imported only if raised
            pass  # it closed its output but runs on: a timeout like any other
    exited = process.poll() is not None
    out, err = (b"".join(chunks[s.fileno()]) for s in (process.stdout, process.stderr))
    return out, err, not exited, still_open and exited, list(unclosed.values())


def _drain(stream, limit: float) -> bytes:
    """What is left in a pipe once its writers are dead (bounded, should one survive)."""
    data = []
    poller = select.poll()
    poller.register(stream.fileno(), select.POLLIN)
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and poller.poll(max(0.0, deadline - time.monotonic()) * 1000):
        chunk = os.read(stream.fileno(), 65536)
        if not chunk:
            break
        data.append(chunk)
    return b"".join(data)


def how_it_ended(returncode: int | None, timeout: float, deadlock: bool, reported: bool, clock: str) -> str:
    """The end of a run in words, for people (item 11: never "real time" for a virtual run)."""
    if deadlock:
        return "deadlock: every thread blocked, none with a deadline (virtual clock)"
    if returncode is None:
        return f"timed out after {timeout:g} s and was killed"
    if returncode < 0:
        import signal  # here: its enums cost 7-10 ms to make (processes.py), and most runs exit

        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"killed by {name}"
    if not reported:  # the child writes its report on every normal way out; os._exit skips it
        return f"exit status {returncode} without a report (os._exit, or the interpreter died)"
    return f"exit status {returncode}"


# What a forked run shows differently from a fresh one (tests/test_forkserver.py holds
# the rest alike): gc's state (the driver's objects frozen, its counts), the parent
# process (the driver) and the command line in /proc/self/cmdline (the driver's), and
# what stdout and stderr are under the name (FIFOs, where a fresh run has pipes: fstat,
# /proc/self/fd, /dev/stdout), and on 2.7 what a fork of the run's own runs in its child
# before the run started a thread (a fresh run has no GIL yet, a forked one has the
# server's, whose import of _ctypes made it: PyOS_AfterFork calls threading._after_fork,
# which makes the main thread's Condition again with an RLock). A source that names any
# of these runs fresh.
_TELLS_APART = (
    b"getppid", b"cmdline", b"/proc/", b"/dev/fd", b"/dev/std", b"fstat", b"readlink", b"fork(", b"multiprocessing"
)  # fmt: skip
_GC = re.compile(rb"\bgc\b")  # the module as a word, not "gcd" or "lgc"


def tells_apart(text: bytes) -> bool:
    """Whether ``text`` names any of the above: a search for each word, and for gc as a word
    only in a text that holds "gc". One regex of them all (``\bgc\b|getppid|...``) has no
    literal to look for first, so it was tried at every byte: 20.8 M instructions of a full
    compare's 184 M for its 20 files (73 KB), against about 2 M for these searches."""
    return any(word in text for word in _TELLS_APART) or (b"gc" in text and _GC.search(text) is not None)


# The CPUs a run may use (os.sched_getaffinity) are a difference runs.run_jobs makes on
# purpose: a forked run under the virtual clock, whose threads take turns, is kept on one CPU
# (ForkServer.start), since a hand-over between two threads on two CPUs waits for the other
# CPU to wake (an idle one in a VM: a lock round trip between two 3.11 threads took 71 us of
# wall time and 53 us of CPU, against 20 us on one CPU), and compare's runs hand over
# thousands of times. What reads the CPU set: os.sched_getaffinity on every Python 3 (2.7
# has none; a 2.7 source reaches it through ctypes, by name, or /proc/, which runs fresh);
# from 3.13 also os.process_cpu_count, and through it the pools that 3.13's Lib sizes by it
# (concurrent.futures, multiprocessing.pool, asyncio's default executor, compileall's
# workers), where 3.9-3.12 size them by os.cpu_count, every CPU of the machine. A source
# that names any of these runs on every CPU the caller has, still forked. 3.14 and later
# (not on this machine) are taken as 3.13, as an unknown version is. A source that starts a
# program (subprocess, os.system, os.popen, os.spawn*, os.posix_spawn, pty.spawn, os.exec*,
# 2.7's commands.getoutput) runs on every CPU too, on every version: the program inherits the
# run's CPUs, and what it reads of them is not in the source (nproc printed 1 forked, 2 fresh;
# so would a 3.13 that a 3.12 run starts).
_READS_CPU_SET = (b"affinity", b"subprocess", b"system", b"popen", b"spawn", b"execv", b"execl", b"getoutput")
_READS_CPU_SET_FROM_3_13 = (b"cpu_count", b"concurrent", b"asyncio", b"compileall", b"multiprocessing")


def _names(text: bytes) -> tuple[bool, bool]:
    return (
        any(word in text for word in _READS_CPU_SET),
        any(word in text for word in _READS_CPU_SET_FROM_3_13),
    )


def _from_3_13(version: tuple[int, ...] | None) -> bool:
    return version is None or version[:2] >= (3, 13)


# path -> ((inode, size, mtime), (runs fresh, names what reads the CPU set, from 3.13)): a
# compare asks once per run, and the search over a large snippet (atomic_ops: 0.6 ms) cost
# more than a stat that tells the file is unchanged.
_source_answers: dict[str, tuple[tuple[int, int, int], tuple[bool, bool, bool]]] = {}


def _screened(source: Path | str) -> tuple[bool, bool, bool]:
    facts = os.stat(source)
    version = (facts.st_ino, facts.st_size, facts.st_mtime_ns)
    known = _source_answers.get(str(source))
    if known is None or known[0] != version:
        with open(source, "rb") as file:
            text = file.read()
        known = _source_answers[str(source)] = (version, (tells_apart(text), *_names(text)))
    return known[1]


def needs_fresh_process(source: Path | str) -> bool:
    return _screened(source)[0]


def one_cpu_allowed(source: Path | str, version: tuple[int, ...] | None = None) -> bool:
    """Whether a forked virtual-clock run of ``source`` on Python ``version`` (None: not
    known) may be kept on one CPU (above)."""
    _, names, names_from_3_13 = _screened(source)
    return not names and not (names_from_3_13 and _from_3_13(version))


RESULT_NAME = "result.txt"  # the child's report (clock/driver.py _write_result), in the run's folder


def _take_result(scratch: str) -> bytes | None:
    """The run's result file, read and removed; None when the run wrote none."""
    path = os.path.join(scratch, RESULT_NAME)
    try:
        fd = os.open(path, os.O_RDONLY)  # not open(): its FileIO asks fstat twice and lseek once
    except FileNotFoundError:
        return None
    try:
        raw = processes.read_to_end(fd)
    finally:
        os.close(fd)
    try:
        os.unlink(path)
    except OSError:  # a folder the run made read-only: folders.remove_folder resets its modes
        pass
    return raw


def _follow(process, process_started, token, timeout, *also, since=None, server=None):
    """Read a started run to its end and contain what it leaves: (stdout, stderr, timed
    out, output held open, leftover lines). ``also``: a fork server's marker and pid;
    ``since``: processes.mark_before() from before the run started; ``server``: the run's
    fork server, if it was forked (the others' runs are not looked into: forkserver.others)."""
    try:
        out, err, timed_out, held_open, unclosed = _read_until(process, timeout)
        # Whatever is left of the run goes now, the main process included when it timed out.
        leftover = processes.contain(
            process.pid, process_started, token, *also, since=since, others=forkserver.others(server)
        )
        # What its writers wrote before they died. A stream read to its end had no writer
        # left, and nothing can write to it again.
        if process.stdout in unclosed:
            out += _drain(process.stdout, OUTPUT_GRACE)
        if process.stderr in unclosed:
            err += _drain(process.stderr, OUTPUT_GRACE)
        process.wait()
    finally:  # even when interrupted (Ctrl-C), no process of the run outlives it
        if process.poll() is None:
            processes.contain(process.pid, process_started, token, *also, since=since, others=forkserver.others(server))
        process.stdout.close()
        process.stderr.close()
    return out, err, timed_out, held_open, leftover


def run_entry(
    python: Interpreter | str,
    source: Path | str,
    entry: str,
    args: tuple | list = (),
    *,
    real_time: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    warnings: tuple[str, ...] | list[str] = (),
    fresh: bool | None = None,
    environment: dict[str, str] | None = None,
    real_path: str | None = None,
    code_cache: str | None = None,
    cpu: int | None = None,
) -> Transcript:
    """Call ``entry(*args)`` from ``source`` under ``python``; never edits the file.

    The run is a child forked from a warm server for ``python`` (threadport.forkserver)
    or, with ``fresh=True`` (default: unless THREADPORT_FRESH_RUNS=1 or no os.fork),
    a fresh interpreter process. ``code_cache``: cache.folder() or "-", as a batch of runs
    reads it once (runs.run_jobs), else read here. ``cpu``: the CPU a forked run under the
    virtual clock keeps its threads on (runs.run_jobs gives each worker one; see
    _READS_CPU_SET), else it may use every CPU the caller has."""
    known = python if isinstance(python, Interpreter) else None
    python = python.path if isinstance(python, Interpreter) else command_path(python)
    # A str and os.path, not a pathlib.Path: no pathlib on compare's path (catalog.py says why).
    source = os.fspath(source)
    if not os.path.isfile(source):
        from pathlib import Path  # the message names the file as it always did

        raise FileNotFoundError(f"no source file {Path(source)}")
    mode = forkserver.clock_mode(real_time)
    # The run's own folder: its working directory and its result file. In memory: on a disk's
    # file system making and removing it cost 1.3 ms of CPU a run, 0.2 ms on tmpfs.
    scratch = folders.private_folder("threadport-")
    try:
        # ``real_path``: the source resolved by the caller (runs.run_job, once for a batch)
        real_path = real_path or os.path.realpath(source)
        if code_cache is None:  # else the caller's, read once for a batch of runs
            code_cache = cache.folder() or "-"
        # The last: where the child keeps the clock's module compiled ("-": nowhere), forked or
        # fresh (a run has -B: compiled again at each fresh start without it)
        argv = [os.path.join(scratch, RESULT_NAME), real_path, entry, literal(list(args)), mode, code_cache]
        token = os.urandom(16).hex()  # uuid4().hex without uuid (which imports platform: 5-13 ms)
        if environment is None:  # else the caller's, made by child_environment() for a batch of runs
            environment = child_environment()
        started = time.perf_counter()
        forked = (forkserver.wanted() and not needs_fresh_process(source)) if fresh is None else not fresh
        if forked:
            try:
                with forkserver.lease(python, mode, tuple(warnings), environment) as server:
                    since = processes.mark_before()
                    if cpu is not None and (real_time or not one_cpu_allowed(source, known and known.version)):
                        cpu = None  # real time, or a source that reads the CPU set: every CPU
                    process = server.start(argv, scratch, token, cpu)  # ServerFailed: nothing ran
                    clean = False
                    try:
                        out, err, timed_out, held_open, leftover = _follow(
                            process,
                            process.started,
                            token,
                            timeout,
                            server.token,
                            server.process.pid,
                            since=since,
                            server=server,
                        )
                        # Its output read to the end, nothing of it left: its FIFOs serve the next run.
                        clean = not timed_out and not held_open and not leftover
                    finally:
                        process.release(clean)
                    err = server.preamble + err
            except forkserver.ServerFailed:
                forked = False  # the run goes to a fresh process, which says what is wrong
        if not forked:
            import subprocess  # here: forked runs (compare's) never import it

            command = [python, "-S", "-B", "-u"]  # -S: no site-packages (their .pth files cost ms)
            for spec in warnings:
                command += ["-W", spec]
            since = processes.mark_before()
            process = subprocess.Popen(
                [*command, str(CHILD_SCRIPT), *argv],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=scratch,  # files a snippet writes land in a folder that is thrown away
                env={**environment, RUN_MARK: token},  # descendants inherit the marker
                start_new_session=True,
            )
            started_at = processes.started(process.pid)
            out, err, timed_out, held_open, leftover = _follow(process, started_at, token, timeout, since=since)
        if held_open:
            leftover.insert(0, "a leftover process held the output open after the entry point's process exited")
        seconds = time.perf_counter() - started
        raw = _take_result(scratch)
    finally:
        folders.remove_folder(scratch)
    reported = raw is not None
    result = _read_result(raw.decode()) if reported else {}

    if not result.get("python"):
        found = known or probe(python)
        result["python"] = found.version_string if found else "?"
    deadlock = bool(result.get("deadlock"))
    clock = mode
    exit_status = None if timed_out else process.returncode
    return Transcript(
        python=result["python"],
        stdout=_lines(out),
        stderr=_lines(err),
        exit=exit_status,
        exception=result.get("exception"),
        seconds=round(seconds, 4),
        timed_out=timed_out or deadlock,
        deadlock=deadlock,
        virtual_seconds=result.get("virtual_seconds"),
        clock=clock,
        ended=how_it_ended(exit_status, timeout, deadlock, reported, clock),
        leftover=leftover,
    )
