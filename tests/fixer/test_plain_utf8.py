"""source.decode skips tokenize.detect_encoding for a file that cannot declare another
encoding (no BOM, no ``coding`` in its first two lines): the answer must be the same."""

from __future__ import annotations

import heapq
import io
import os
import tokenize

import pytest

from threadport.fixer import source
from threadport.fixer.source import SourceError, decode

SAMPLES = [
    b"",
    b"x = 1\n",
    b"\n\nx = 1\n",
    b"# -*- coding: latin-1 -*-\nx = '\xe9'\n",
    b"#!/usr/bin/env python\n# vim: set fileencoding=latin-1 :\nx = '\xe9'\n",
    b"x = 1\n# coding: latin-1\n",  # a cookie after code: not a cookie
    b"\xef\xbb\xbfx = 1\n",
    b"\xef\xbb\xbf# coding: utf-8\nx = 1\n",
    b"\xef\xbb\xbf# coding: latin-1\nx = 1\n",
    b"# coding: no-such-codec\n",
    b"x = '\xe9'\n",  # not UTF-8 on the first line, no cookie
    b"#\nx = '\xe9'\n",
    b"x = 1\ry = '\xe9'\r# coding: latin-1\r",  # lone CRs: one line for tokenize
    b"# coding=cp1252\r\nx = '\x80'\r\n",
    b"'''coding'''\n",
    b"# encoding: utf-8\n",
]


def by_tokenize(data: bytes):
    """What decode answered when it always asked tokenize (the text and encoding, or the error)."""
    try:
        encoding = tokenize.detect_encoding(io.BytesIO(data).readline)[0]
    except SyntaxError as error:
        if "invalid or missing encoding declaration" not in str(error):
            return "error"
        encoding = "utf-8"
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError:
        return "error"


def decoded(data: bytes):
    try:
        return decode(data)
    except SourceError:
        return "error"


@pytest.mark.parametrize("data", SAMPLES)
def test_the_answer_is_tokenizes(data):
    assert decoded(data) == by_tokenize(data)


def first_folders(root: str, count: int) -> list[tuple[str, list[str]]]:
    """``[(folder, files) for folder, _, files in sorted(os.walk(root))[:count]]``, without
    walking the rest of the tree: the library's folder holds its site-packages, thousands of
    folders on an interpreter that has tox and its kind installed (0.6 s of CPU on 3.11 here).
    A folder's path sorts after its parent's, so the least path among the folders found and
    not yet listed is the next in sorted order; the folders are told apart as os.walk does
    (a link to a folder is listed as one, never entered; one that cannot be listed is left out)."""
    found, waiting = [], [root]
    while waiting and len(found) < count:
        folder = heapq.heappop(waiting)
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        files = []
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if not is_dir:
                files.append(entry.name)
                continue
            try:
                is_link = entry.is_symlink()
            except OSError:
                is_link = False
            if not is_link:
                heapq.heappush(waiting, os.path.join(folder, entry.name))
        found.append((folder, files))
    return found


def test_first_folders_are_those_of_the_sorted_walk(tmp_path):
    for name in ("a/b/c", "a-b/c", "a.b", "a/b.c/d", "ab/c", "a/b-c", "b"):
        (tmp_path / name).mkdir(parents=True, exist_ok=True)
        (tmp_path / name / "f.py").write_text("")
    (tmp_path / "a" / "to_b").symlink_to(tmp_path / "a-b")  # listed as a folder by both, entered by neither
    walked = [(folder, sorted(files)) for folder, _, files in sorted(os.walk(tmp_path))]
    # an order no depth-first walk gives: a-b, a-b/c and a.b between a and a/b
    order = [folder[len(str(tmp_path)) :] for folder, _ in walked]
    assert len(order) == 13 and order[:6] == ["", "/a", "/a-b", "/a-b/c", "/a.b", "/a/b"]
    for count in range(len(walked) + 2):
        assert [(folder, sorted(files)) for folder, files in first_folders(str(tmp_path), count)] == walked[:count]


def test_the_answer_is_tokenizes_for_the_first_lines_of_the_standard_library():
    library = os.path.dirname(os.__file__)
    heads = []
    for folder, names in first_folders(library, 60):
        for name in sorted(names):
            if name.endswith(".py"):
                with open(os.path.join(folder, name), "rb") as file:
                    heads.append(b"".join(file.readline() for _ in range(2)))
    taken = [head for head in heads if source._plain_utf8(head)]
    assert len(heads) > 300 and len(taken) > len(heads) // 2  # most files: no tokenize import
    assert len(taken) < len(heads)  # and some with a cookie
    assert [head for head in heads if decoded(head) != by_tokenize(head)] == []
