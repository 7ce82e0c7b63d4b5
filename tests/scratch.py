"""Where a test session's temporary files go: memory (/dev/shm) where there is room.

The tests make and remove some 1,300 folders and write thousands of files (each `fix` an
fsync); on a disk's file system each is a journal write, in every env of the matrix. The
product already keeps its runs' folders and FIFOs in /dev/shm (runner.py, forkserver.py).
conftest points TMPDIR there for the session (tmp_path, tempfile, and the commands the
tests start, which inherit it), unless TMPDIR is set (the caller's choice stays), or
/dev/shm is missing, not ours to write, or small: a container's is often 64 MB, a session
leaves about 25 MB, and pytest keeps the last three sessions' folders.
"""

from __future__ import annotations

import os

SCRATCH_IN_MEMORY = "/dev/shm"
SCRATCH_ROOM = 1 << 30  # bytes free, at least


def scratch_in_memory(environ=os.environ, folder: str = SCRATCH_IN_MEMORY) -> str | None:
    """The folder for TMPDIR, or None to leave TMPDIR as it is."""
    if environ.get("TMPDIR"):
        return None
    try:
        room = os.statvfs(folder)
    except OSError:
        return None
    if not os.access(folder, os.W_OK | os.X_OK) or room.f_bavail * room.f_frsize < SCRATCH_ROOM:
        return None
    return folder
