"""Warm interpreters that fork one child per run: the start-up is paid once, not per run.

A fresh run pays an interpreter start, ``import threading`` and the virtual clock's
set-up every time, which is most of what it costs. A ForkServer is one
``python -S -B -u [-W ...] child.py --serve MODE ...`` process per interpreter, clock
mode and set of -W flags: it does that set-up once, then forks a child per run
(clock/driver.py's _serve). The child becomes the run exactly where a fresh process
would be before the snippet (its own session, its own stdout and stderr, the run's
directory, environment marker and sys.argv) and ends through the interpreter's
normal shutdown, so exit codes, atexit, daemon threads and os._exit behave as in a
fresh process: it is still a real interpreter of that version running the snippet.
On Python 3.8+ a run whose shutdown could show nothing (no thread, atexit callback,
finalizer, weakref callback, open buffered file or audit hook left: clock/quiet_exit.py
proves it) ends with os._exit after a flush instead, which spares the child from
deallocating the server's whole heap; on 2.7 so does a run that clock/quiet_exit_py2.py
proves quiet (its code cannot have made a file object, which 2.7's gc cannot see).
tests/test_forkserver.py holds the two ways side by side over the whole catalogue.

The child's stdout and stderr are FIFOs the runner made and holds open (a pipe
cannot be handed to a process that is already running); the server opens their
write ends before it forks, so they have a writer from the first instant. A server
runs one run at a time (the runner leases it), replies the child's pid and start
time at once and its exit status when it has reaped it. ``THREADPORT_FRESH_RUNS=1``
makes every run a fresh process again (runner.run_entry).
"""

from __future__ import annotations

import _thread
import atexit
import os
import select
import sys
import time
from _signal import SIGKILL, SIGPIPE, SIGXFSZ  # not signal's enums (processes.py says why)
from collections.abc import Iterator
from contextlib import contextmanager

from threadport import cache, folders, processes
from threadport.clock import CHILD_SCRIPT
from threadport.errors import ThreadportError
from threadport.processes import RUN_MARK

FRESH_RUNS_ENV = "THREADPORT_FRESH_RUNS"
READY_TIMEOUT = 60.0  # seconds for a server to start (a loaded machine, a cold disk)
REQUEST_FIELDS = 10  # clock/driver.py REQUEST_FIELDS
# os.fsencode's codec, for a request encoded whole: its fields are str, and the codec keeps no
# state from one character to the next, so the whole is what the fields encoded one by one
# and ended by NUL make. One by one (os.fsencode's Python per field, a bytes join), 27 K
# instructions of compare's own process a run.
FS_CODEC = (sys.getfilesystemencoding(), sys.getfilesystemencodeerrors())


class ServerFailed(ThreadportError):
    """The server did not start, or was gone before it read the run's request: nothing
    ran, so the run goes to a fresh process."""


class RunLost(ThreadportError):
    """The server died, or stopped answering, once it had the run's request: the run was
    contained, its exit status is unknown. It never goes to a fresh process, which would
    run the entry point a second time (and a run that killed its parent, the server, would
    kill the runner there)."""


def wanted() -> bool:
    """Fork servers where they can be used: os.fork, FIFOs and os.posix_spawnp (_spawn) are POSIX only."""
    posix = hasattr(os, "fork") and hasattr(os, "mkfifo") and hasattr(os, "posix_spawnp")
    return posix and not os.environ.get(FRESH_RUNS_ENV)


