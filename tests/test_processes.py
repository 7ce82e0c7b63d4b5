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
