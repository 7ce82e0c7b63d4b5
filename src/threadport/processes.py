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
import signal
import time
from dataclasses import dataclass

RUN_MARK = "THREADPORT_RUN"
PROC = "/proc"
KILL_GRACE = 2.0  # seconds for killed processes to be gone before one is called escaped


@dataclass(frozen=True)
class Process:
    pid: int
    ppid: int
    session: int
    started: int  # clock ticks after boot: tells a process from a later one with the same pid
    name: str
    state: str


def read_process(pid: int) -> Process | None:
    try:
        with open(f"{PROC}/{pid}/stat", "rb") as handle:
            stat = handle.read().decode("utf-8", "replace")
    except OSError:
        return None
    # The name is in parentheses and may hold spaces or parentheses itself.
    name = stat[stat.index("(") + 1 : stat.rindex(")")]
    rest = stat[stat.rindex(")") + 2 :].split()
    return Process(pid, int(rest[1]), int(rest[3]), int(rest[19]), name, rest[0])


def _carries(pid: int, marks: set[bytes]) -> bool:
    try:
        with open(f"{PROC}/{pid}/environ", "rb") as handle:
            return not marks.isdisjoint(handle.read().split(b"\0"))
    except OSError:
        return False


def snapshot(
    root: int, root_started: int | None, token: str, server_token: str | None = None, server: int | None = None
) -> list[Process]:
    """The run's processes now (the root excluded): its descendants by parentage, and
    every younger process carrying the run's marker, with their descendants.

    A run forked by a fork server (threadport.forkserver) has the server's environment
    block: what it forks without an exec carries the server's marker instead (the run's
    own is in os.environ, which exec passes on). The server runs one run at a time, so
    a younger process with its marker belongs to this run; the server is never one."""
    if not os.path.isdir(PROC):
        return []
    table = {}
    for name in os.listdir(PROC):
        if name.isdigit():
            found = read_process(int(name))
            if found is not None and found.state != "Z":
                table[found.pid] = found
    marks = {f"{RUN_MARK}={token}".encode()}
    if server_token:
        marks.add(f"{RUN_MARK}={server_token}".encode())
    members = {root}
    for process in table.values():
        # Only a process younger than the run can be part of it: older ones skip the environ read.
        if root_started is not None and process.started >= root_started and process.pid not in (os.getpid(), server):
            if process.session == root or _carries(process.pid, marks):
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
    root: int, root_started: int | None, token: str, server_token: str | None = None, server: int | None = None
) -> list[str]:
    """Kill the run's process group and every leftover process of the run; one line each."""
    found = snapshot(root, root_started, token, server_token, server)  # before any kill: killing reparents
    try:
        os.killpg(root, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    for process in found:
        if alive(process):
            try:
                os.kill(process.pid, signal.SIGKILL)
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


def started(pid: int) -> int | None:
    found = read_process(pid)
    return found.started if found else None