def _read_line(fd: int, buffer: bytearray, timeout: float | None) -> bytes | None:
    """One line from ``fd`` (bytes without the newline); None when ``timeout`` passes first."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while b"\n" not in buffer:
        if deadline is not None:
            remaining = max(0.0, deadline - time.monotonic())  # 0: a look without waiting
            if not select.select([fd], [], [], remaining)[0]:  # one call, no epoll set-up per look
                return None
        data = os.read(fd, 4096)
        if not data:
            raise ServerFailed("the fork server closed its reply pipe")
        buffer += data
    line, _, rest = bytes(buffer).partition(b"\n")
    buffer[:] = rest
    return line


class _ReadEnd:
    """A FIFO's read end, as much of a file object as the runner uses (it reads the
    descriptor itself): a FileIO made for each would fstat it first, twice a run. Closing
    it lets go of the descriptor, which its ForkedRun closes or keeps (release)."""

    __slots__ = ("fd",)

    def __init__(self, fd: int):
        self.fd = fd

    def fileno(self) -> int:
        if self.fd < 0:
            raise ValueError("I/O operation on closed file")
        return self.fd

    def close(self) -> None:
        self.fd = -1


class ForkedRun:
    """One run forked by a server, with the part of subprocess.Popen the runner uses."""

    def __init__(self, server: ForkServer, pid: int, started: int | None, fifos: list[str], readers: list[int]):
        self.server = server
        self.pid = pid
        self.started = started
        self.returncode: int | None = None
        self.lost = False  # the server died before it replied the status
        self._fifos = fifos
        self._readers = readers
        self.stdout = _ReadEnd(readers[0])
        self.stderr = _ReadEnd(readers[1])

    def poll(self) -> int | None:
        if self.returncode is None:
            self._status(0.0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None and not self._status(timeout):
            if self.lost:
                raise RunLost(f"the fork server of run {self.pid} died: its exit status is lost")
            raise _timeout_expired(self.pid, timeout)
        return self.returncode

    def _status(self, timeout: float | None) -> bool:
        if self.lost:
            return False
        try:
            line = _read_line(self.server.replies, self.server.buffer, timeout)
        except ServerFailed:
            self.lost = True  # the run itself is still contained by the runner, as on a timeout
            return False
        if line is None:
            return False
        self.returncode = int(line)
        return True

    def unlink(self) -> None:
        """The run's FIFOs closed and removed."""
        readers, self._readers = self._readers, []
        for fd in readers:
            os.close(fd)
        for path in self._fifos:
            try:
                os.unlink(path)
            except OSError:
                pass

    def release(self, clean: bool) -> None:
        """The run is over: its FIFOs go to its server's next run when ``clean`` (both read to
        their end, so no process holds their write ends, and nothing of the run was left
        behind to know them), else they are closed and removed. Made, opened, closed and
        removed for every run, they were 8 system calls of the runner a run (a tmpfs inode
        made and freed for each), and file names the server's next run never sees."""
        if clean and not self.lost and self.returncode is not None and self.server.fifos is None:
            self.server.fifos = (self._fifos, self._readers)
            self._readers = []
        else:
            self.unlink()


def clock_mode(real_time: bool) -> str:
    """The server's clock mode for a run (child.py --serve MODE), part of the server's key."""
    return "real" if real_time else "virtual"


class RunEnvironment(dict):
    """The variables runs start with (child_environment), never changed once made: its part
    of a server's key (lease) is made once, where a key made of the variables at every lease
    (a tuple of them, hashed at each look) cost compare's own process about 20 K instructions
    a run. Copy it to change it: {**environment, NAME: value}."""

    __slots__ = ("_frozen",)

    def frozen(self) -> frozenset:
        """Its variables, as a server's key holds them (the hash kept)."""
        try:
            return self._frozen
        except AttributeError:
            self._frozen = frozenset(self.items())
            return self._frozen

    def _unchanged(self, *args: object, **kwargs: object) -> None:
        raise TypeError("a run's environment is not changed once made: copy it, {**environment, NAME: value}")

    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _unchanged


