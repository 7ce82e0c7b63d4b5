"""Find and end what a run left behind: every descendant of the run's process.

A run gets its own session, so killing its process group ends the ordinary
descendants. A snippet can still start one that leaves the group (``setsid``)
and outlive the run's process, which orphans it: its parent becomes init and
the ppid chain back to the run is gone. So each run's environment carries a
marker (RUN_MARK) that descendants inherit, and containment takes a snapshot of
/proc first (parentage and markers), then kills what it found, then says what
survived. A cgroup would be tighter but is not available everywhere; a
descendant that clears its environment *and* is orphaned before the snapshot
is not found (the report cannot name what it cannot see). Linux only: elsewhere
the process group kill is all there is.
"""

from __future__ import annotations

import os
import time

# signal's numbers from _signal, the C module that signal.py wraps: signal.py makes its enums
# (Signals, Handlers, Sigmasks) when imported, 7-10 ms that came before compare's first fork
# server could start (threadport.forkserver imports this module).
from _signal import SIGKILL

from threadport.records import Record

RUN_MARK = "THREADPORT_RUN"
PROC = "/proc"
KILL_GRACE = 2.0  # seconds for killed processes to be gone before one is called escaped


class Process(Record, frozen=True):
    __slots__ = ("pid", "ppid", "session", "started", "name", "state")

    def __init__(self, pid: int, ppid: int, session: int, started: int, name: str, state: str) -> None:
        self.pid = pid
        self.ppid = ppid
        self.session = session
        self.started = started  # clock ticks after boot: tells a process from a later one with the same pid
        self.name = name
        self.state = state


def read_to_end(fd: int) -> bytes:
    """Everything left to read from ``fd`` (OSError as os.read raises it)."""
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    return b"".join(chunks)


def _read(path: str) -> bytes | None:
    # os.open/os.read: a snapshot reads every process's stat, and a file object per read
    # costs more than the read itself.
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        return read_to_end(fd)
    except OSError:
        return None
    finally:
        os.close(fd)


def read_process(pid: int) -> Process | None:
    raw = _read(f"{PROC}/{pid}/stat")
    if raw is None:
        return None
    stat = raw.decode("utf-8", "replace")
    # The name is in parentheses and may hold spaces or parentheses itself.
    name = stat[stat.index("(") + 1 : stat.rindex(")")]
    rest = stat[stat.rindex(")") + 2 :].split()
    return Process(pid, int(rest[1]), int(rest[3]), int(rest[19]), name, rest[0])


def _carries(pid: int, marks: set[bytes]) -> bool:
    environ = _read(f"{PROC}/{pid}/environ")
    return environ is not None and not marks.isdisjoint(environ.split(b"\0"))


# pid -> (inode of /proc/PID, start time) of processes read before. Reading a process's
# stat costs far more than listing /proc, and most processes on a machine are older
# than any run: a pid whose folder has the same inode is the same process (procfs
# makes a new inode for a new process, even one that reuses the pid), so its start
# time is known. Entries of pids no longer listed go at the next snapshot.
_seen: dict[int, tuple[int, int]] = {}
_listing_inodes: bool | None = None  # does listing /proc give each folder's own inode?


def _inodes_listed() -> bool:
    """Linux's procfs reports each /proc/PID folder's inode when /proc is listed (one
    call for all, against a stat() each); an older kernel reporting a stand-in would
    make every process look alike, so this is checked once, on this process's folder."""
    global _listing_inodes
    if _listing_inodes is None:
        mine = str(os.getpid())
        try:
            listed = next((entry.inode() for entry in os.scandir(PROC) if entry.name == mine), None)
            _listing_inodes = listed is not None and listed > 1 and listed == os.stat(f"{PROC}/{mine}").st_ino
        except OSError:
            _listing_inodes = False
    return _listing_inodes


# A run's processes can only have pids the kernel gave out after its start. When few were
# given out since (on a quiet machine: the run's own and its threads'), those few are
# looked at instead of every process listed (about 1 ms a run on a machine with 170).
PID_WINDOW = 64


