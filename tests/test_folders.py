"""The run service's private folders (threadport.folders): made as tempfile.mkdtemp makes
them, removed as tempfile.TemporaryDirectory removes its own, without importing either
module where neither is needed."""

from __future__ import annotations

import os
import re
import stat
import tempfile

from threadport import folders


def test_a_folder_is_private_in_memory_and_named_as_mkdtemp_names_it():
    made = [folders.private_folder("threadport-test-") for _ in range(20)]
    try:
        for path in made:
            assert os.path.dirname(path) == folders.SHARED_MEMORY
            assert re.fullmatch(r"threadport-test-[a-z0-9_]{8}", os.path.basename(path))
            assert stat.S_IMODE(os.stat(path).st_mode) == 0o700 and os.listdir(path) == []
        assert len(set(made)) == len(made)
    finally:
        for path in made:
            folders.remove_folder(path)
    assert not any(os.path.exists(path) for path in made)


def test_without_shared_memory_the_default_temporary_folder_is_used(monkeypatch, tmp_path):
    monkeypatch.setattr(folders, "SHARED_MEMORY", str(tmp_path / "no-such-folder"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    path = folders.private_folder("threadport-test-")
    assert os.path.dirname(path) == str(tmp_path) and os.path.basename(path).startswith("threadport-test-")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o700
    folders.remove_folder(path)
    assert not os.path.exists(path)


def test_a_name_taken_already_is_passed_over(monkeypatch):
    names = iter([b"\0" * 8, b"\0" * 8, b"\1" * 8])
    monkeypatch.setattr(folders.os, "urandom", lambda count: next(names))
    first = folders.private_folder("threadport-test-")
    second = folders.private_folder("threadport-test-")  # the same name first, then another
    try:
        names = (os.path.basename(first), os.path.basename(second))
        assert names == ("threadport-test-aaaaaaaa", "threadport-test-bbbbbbbb")
    finally:
        folders.remove_folder(first)
        folders.remove_folder(second)


def test_a_folder_goes_with_what_is_in_it_and_one_already_gone_is_fine():
    path = folders.private_folder("threadport-test-")
    os.makedirs(os.path.join(path, "sub", "deeper"))
    with open(os.path.join(path, "sub", "file"), "w") as handle:
        handle.write("x")
    os.chmod(os.path.join(path, "sub"), 0o500)
    folders.remove_folder(path)
    assert not os.path.exists(path)
    folders.remove_folder(path)  # gone already: nothing to do, no error
