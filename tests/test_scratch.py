"""Where the session's temporary files go (scratch.py): memory where there is room, else
where they went before."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from scratch import SCRATCH_ROOM, scratch_in_memory


def free(monkeypatch, room: int) -> None:
    """os.statvfs answering ``room`` bytes free (in 4 KB blocks) for any folder."""
    real = os.statvfs

    def statvfs(folder):
        found = real(folder)  # a missing folder still raises
        blocks = room // 4096
        return os.statvfs_result((4096, 4096, found.f_blocks, blocks, blocks, *found[5:]))

    monkeypatch.setattr(os, "statvfs", statvfs)


def test_a_folder_with_room_is_taken(tmp_path, monkeypatch):
    free(monkeypatch, SCRATCH_ROOM)
    assert scratch_in_memory({}, str(tmp_path)) == str(tmp_path)


def test_the_callers_tmpdir_stays(tmp_path, monkeypatch):
    free(monkeypatch, 100 * SCRATCH_ROOM)
    assert scratch_in_memory({"TMPDIR": "/elsewhere"}, str(tmp_path)) is None


@pytest.mark.parametrize("room", [0, 64 << 20, SCRATCH_ROOM - 4096])
def test_a_small_folder_is_left_alone(tmp_path, monkeypatch, room):
    free(monkeypatch, room)  # a container's /dev/shm: 64 MB
    assert scratch_in_memory({}, str(tmp_path)) is None


def test_a_missing_folder_is_left_alone(tmp_path):
    assert scratch_in_memory({}, str(tmp_path / "no such folder")) is None


def test_this_sessions_temporary_files_are_where_tmpdir_says(tmp_path):
    """conftest sets TMPDIR (and makes tempfile read it again): tmp_path and the commands the
    tests start, which inherit TMPDIR, put their files in one and the same place."""
    temporary = tempfile.gettempdir()
    assert tmp_path.resolve().is_relative_to(Path(temporary).resolve())
    command = [sys.executable, "-S", "-c", "import tempfile; print(tempfile.gettempdir())"]
    assert subprocess.run(command, capture_output=True, text=True, check=True).stdout == temporary + "\n"
