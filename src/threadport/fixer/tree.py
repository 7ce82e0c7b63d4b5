"""What the whole set of files being processed says about names, beyond any one file.

Two facts decide whether a rewrite is certain, and neither can be seen from the file
that holds the call:

- a method named like a deprecated alias (``def isAlive``, ``getName = ...`` in a
  class body) *defined* anywhere in the tree: then a call to it on a receiver that is
  not provably a threading object may reach that method (a test double, a
  process-control object), so it is not certain, and ``--aggressive`` leaves it too;
- an attribute assigned from outside its class (``scheduler._thread = FakeThread()``
  in a test): then ``self._thread`` is not provably what the class assigns to it.

Definitions are looked for only in the files that mention a rule's words (a file that
defines ``isAlive`` mentions it). Outside assignments are looked for, in every file,
only for the few attributes a certain finding relied on (``Receivers.assumed``), each
with a literal search, so a tree with no threading code costs one read per file.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from threadport.fixer.source import SourceError, read_bytes
from threadport.lazyre import lazy_compile
from threadport.records import Record

_OWNER = lazy_compile(rb"(\w+)[ \t]*\.[ \t]*$")


class TreeFacts(Record):
    """Names defined in the tree and attributes assigned from outside, with the files saying so."""

    __slots__ = ("defined", "assigned_outside", "min_python")

    def __init__(
        self,
        defined: dict[str, set[str]] | None = None,
        assigned_outside: dict[str, set[str]] | None = None,
        min_python: tuple[int, int] = (2, 6),
    ) -> None:
        self.defined = {} if defined is None else defined  # name -> files defining it
        self.assigned_outside = {} if assigned_outside is None else assigned_outside  # attr -> files
        self.min_python = min_python  # no rewrite may need a newer Python (--min-python)

    def defines(self, name: str, except_file: str | None = None) -> bool:
        return any(path != except_file for path in self.defined.get(name, ()))

    def assigns_outside(self, attr: str, except_file: str | None = None) -> bool:
        return any(path != except_file for path in self.assigned_outside.get(attr, ()))


def definitions(data: bytes, names: Iterable[str]) -> set[str]:
    """Which of ``names`` the bytes define: ``def NAME`` or ``NAME =`` first on a line."""
    found = set()
    for name in names:
        if name.encode() in data and re.search(
            rb"(?:\bdef[ \t]+|^[ \t]*)" + name.encode() + rb"\b(?:[ \t]*\(|[ \t]*=(?!=))", data, re.MULTILINE
        ):
            found.add(name)
    return found


def outside_assignments(data: bytes, attrs: Iterable[str]) -> set[str]:
    """Which of ``attrs`` the bytes assign as ``owner.attr = value`` with owner not self/cls.

    ``= None`` is a reset, not another object, and is not counted. Strings and comments
    are not told apart: counting one too many only makes a finding possible.
    """
    found = set()
    for attr in attrs:
        pattern = re.compile(re.escape(attr.encode()) + rb"[ \t]*=(?!=)[ \t]*(\w*)")
        for match in pattern.finditer(data):
            start = match.start()
            if start and (data[start - 1 : start].isalnum() or data[start - 1 : start] == b"_"):
                continue  # the end of a longer name
            if match.group(1) == b"None":
                continue
            owner = _OWNER.search(data, max(0, start - 80), start)
            if owner is None or owner.group(1) in (b"self", b"cls"):
                continue
            found.add(attr)
            break
    return found


def scan_outside(facts: TreeFacts, paths: list[Path], attrs: set[str], map_files: Callable | None = None) -> None:
    """Fill ``facts.assigned_outside`` for ``attrs`` from every readable file in ``paths``.

    ``map_files(function, paths)`` runs ``outside_in`` over them (files.py passes its
    worker pool's: a large tree is read again here); by default, one after the other.
    """
    if not attrs:
        return
    found = (map_files or _one_by_one)(functools.partial(outside_in, attrs=frozenset(attrs)), paths)
    for path, assigned in zip(paths, found):
        for attr in assigned:
            facts.assigned_outside.setdefault(attr, set()).add(str(path))


def _one_by_one(function: Callable, items: list) -> list:
    return [function(item) for item in items]


def outside_in(path: Path, attrs: frozenset[str]) -> set[str]:
    """The ``attrs`` the file at ``path`` assigns from outside (nothing if it cannot be read)."""
    try:
        data = read_bytes(path)  # regular files only: a FIFO would block for ever
    except SourceError:
        return set()  # reported by the command that reads it
    return outside_assignments(data, [a for a in attrs if a.encode() in data])