def child_environment() -> RunEnvironment:
    """The environment every run starts with, and so part of its server's key (lease).

    PYTHON* variables of the caller (a tox env's PYTHONPATH, say) must not leak into
    either half; a fixed hash seed makes set and dict order repeatable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONHASHSEED"] = "0"
    return RunEnvironment(env)


class ForkServer:
    def __init__(
        self, python: str, mode: str, warnings: tuple[str, ...], environment: dict[str, str], *, wait: bool = True
    ):
        self.folder = folders.private_folder("threadport-server-")  # the run's FIFOs
        self.token = os.urandom(16).hex()  # the marker a run's forked-only descendants carry
        self.buffer = bytearray()
        request_read, self.requests = os.pipe()
        self.replies, reply_write = os.pipe()
        command = [python, "-S", "-B", "-u"]
        for spec in warnings:
            command += ["-W", spec]
        # The folder where the server keeps its own code compiled (clock/child.py's
        # _define_driver, driver.py's _import_cached); "-": none, compiled at each start.
        code_cache = cache.folder() or "-"
        # Its pipes are its descriptors 3 and 4 (_spawn); it makes its FIFOs' folder its
        # working directory itself (os.posix_spawn sets none).
        command += [str(CHILD_SCRIPT), "--serve", mode, "3", "4", code_cache, self.folder]
        try:
            self.process = _spawn(command, {**environment, RUN_MARK: self.token}, (request_read, reply_write))
        except BaseException:  # no server: nothing of its is kept (its pipes, its folder)
            os.close(self.requests)
            os.close(self.replies)
            folders.remove_folder(self.folder)
            raise
        finally:
            os.close(request_read)
            os.close(reply_write)
        _live.add(self)
        # Its start time, which tells its pid from a later process's (processes.contain), is read
        # once it is ready: a read of /proc/PID/stat waits while the process is in its exec, 3-5 ms
        # of 2.7's, which held up the rest of compare's start-up (the legacy side's server starts last).
        self.started: int | None = None
        self.python = python
        self.preamble: bytes | None = None  # set once the server said it is ready
        self.count = 0
        # The CPUs its next run inherits (start): its starter's, until a run is given one.
        self.cpus = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
        # A clean run's FIFOs (their paths, their read ends), for the next run (ForkedRun.release)
        self.fifos: tuple[list[str], list[int]] | None = None
        if wait:
            try:
                self.ready()
            except ServerFailed:
                self.close()
                raise

    def ready(self) -> None:
        """Wait until the server has started (once); ServerFailed if it never does."""
        if self.preamble is not None:
            return
        if _read_line(self.replies, self.buffer, READY_TIMEOUT) != b"ready":
            raise ServerFailed(f"the fork server for {self.python} did not start")
        self.started = processes.started(self.process.pid)
        # What the interpreter wrote while starting (an invalid -W option, say) is what
        # a fresh run's stderr starts with.
        self.preamble = self._startup_output()

    def _startup_output(self) -> bytes:
        os.set_blocking(self.process.stdout.fileno(), False)
        try:
            return self.process.stdout.read() or b""
        except BlockingIOError:
            return b""

    def start(self, argv: list[str], directory: str, token: str, cpu: int | None = None) -> ForkedRun:
        """Fork the run of ``child.py ARGV`` in ``directory`` with the run's marker ``token``,
        kept on ``cpu`` (None: on every CPU of this process; runner._READS_CPU_SET says why)."""
        self._keep_on(cpu)
        self.count += 1
        kept, self.fifos = self.fifos, None
        if kept is not None:
            # The last run's, read to their end: no writer until this run's opens them, which is
            # before the server replies the run's pid (below), so a look at them after this
            # returns never takes the last run's end for this one's.
            fifos, readers = kept
        else:
            fifos = [os.path.join(self.folder, f"{self.count}.{name}") for name in ("out", "err")]
            readers = []
            for path in fifos:
                os.mkfifo(path, 0o600)
                # Non-blocking: opening a FIFO's read end waits for a writer otherwise.
                readers.append(os.open(path, os.O_RDONLY | os.O_NONBLOCK))
        fields = [*argv, *fifos, directory, token]
        assert len(fields) == REQUEST_FIELDS
        try:
            try:
                os.write(self.requests, ("\0".join(fields) + "\0").encode(*FS_CODEC))
            except BrokenPipeError:
                raise ServerFailed("the fork server was gone before it read the run's request") from None
            try:
                reply = _read_line(self.replies, self.buffer, READY_TIMEOUT)
            except ServerFailed:
                reply = None
            if reply is None:
                # The server may have forked the run and died before it said so (the run
                # itself can kill it: it is the run's parent), or hang: end it and whatever
                # carries its marker, the run included, if there is one.
                processes.contain(self.process.pid, self.started, self.token)
                raise RunLost("the fork server died before it named the run's process: its exit status is lost")
        except BaseException:
            for fd in readers:
                os.close(fd)
            for path in fifos:
                os.unlink(path)
            raise
        pid, started = reply.split()
        return ForkedRun(self, int(pid), None if started == b"-" else int(started), fifos, readers)

    def _keep_on(self, cpu: int | None) -> None:
        """The server's CPUs, which the run it forks next inherits: ``cpu`` alone, or (None)
        every CPU the caller has now, as a fresh run would (the caller's may have changed since
        the server started: taskset -p, a cgroup); set only when they change (a server is
        leased by one worker after another). A CPU that cannot be had (taken offline, or out
        of a cpuset changed since) leaves the run on every CPU; a run that cannot be given
        every CPU again is not forked (ServerFailed: a fresh run)."""
        if self.cpus is None:
            return  # no sched_getaffinity here: batch_cpus gives no CPU either
        cpus = {cpu} if cpu is not None else os.sched_getaffinity(0)
        if cpus == self.cpus:
            return
        try:
            os.sched_setaffinity(self.process.pid, cpus)
            self.cpus = cpus
        except OSError:
            if cpu is not None:
                self._keep_on(None)
                return
            # Its CPUs unchanged, as self.cpus says; the lease closes a server that failed.
            raise ServerFailed("the fork server's CPUs could not be set back to every CPU") from None

    def alive(self) -> bool:
        return self.process.poll() is None

    def hang_up(self) -> None:
        """Close the server's pipes: at EOF on its requests it ends (once)."""
        fds, self.requests, self.replies = (self.requests, self.replies), -1, -1
        for fd in fds:
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass

    def close(self) -> None:
        kept, self.fifos = self.fifos, None
        if kept is not None:  # gone before the server ends: it removes its folder if it is empty
            ForkedRun(self, 0, None, *kept).unlink()
        self.hang_up()
        try:
            self.process.wait(READY_TIMEOUT)  # EOF on its request pipe ends it
        except processes.timeout_expired():
            self.process.kill()
            self.process.wait()
        _live.discard(self)
        self.process.stdout.close()
        try:
            folders.remove_folder(self.folder)  # the server removes it at its end, if it is empty
        except OSError:
            pass


