"""threadport.pathnames spells a path as pathlib does, and the walk and config use it.

check names each file as ``str(Path(name))`` did before the walk dropped pathlib: a
finding, an error line or a message must not change by one character.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path, PurePosixPath

import pytest

from threadport.fixer.walk import iter_files
from threadport.pathnames import child, parents, plain

# every name of up to six characters made of a letter, a dot and a slash: roots of
# one, two and three slashes, `.` and `..` parts, doubled and trailing slashes
NAMES = ["".join(chars) for size in range(7) for chars in itertools.product("a./", repeat=size)]


def test_plain_is_how_pathlib_spells_a_name():
    assert [plain(name) for name in NAMES] == [str(PurePosixPath(name)) for name in NAMES]


@pytest.mark.parametrize("folder", [".", "a", "a/b", "..", "../a", "/", "//", "/a/b", "//a"])
def test_a_child_is_the_folder_joined_as_pathlib_joins(folder):
    for name in ("x.py", ".x", "..x"):
        assert child(plain(folder), name) == str(Path(folder) / name)


@pytest.mark.parametrize("folder", ["/", "//", "/a", "/a/b/c", "//a/b", "/a/b/../c"])
def test_parents_are_pathlibs_parents(folder):
    assert parents(plain(folder)) == [str(parent) for parent in Path(folder).parents]


def test_the_walk_names_files_as_pathlib_did(tmp_path, monkeypatch):
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    for name in ("pkg/a.py", "pkg/sub/b.py", "top.py"):
        (tmp_path / name).write_text("x = 1\n")
    monkeypatch.chdir(tmp_path)
    given = [".", "./", "pkg//sub/", "./top.py", "top.py/", str(tmp_path) + "//pkg/./", "missing/../x.py"]
    for name in given:
        walked = list(iter_files([name]))
        assert all(type(path) is str for path, _ in walked)
        expected = (
            [(str(Path(entry.path)), False) for entry in _pathlib_walk(Path(name))]
            if Path(name).is_dir()
            else [(str(Path(name)), True)]
        )
        assert walked == expected, name


def _pathlib_walk(folder: Path):
    """The .py files under ``folder`` in the walk's order, found the way the walk found them
    before (Path(entry.path) of each os.scandir entry)."""
    for entry in sorted(os.scandir(folder), key=lambda entry: entry.name):
        if entry.is_dir():
            yield from _pathlib_walk(Path(entry.path))
        elif entry.name.endswith(".py"):
            yield entry