_latest: tuple[int, int] | None = None  # the last mark() taken in this process, by any thread


# path -> a descriptor of it, kept open: the two files every mark reads (a run's containment
# takes one). procfs makes their text anew at each read from the start (pread at offset 0),
# where opening each, reading it to the end and closing it again was 4 system calls, and the
# mark 42 us of compare's own process a run (26 us now). os.open's descriptors are not
# inherited by the processes a run or a server starts.
_kept: dict[str, int] = {}


def _read_kept(path: str) -> bytes | None:
    """Everything in ``path`` now, read from its start through a descriptor kept open."""
    fd = _kept.get(path)
    if fd is None:
        try:
            opened = os.open(path, os.O_RDONLY)
        except OSError:
            return None
        fd = _kept.setdefault(path, opened)  # two threads may open it at once: one is kept
        if fd != opened:
            os.close(opened)
    chunks = []
    offset = 0
    try:
        while chunk := os.pread(fd, 65536, offset):
            chunks.append(chunk)
            offset += len(chunk)
    except OSError:
        return None
    return b"".join(chunks)


def mark() -> tuple[int, int] | None:
    """Where pid allocation stands now, taken before a run starts: the last pid given out in
    this pid namespace and the forks (processes and threads) since boot; None if unknown."""
    global _latest
    last, stat = _read_kept(f"{PROC}/sys/kernel/ns_last_pid"), _read_kept(f"{PROC}/stat")
    try:
        found = int(last), int(stat.split(b"\nprocesses ", 1)[1].split(None, 1)[0])
    except (TypeError, ValueError, IndexError):
        return None
    _latest = found
    return found


def mark_before() -> tuple[int, int] | None:
    """A mark for a run about to start: the last one taken in this process (a run's processes
    can only have pids given out after any earlier mark), else a new one. In a batch that is
    the previous run's containment's: two /proc reads (4 system calls) fewer a run."""
    return _latest or mark()


def created_since(since: tuple[int, int], now: tuple[int, int] | None) -> range | None:
    """The pids that can have been given out between two marks, or None when that is not
    sure or not small: more than PID_WINDOW forks (pids could have gone round pid_max
    and back past the first mark), or the last pid wrapped round pid_max."""
    if now is None:
        return None
    (last_before, forks_before), (last_now, forks_now) = since, now
    if not 0 <= forks_now - forks_before <= PID_WINDOW or not 0 <= last_now - last_before <= PID_WINDOW:
        return None
    return range(last_before + 1, last_now + 1)


def _leads(process: Process) -> bool:
    """Is this pid a process (a thread group's leader), not a thread of one?"""
    status = _read(f"{PROC}/{process.pid}/status")
    return status is not None and f"\nTgid:\t{process.pid}\n".encode() in status


def snapshot(
    root: int,
    root_started: int | None,
    token: str,
    server_token: str | None = None,
    server: int | None = None,
    since: tuple[int, int] | None = None,
    others: frozenset[int] = frozenset(),
) -> list[Process]:
    """The run's processes now (the root excluded): its descendants by parentage, and
    every younger process carrying the run's marker, with their descendants. ``since``:
    mark() taken before the run started, to look at the pids given out since only.
    ``others``: the runner's other fork servers, whose children are their own runs.

    A run forked by a fork server (threadport.forkserver) has the server's environment
    block: what it forks without an exec carries the server's marker instead (the run's
    own is in os.environ, which exec passes on). The server runs one run at a time, so
    a younger process with its marker belongs to this run; the server is never one."""
    if not os.path.isdir(PROC):
        return []
    table = {}
    window = created_since(since, mark()) if since is not None and root_started is not None else None
    if window is not None:
        for pid in window:  # pids, and threads' ids: /proc/TID is there too, though not listed
            found = read_process(pid)
            if found is not None and found.state != "Z" and found.started >= root_started:
                table[pid] = found
        # A thread's stat names its process's parent and session, so a thread of a run's
        # process is taken for one: only processes are kept, as listing /proc gives them
        # (no process's parent is a thread: getppid names the thread's process).
        members = _members(table, root, root_started, token, server_token, server, others)
        return [found for found in members if _leads(found)]
    listed = set()
    from_listing = _inodes_listed()
    for entry in os.scandir(PROC):
        name = entry.name
        if not name.isdigit():
            continue
        pid = int(name)
        listed.add(pid)
        try:
            inode = entry.inode() if from_listing else os.stat(f"{PROC}/{name}").st_ino
        except OSError:
            continue
        known = _seen.get(pid)
        if root_started is not None and known is not None and known[0] == inode and known[1] < root_started:
            continue  # a process older than the run, seen before: its stat need not be read again
        found = read_process(pid)
        if found is None:
            continue
        _seen[pid] = (inode, found.started)
        # Only a process younger than the run can be part of it, or a descendant of it.
        if found.state != "Z" and (root_started is None or found.started >= root_started):
            table[found.pid] = found
    for pid in list(_seen):
        if pid not in listed:
            _seen.pop(pid, None)
    return _members(table, root, root_started, token, server_token, server, others)