def _timeout_expired(pid: int, timeout: float | None) -> Exception:
    return processes.timeout_expired()(str(pid), timeout)


class _Spawned:
    """A server's process as os.posix_spawn started it, with the part of subprocess.Popen a
    ForkServer uses (pid, poll, wait, kill, stdout, returncode)."""

    def __init__(self, pid: int, stdout: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self.stdout = open(stdout, "rb", buffering=0)  # noqa: SIM115 - closed by ForkServer.close

    def _reap(self, flags: int) -> int | None:
        """Its exit code once it has ended: os.waitpid(pid, flags), one place for both waits."""
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, flags)
            except ChildProcessError:  # reaped by someone else: its status is lost
                pid, status = self.pid, 0
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def poll(self) -> int | None:
        return self._reap(os.WNOHANG)

    def wait(self, timeout: float | None = None) -> int:
        if timeout is None:
            return self._reap(0)
        deadline = time.monotonic() + timeout
        pause = 0.0005
        while self.poll() is None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise _timeout_expired(self.pid, timeout)
            time.sleep(min(pause, left))
            pause = min(pause * 2, 0.05)
        return self.returncode

    def kill(self) -> None:
        if self.poll() is None:
            try:
                os.kill(self.pid, SIGKILL)
            except ProcessLookupError:
                pass


# The descriptors a server's pipes are duplicated to in _spawn before they become 3, 4...: above
# any the spawn's own actions write to, so that no pipe is overwritten before it is duplicated.
_SPAWN_FLOOR = 10


def _spawn(command: list[str], environment: dict[str, str], fds: tuple[int, ...]) -> _Spawned:
    """Start a server as subprocess.Popen(command, stdin=DEVNULL, stdout=PIPE, stderr=STDOUT,
    pass_fds=fds (as 3, 4, ...), env=environment, start_new_session=True) would, with
    os.posix_spawn: compare no longer imports subprocess (with locale and selectors, 11 M
    instructions of its own process), and its first server starts 6-10 ms earlier. The
    server closes any other descriptor it inherited (clock/driver.py's _serve), as Popen's
    close_fds would have; stdout and stderr are one pipe, as a fresh run's are (sys.stdout
    decides seekable() and buffering once, at start-up, from what fd 1 is)."""
    import fcntl

    out_read, out_write = os.pipe()
    raised = []
    try:
        for fd in (out_write, *fds):
            raised.append(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, _SPAWN_FLOOR))
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDWR, 0),  # as subprocess.DEVNULL opens it
            (os.POSIX_SPAWN_DUP2, raised[0], 1),
            (os.POSIX_SPAWN_DUP2, raised[0], 2),
        ]
        actions += [(os.POSIX_SPAWN_DUP2, fd, 3 + n) for n, fd in enumerate(raised[1:])]
        # As Popen's restore_signals: what Python ignores for itself is the default again.
        defaults = (SIGPIPE, SIGXFSZ)
        pid = os.posix_spawnp(command[0], command, environment, file_actions=actions, setsid=True, setsigdef=defaults)
    except BaseException:
        os.close(out_read)
        raise
    finally:
        os.close(out_write)
        for fd in raised:
            os.close(fd)
    return _Spawned(pid, out_read)


