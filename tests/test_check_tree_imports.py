"""`check` over a folder outside any git work tree asks git nothing, so it imports neither
subprocess nor shutil (signal, threading, selectors, bz2, lzma: a twentieth of a check
of CPython's Lib without tests)."""

from __future__ import annotations

from test_startup import SMALL, imported_after


def test_check_of_a_folder_outside_a_work_tree_imports_no_subprocess(tmp_path):
    folder = tmp_path / "tree"
    folder.mkdir()
    (folder / "small.py").write_text(SMALL)
    (folder / "quiet.py").write_text("value = 1\n")
    assert not any((parent / ".git").exists() for parent in folder.parents)  # no work tree above it
    modules, done = imported_after(tmp_path, ["check", "--isolated", "--exit-zero", str(folder)])
    assert done.returncode == 0 and "small.py:3:" in done.stdout and "TP001" in done.stdout
    assert {"subprocess", "shutil"} & modules == set()
