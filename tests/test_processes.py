"""processes.snapshot reads each process's stat once: what it remembers must never hide a run's process."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest

from threadport import processes


@pytest.fixture
def marked_process():
    # The run's root stands in as a process of its own, older than the marked one (this
    # test process would not do: its other children, fork servers, are its descendants).
    root = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    token = uuid.uuid4().hex
    child = subprocess.Popen(
        [sys.executable, "-c", "import time; print('started', flush=True); time.sleep(600)"],
        env={**os.environ, processes.RUN_MARK: token},
        start_new_session=True,
        stdout=subprocess.PIPE,
    )
    # Until its exec, the child has this process's environment block, without the marker.
    assert child.stdout.readline() == b"started\n"
    yield root.pid, child, token
    child.stdout.close()
    for process in (child, root):
        process.kill()
        process.wait()


@pytest.mark.parametrize("listing", [True, False], ids=["inodes from listing /proc", "inodes from stat()"])
def test_a_pid_remembered_as_older_is_read_again_when_its_proc_folder_is_another(marked_process, monkeypatch, listing):
    monkeypatch.setattr(processes, "_listing_inodes", listing)
    root, child, token = marked_process
    found = lambda: [p.pid for p in processes.snapshot(root, processes.started(root), token)]  # noqa: E731
    assert found() == [child.pid]
    inode = os.stat(f"/proc/{child.pid}").st_ino
    # The pid's folder has another inode than remembered: a new process with a reused pid.
    processes._seen[child.pid] = (inode + 1, 0)
    assert found() == [child.pid]
    # The same inode remembered as older than the run: that process is skipped unread.
    processes._seen[child.pid] = (inode, 0)
    assert found() == []


def test_listing_proc_gives_each_folder_its_own_inode_here(monkeypatch):
    # On this kernel the cheap way is taken; the check itself is what decides that.
    monkeypatch.setattr(processes, "_listing_inodes", None)
    assert processes._inodes_listed() is True


def test_the_pids_given_out_between_two_marks_are_looked_at_only_when_few_and_not_wrapped():
    assert processes.created_since((100, 5000), (103, 5004)) == range(101, 104)
    assert processes.created_since((100, 5000), (100, 5000)) == range(101, 101)
    assert processes.created_since((100, 5000), None) is None  # no mark now: every process is read
    assert processes.created_since((32760, 5000), (305, 5010)) is None  # pids wrapped round pid_max
    window = processes.PID_WINDOW
    assert processes.created_since((100, 5000), (101, 5001 + window)) is None  # could have gone round
    assert processes.created_since((100, 5000), (102 + window, 5002)) is None  # many pids skipped


THREADED = (
    "import threading, time\n"
    "threading.Thread(target=time.sleep, args=(600,), daemon=True).start()\n"
    "print('started', flush=True)\n"
    "time.sleep(600)\n"
)


def test_a_run_marked_only_since_its_start_finds_its_processes_and_not_their_threads(monkeypatch):
    # Any number of forks on a busy machine: the window is what is tested here, not its limit.
    monkeypatch.setattr(processes, "PID_WINDOW", 10**9)
    for _attempt in range(3):  # pids may wrap round pid_max (32768 here) during the test: then again
        since = processes.mark()
        assert since is not None
        root = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
        token = uuid.uuid4().hex
        child = subprocess.Popen(
            [sys.executable, "-c", THREADED],
            env={**os.environ, processes.RUN_MARK: token},
            start_new_session=True,  # left the run's session: found by its marker alone
            stdout=subprocess.PIPE,
        )
        try:
            assert child.stdout.readline() == b"started\n"
            threads = [int(tid) for tid in os.listdir(f"/proc/{child.pid}/task")]
            assert len(threads) == 2
            window = processes.created_since(since, processes.mark())
            found = [p.pid for p in processes.snapshot(root.pid, processes.started(root.pid), token, since=since)]
            every = [p.pid for p in processes.snapshot(root.pid, processes.started(root.pid), token)]
        finally:
            child.stdout.close()
            for process in (child, root):
                process.kill()
                process.wait()
        if window is not None:
            break
    assert window is not None and set(threads) <= set(window)  # the thread's id is looked at too
    assert found == every == [child.pid]


def test_a_run_is_marked_with_the_last_mark_taken_which_is_older_than_its_processes(monkeypatch):
    # mark_before hands a starting run the last mark taken in this process (in a batch, the
    # previous run's containment's) instead of reading /proc twice: any mark taken before
    # the run started bounds the pids its processes can have.
    monkeypatch.setattr(processes, "PID_WINDOW", 10**9)  # a busy machine's forks: the window's limit is not tested here
    monkeypatch.setattr(processes, "_latest", None)
    first = processes.mark_before()  # none taken yet: a new one
    assert first is not None and processes._latest == first
    again = processes.mark()  # as a containment takes one
    assert processes.mark_before() is again
    run = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True)
    try:
        window = processes.created_since(processes.mark_before(), processes.mark())
    finally:
        run.kill()
        run.wait()
    if window is not None:  # None: pids wrapped round pid_max meanwhile (the full listing's case)
        assert run.pid in window
    assert processes.mark_before() not in (first, again)  # the mark after the run is the latest now


def test_a_run_whose_pid_another_process_has_now_leaves_that_process_and_its_group_alone():
    # A reaped run's pid can be given to a new process that leads a group of its own: its
    # start time tells it from the run, and containment must not kill that group.
    echo = "import sys\nfor line in iter(sys.stdin.readline, ''):\n    sys.stdout.write(line); sys.stdout.flush()\n"
    stranger = subprocess.Popen(
        [sys.executable, "-c", echo], stdin=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=True
    )

    def answers() -> bool:  # a process killed by SIGKILL runs no more code: EOF, not the echo
        stranger.stdin.write(b"there?\n")
        stranger.stdin.flush()
        return stranger.stdout.readline() == b"there?\n"

    try:
        since_boot = processes.started(stranger.pid)
        assert answers()
        assert processes.contain(stranger.pid, since_boot - 1, uuid.uuid4().hex) == []
        assert answers(), "the process that has the pid now was killed"
        # The same pid with its own start time is the run itself: its group goes.
        assert processes.contain(stranger.pid, since_boot, uuid.uuid4().hex) == []
        assert stranger.wait(10) == -9
    finally:
        stranger.kill()
        stranger.wait()
        stranger.stdin.close()
        stranger.stdout.close()


def test_a_mark_reads_its_proc_files_anew_through_descriptors_opened_once(monkeypatch):
    # Every run's containment takes a mark: /proc/sys/kernel/ns_last_pid and /proc/stat, each
    # opened, read to the end and closed again was 8 system calls a run. Kept open, each mark
    # reads them from the start again (pread), and sees what happened since the last one.
    opened = []
    real_open = os.open

    def counted(path, *args, **kwargs):
        opened.append(path)
        return real_open(path, *args, **kwargs)

    processes.mark()  # the first in this process (or not: another test's may have been)
    monkeypatch.setattr(os, "open", counted)
    marks = [processes.mark()]
    for _ in range(3):
        subprocess.run([sys.executable, "-S", "-c", "pass"], check=True)  # a fork, a pid given out
        marks.append(processes.mark())
    assert opened == []
    assert all(mark is not None for mark in marks)
    forks = [forks for _, forks in marks]
    assert forks == sorted(forks) and len(set(forks)) == len(forks)  # each read anew, never stale
    assert all(last != marks[0][0] for last, _ in marks[1:])  # pids given out since (no wrap here)


SERVER_STAND_IN = (
    "import subprocess, sys\n"
    "child = subprocess.Popen([sys.executable, '-S', '-c', 'import time; time.sleep(600)'])\n"
    "print(child.pid, flush=True)\n"
    "child.wait()\n"
)


def test_what_another_fork_server_forked_is_not_read_for_the_runs_marker(monkeypatch):
    # With two workers, the pids given out during a run are the other worker's runs too,
    # forked by the runner's other server: runs of that server, never of this run. Their
    # environment was read at every containment, a few KB each.
    monkeypatch.setattr(processes, "PID_WINDOW", 10**9)  # a busy machine's forks: not tested here
    since = processes.mark()
    root = subprocess.Popen([sys.executable, "-S", "-c", "import time; time.sleep(600)"], start_new_session=True)
    server = subprocess.Popen([sys.executable, "-S", "-c", SERVER_STAND_IN], stdout=subprocess.PIPE)
    forked = None
    try:
        forked = int(server.stdout.readline())
        root_started = processes.started(root.pid)
        read = []
        real_read = processes._read
        monkeypatch.setattr(processes, "_read", lambda path: read.append(path) or real_read(path))
        token = uuid.uuid4().hex
        environ = f"/proc/{forked}/environ"
        assert processes.snapshot(root.pid, root_started, token, since=since) == []
        assert environ in read  # looked at for the run's marker, as any younger process
        read.clear()
        others = frozenset({server.pid})
        assert processes.snapshot(root.pid, root_started, token, since=since, others=others) == []
        assert environ not in read and f"/proc/{server.pid}/environ" in read
    finally:
        if forked is not None:
            os.kill(forked, 9)
        for process in (root, server):
            process.kill()
            process.wait()
        server.stdout.close()


def test_the_runners_other_servers_are_the_others_of_a_run(monkeypatch):
    from threadport import forkserver

    servers = [forkserver.ForkServer(sys.executable, "virtual", (), forkserver.child_environment()) for _ in range(2)]
    try:
        first, second = servers
        assert {first.process.pid, second.process.pid} <= forkserver.others()
        assert second.process.pid in forkserver.others(first) and first.process.pid not in forkserver.others(first)
        first.close()
        assert first.process.pid not in forkserver.others()  # reaped: its pid may be another process's
    finally:
        for server in servers:
            server.close()
