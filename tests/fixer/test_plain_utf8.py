"""source.decode skips tokenize.detect_encoding for a file that cannot declare another
encoding (no BOM, no ``coding`` in its first two lines): the answer must be the same."""

from __future__ import annotations

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


def test_the_answer_is_tokenizes_for_the_first_lines_of_the_standard_library():
    library = os.path.dirname(os.__file__)
    heads = []
    for folder, _, names in sorted(os.walk(library))[:60]:
        for name in sorted(names):
            if name.endswith(".py"):
                with open(os.path.join(folder, name), "rb") as file:
                    heads.append(b"".join(file.readline() for _ in range(2)))
    taken = [head for head in heads if source._plain_utf8(head)]
    assert len(heads) > 300 and len(taken) > len(heads) // 2  # most files: no tokenize import
    assert len(taken) < len(heads)  # and some with a cookie
    assert [head for head in heads if decoded(head) != by_tokenize(head)] == []
