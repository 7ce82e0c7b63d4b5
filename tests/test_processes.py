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
    token = uuid.uuid4().hex
    child = subprocess.Popen(
        [sys.executable, "-c", "import time; print('started', flush=True); time.sleep(600)"],
        env={**os.environ, processes.RUN_MARK: token},
        start_new_session=True,
        stdout=subprocess.PIPE,
    )
    # Until its exec, the child has this process's environment block, without the marker.
    assert child.stdout.readline() == b"started\n"
    yield child, token
    child.stdout.close()
    child.kill()
    child.wait()


def test_a_pid_remembered_as_older_is_read_again_when_its_proc_folder_is_another(marked_process):
    child, token = marked_process
    me = os.getpid()
    found = lambda: [p.pid for p in processes.snapshot(me, processes.started(me), token)]  # noqa: E731
    assert found() == [child.pid]
    inode = os.stat(f"/proc/{child.pid}").st_ino
    # The pid's folder has another inode than remembered: a new process with a reused pid.
    processes._seen[child.pid] = (inode + 1, 0)
    assert found() == [child.pid]
    # The same inode remembered as older than the run: that process is skipped unread.
    processes._seen[child.pid] = (inode, 0)
    assert found() == []