# Every server started and not yet closed, idle or leased: their children are their own runs.
_live: set[ForkServer] = set()


def others(server: ForkServer | None = None) -> frozenset[int]:
    """The pids of the servers other than ``server`` that have not been reaped (a reaped
    server's pid may be another process's by now): processes.contain looks no further at
    what they forked, the runs of other workers, when it contains a run."""
    return frozenset(
        other.process.pid for other in list(_live) if other is not server and other.process.returncode is None
    )


_idle: dict[tuple, list[ForkServer]] = {}  # least recently returned key first
_idle_lock = _thread.allocate_lock()  # threading.Lock(), without importing threading before the first server starts
MAX_IDLE = 4  # per interpreter and mode: one per parallel run is all a pool can use
# And in all, the least recently returned closed first: a caller whose environment changes
# from run to run (pytest sets PYTEST_CURRENT_TEST for each test) asks for a new key each
# time, and the idle servers of keys never asked for again piled up: 495 processes and
# 1,330 descriptors in one pytest process, where select() refuses a descriptor from 1024 on
# (every run failed from there). The timeline's nine interpreters (eight Python 3s, 2.7),
# two runs at a time, keep 18 busy.
MAX_IDLE_TOTAL = 24


@contextmanager
def lease(python: str, mode: str, warnings: tuple[str, ...], environment: dict[str, str]) -> Iterator[ForkServer]:
    """A server of its own for one run; it goes back to the idle ones if it is still sound."""
    key = _key(python, mode, warnings, environment)
    with _idle_lock:
        idle = _idle.get(key)
        server = idle.pop() if idle else None
    if server is None:
        server = ForkServer(python, mode, tuple(warnings), environment)
    sound = False
    try:
        server.ready()  # one that warm() started may still be starting
        yield server
        sound = server.alive()
    finally:
        surplus = []
        if sound:
            with _idle_lock:
                idle = _idle.pop(key, [])
                _idle[key] = idle  # the most recently returned key goes last
                if len(idle) < MAX_IDLE:
                    idle.append(server)
                    server = None
                surplus = _surplus_locked()
        if server is not None:
            surplus.append(server)
        for extra in surplus:
            extra.close()


def warm(
    python: str, real_time: bool, warnings: tuple[str, ...] = (), environment: dict[str, str] | None = None
) -> None:
    """Start the server that the first lease of these runs will take, without waiting for it:
    it starts while the caller goes on with its own start-up (compare: its imports and the
    catalogue, about 25 ms, while a server takes 15-50 ms to be ready). Nothing when runs
    are not forked, or when such a server is already idle; a server that cannot start is
    left to the lease, which says so as it does today."""
    if not wanted():
        return
    mode = clock_mode(real_time)
    environment = child_environment() if environment is None else environment
    key = _key(python, mode, warnings, environment)
    with _idle_lock:
        if _idle.get(key):
            return
    try:
        server = ForkServer(python, mode, tuple(warnings), environment, wait=False)
    except OSError:
        return
    with _idle_lock:
        _idle.setdefault(key, []).append(server)


def _key(python: str, mode: str, warnings: tuple[str, ...], environment: dict[str, str]) -> tuple:
    # The environment is part of the key: the caller's may change between runs (tests do).
    frozen = environment.frozen() if type(environment) is RunEnvironment else frozenset(environment.items())
    return (python, mode, tuple(warnings), frozen)


def _surplus_locked() -> list[ForkServer]:
    """The idle servers beyond MAX_IDLE_TOTAL, taken out least recently returned key first."""
    surplus = []
    count = sum(len(idle) for idle in _idle.values())
    for key in list(_idle):
        idle = _idle[key]
        while idle and count > MAX_IDLE_TOTAL:
            surplus.append(idle.pop(0))
            count -= 1
        if not idle:
            del _idle[key]
    return surplus


@atexit.register
def close_all() -> None:
    with _idle_lock:
        servers = [server for idle in _idle.values() for server in idle]
        _idle.clear()
    for server in servers:  # every one told first, so that they end side by side, not one after another
        server.hang_up()
    for server in servers:
        server.close()