def _members(table, root, root_started, token, server_token, server, others=frozenset()) -> list[Process]:
    """The run's processes among ``table`` (pid -> Process younger than the run).

    A process whose parent is another of the runner's fork servers (``others``) was forked by
    it (a server adopts no orphan: it is no subreaper), so it is a run of that server, or its
    thread, and never this run's: its environment is not read for the run's marker. With two
    workers every run's window held the other worker's run, a few KB of environ read a run."""
    marks = {f"{RUN_MARK}={token}".encode()}
    if server_token:
        marks.add(f"{RUN_MARK}={server_token}".encode())
    members = {root}
    for process in table.values():
        # Only a process younger than the run can be part of it: older ones skip the environ read.
        if root_started is not None and process.pid not in (os.getpid(), server):
            if process.ppid not in others and (process.session == root or _carries(process.pid, marks)):
                members.add(process.pid)
    changed = True
    while changed:  # close over parentage: children of members are members
        changed = False
        for process in table.values():
            if process.ppid in members and process.pid not in members:
                members.add(process.pid)
                changed = True
    members.discard(root)
    members.discard(os.getpid())
    members.discard(server)
    return sorted((table[pid] for pid in members if pid in table), key=lambda p: p.pid)


def alive(process: Process) -> bool:
    now = read_process(process.pid)
    return now is not None and now.started == process.started and now.state != "Z"


def contain(
    root: int,
    root_started: int | None,
    token: str,
    server_token: str | None = None,
    server: int | None = None,
    since: tuple[int, int] | None = None,
    others: frozenset[int] = frozenset(),
) -> list[str]:
    """Kill the run's process group and every leftover process of the run; one line each."""
    found = snapshot(
        root, root_started, token, server_token, server, since, others
    )  # before any kill: killing reparents
    # The root may be reaped already (a forked run's by its server): once its group is empty
    # its pid is free, and pids go round pid_max (32768 here) within a busy test run. A
    # process that has it now is another one, and so is the group it leads.
    now = read_process(root)
    if now is None or root_started is None or now.started == root_started:
        try:
            os.killpg(root, SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    for process in found:
        if alive(process):
            try:
                os.kill(process.pid, SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
    deadline = time.monotonic() + KILL_GRACE  # SIGKILL is sure but not instant
    while any(alive(p) for p in found) and time.monotonic() < deadline:
        time.sleep(0.01)
    lines = []
    for process in found:
        line = f"pid {process.pid} ({process.name})"
        if process.session != root:
            line += " had left the run's session (setsid)"
        lines.append(line + (": ESCAPED, still running after SIGKILL" if alive(process) else ": killed"))
    return lines


def timeout_expired() -> type:
    """subprocess.TimeoutExpired, imported where a wait runs out or is caught (an except
    clause's class is looked up only when something is raised): forked runs and their fork
    servers' starts (threadport.forkserver) never import subprocess, with the locale and
    selectors modules it imports (11 M instructions of compare's own process)."""
    import subprocess

    return subprocess.TimeoutExpired


def started(pid: int) -> int | None:
    found = read_process(pid)
    return found.started if found else None
