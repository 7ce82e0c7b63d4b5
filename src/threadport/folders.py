"""Private folders for the run service (a run's own folder, a fork server's FIFOs), in memory.

tempfile and shutil are imported only when /dev/shm cannot be used or a folder is not
empty: with what they import (random, weakref, bz2, lzma...) they were about 13 M of the
250 M instructions of `threadport compare`'s own process.
"""

from __future__ import annotations

import os

# A folder made and removed per run, and a run's two FIFOs: on a disk's file system each is
# a journal write (0.26 ms of CPU a FIFO made and removed on ext4, 0.02 ms on tmpfs).
SHARED_MEMORY = "/dev/shm"
# tempfile.mkdtemp's names: the prefix, then 8 of these characters (its _RandomNameSequence).
NAME_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789_"
NAME_LENGTH = 8
ATTEMPTS = 10000  # tempfile.TMP_MAX


def _name(prefix: str) -> str:
    return prefix + "".join(NAME_CHARACTERS[byte % len(NAME_CHARACTERS)] for byte in os.urandom(NAME_LENGTH))


def private_folder(prefix: str) -> str:
    """A new folder only this user can enter (mode 0700), as tempfile.mkdtemp makes one:
    under /dev/shm where it can be, else in the default temporary folder; its absolute path."""
    try:
        for _ in range(ATTEMPTS):
            path = os.path.join(SHARED_MEMORY, _name(prefix))
            try:
                os.mkdir(path, 0o700)
            except FileExistsError:
                continue
            return path
    except OSError:  # no /dev/shm, not ours to write, or full
        pass
    import tempfile

    return tempfile.mkdtemp(prefix=prefix)


def remove_folder(path: str) -> None:
    """Remove a folder made by private_folder and what is in it. Most are empty by then, and
    one rmdir does; a folder that someone removed already is fine. One with files in it
    (or whose modes were changed) goes as tempfile.TemporaryDirectory removes its own."""
    try:
        os.rmdir(path)
    except FileNotFoundError:
        pass
    except OSError:
        import tempfile

        tempfile.TemporaryDirectory._rmtree(path)
