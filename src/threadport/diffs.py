"""Unified diffs that ``patch`` and ``git apply`` read back (fix --diff, migrate --diff)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

# Lines end at "\n" only (a "\r\n" end stays on its line). str.splitlines() also splits at a
# form feed, a lone CR, \x1c-\x1e, \x85, \u2028 and \u2029: a file with a form feed between
# sections (old Python code has them) gave a hunk whose lines no longer matched the file.
_LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")
NO_NEWLINE = "\\ No newline at end of file\n"


def lines(text: str) -> list[str]:
    return _LINE.findall(text)


def unified_diff(old: str, new: str, name: str) -> Iterator[str]:
    for line in difflib.unified_diff(lines(old), lines(new), fromfile=name, tofile=name):
        yield line if line.endswith("\n") else line + "\n" + NO_NEWLINE
