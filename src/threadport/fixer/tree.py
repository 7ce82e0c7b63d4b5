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

from threadport.fixer.source import SourceError, read_bytes
from threadport.lazyre import lazy_compile
from threadport.records import Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:
    from pathlib import Path  # gather_reexports imports it; check's paths are str (fixer.walk)

_OWNER = lazy_compile(rb"(\w+)[ \t]*\.[ \t]*$")


class TreeFacts(Record):
    """Names defined in the tree and attributes assigned from outside, with the files saying so."""

    __slots__ = ("defined", "assigned_outside", "min_python", "reexports", "params")

    def __init__(
        self,
        defined: dict[str, set[str]] | None = None,
        assigned_outside: dict[str, set[str]] | None = None,
        min_python: tuple[int, int] = (2, 6),
        reexports: dict[str, frozenset[str]] | None = None,
        params: dict[tuple[str, str], tuple] | None = None,
    ) -> None:
        self.defined = {} if defined is None else defined  # name -> files defining it
        self.assigned_outside = {} if assigned_outside is None else assigned_outside  # attr -> files
        self.min_python = min_python  # no rewrite may need a newer Python (--min-python)
        # dotted module name -> the names it binds itself, for modules that re-export threading
        self.reexports = {} if reexports is None else reexports
        # (function name, parameter) -> the kind every call in the tree passes it (callers.py)
        self.params = {} if params is None else params

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
    """Which of ``attrs`` the bytes assign as ``owner.attr = value`` with owner not self/cls,
    or give by name in a string or a keyword: ``setattr(owner, "attr", ...)`` (any owner),
    ``d["attr"] = ...`` (``obj.__dict__``, ``globals()``), ``{"attr": ...}`` and
    ``f(..., attr=...)`` (a namespace made for ``exec`` or ``__dict__.update``).

    ``= None`` is a reset, not another object, and is not counted. Strings and comments
    are not told apart: counting one too many only makes a finding possible.
    """
    found = set()
    for attr in attrs:
        if given_by_name(data, attr):
            found.add(attr)
            continue
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


def given_by_name(data: bytes, attr: str) -> bool:
    """Do the bytes give ``attr`` by name: ``setattr(owner, "attr"``, ``["attr"] =``,
    ``{"attr":``, ``(attr=`` or ``, attr=`` (``attr=None``: a default)?

    What the regex ``GIVEN_BY_NAME`` says, found from each occurrence of the name (a search
    of the text for it runs at memchr speed), the brackets and blanks around it checked by
    hand: the regex starts with no literal, so re tried it at every position of the file.
    """
    name = attr.encode()
    position = data.find(name)
    while position >= 0:
        end = position + len(name)
        if 0 < position and data[position - 1] in _QUOTES and data[end : end + 1] in _QUOTE_BYTES:
            if _COLON.match(data, end + 1) or _setattr_or_key(data, position - 1, end + 1):
                return True
        before = _back_over_blanks(data, position)
        if before > 0 and data[before - 1] in b"(," and _KEYWORD_VALUE.match(data, end):
            return True
        position = data.find(name, position + 1)
    return False


# The regex given_by_name answers for (``attr`` escaped in place of ATTR): the tests hold the two
# to the same answers.
GIVEN_BY_NAME = (
    rb"\bsetattr[ \t]*\([^,()]*,[ \t]*['\"]ATTR['\"]",  # setattr(owner, "attr"
    rb"\[[ \t]*['\"]ATTR['\"][ \t]*\][ \t]*=(?!=)",  # d["attr"] =
    rb"['\"]ATTR['\"][ \t]*:",  # {"attr": ...}
    rb"[(,][ \t]*ATTR[ \t]*=(?!=)(?![ \t]*None\b)",  # f(attr=...); ``attr=None``: a default
)
_QUOTES = b"'\""
_QUOTE_BYTES = (b"'", b'"')
_COLON = lazy_compile(rb"[ \t]*:")
_KEY_ASSIGNED = lazy_compile(rb"[ \t]*\][ \t]*=(?!=)")
_KEYWORD_VALUE = lazy_compile(rb"[ \t]*=(?!=)(?![ \t]*None\b)")
_WORD = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def _back_over_blanks(data: bytes, position: int) -> int:
    while position > 0 and data[position - 1] in b" \t":
        position -= 1
    return position


def _setattr_or_key(data: bytes, quote: int, after: int) -> bool:
    """``["attr"] =`` or ``setattr(owner, "attr"``, the quote before the name at ``quote``."""
    before = _back_over_blanks(data, quote)
    if before == 0:
        return False
    if data[before - 1] == ord("["):
        return _KEY_ASSIGNED.match(data, after) is not None
    if data[before - 1] != ord(","):
        return False
    opening = before - 2  # back over [^,()]* to the bracket the first comma follows
    while opening >= 0 and data[opening] not in b",()":
        opening -= 1
    if opening < 0 or data[opening] != ord("("):
        return False
    head = _back_over_blanks(data, opening)
    start = head - len(b"setattr")
    return data[start:head] == b"setattr" and start >= 0 and (start == 0 or data[start - 1] not in _WORD)


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


# -- modules that re-export threading ---------------------------------------------------
# A module whose whole body star-imports threading (or a drop-in replacement, as a fallback
# between the two) gives threading's own objects to whoever imports it: Pyro4's
# ``threadutil`` is ``try: from threading2 import * / except ImportError: from threading
# import *`` and the rest of Pyro4 calls ``threadutil.Thread(...)``, ``threadutil.Event()``.
#
# threading2 (PyPI, R. Kelly, 0.3.1; read in its source, rfk/threading2) calls itself "a
# drop-in replacement and extension for the default threading module": its module does
# ``from threading import *`` and replaces some classes; its Thread and Timer subclass
# threading's (the PEP 8 names are inherited, none is overridden), its Condition and RLock
# subclass 2.7's _Condition/_RLock, its Event defines ``is_set`` (``isSet = is_set``), and
# its ``__all__`` lists current_thread and active_count beside the camelCase names. So
# every rewrite threadport makes on a threading object is also right on threading2's.
DROP_INS = frozenset({"threading2"})
_STAR = lazy_compile(rb"^[ \t]*from[ \t]+(?:threading|dummy_threading|threading2)[ \t]+import[ \t]+\*", re.MULTILINE)
# The end of every _STAR match; a regex that starts with a literal, which re finds at memchr
# speed (a multiline ``^`` makes re try every position of the file).
_STAR_TAIL = lazy_compile(rb"threading2?[ \t]+import[ \t]+\*")


def threading_reexport(data: bytes) -> frozenset[str] | None:
    """The names a module binds itself when it re-exports threading, else None.

    Its every statement must be a docstring, an import, or an ``if``/``try`` made of these
    (the fallback between a drop-in and threading), with at least one star import and
    each star import of threading or a drop-in. Anything else (a def, an assignment, a
    star import of another module) may put some other object under a threading name.
    """
    # A memchr-speed scan and a regex that starts with a literal stop almost every file:
    # _STAR alone cost more than the whole prefilter.
    if b"threading" not in data or not _STAR_TAIL.search(data) or not _STAR.search(data):
        return None
    import ast  # here: most runs find no such module, and never need it

    from threadport.fixer.parsing import ParseFailure, parse
    from threadport.fixer.scopes import THREADING_MODULES
    from threadport.fixer.source import decode

    try:
        tree = parse(decode(data)[0]).tree
    except (ParseFailure, SourceError, UnicodeDecodeError, LookupError):
        return None
    own: set[str] = set()
    stars = 0

    def allowed(body: list[ast.stmt]) -> bool:
        nonlocal stars
        for statement in body:
            if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
                continue  # a docstring
            if isinstance(statement, ast.Import):
                own.update(alias.asname or alias.name.partition(".")[0] for alias in statement.names)
            elif isinstance(statement, ast.ImportFrom):
                for alias in statement.names:
                    if alias.name != "*":
                        own.add(alias.asname or alias.name)
                    elif statement.level or statement.module not in THREADING_MODULES | DROP_INS:
                        return False
                    else:
                        stars += 1
            elif isinstance(statement, ast.If):
                if any(isinstance(node, ast.NamedExpr) for node in ast.walk(statement.test)):
                    return False
                if not (allowed(statement.body) and allowed(statement.orelse)):
                    return False
            elif isinstance(statement, ast.Try):
                for handler in statement.handlers:
                    if handler.name:
                        own.add(handler.name)
                    if not allowed(handler.body):
                        return False
                if not all(allowed(part) for part in (statement.body, statement.orelse, statement.finalbody)):
                    return False
            else:
                return False
        return True

    if not allowed(tree.body) or not stars:
        return None
    return frozenset(own)


def module_name(path: Path) -> str:
    """The dotted name ``path`` is imported by: its folders up to the first without __init__.py."""
    parts = [path.stem]
    folder = path.parent
    while (folder / "__init__.py").is_file():
        parts.append(folder.name)
        folder = folder.parent
    return ".".join(reversed(parts))


def _package_rebinds(path: Path) -> bool:
    """Does the package's __init__.py mention the module's name (it may bind it to something else)?"""
    init = path.parent / "__init__.py"
    if path.name == "__init__.py" or not init.is_file():
        return False
    try:
        data = read_bytes(init)
    except SourceError:
        return True
    return re.search(rb"\b" + re.escape(path.stem.encode()) + rb"\b", data) is not None


def gather_reexports(facts: TreeFacts, found: dict[str, frozenset[str]], paths: Iterable[Path]) -> None:
    """Fill ``facts.reexports`` from the files found re-exporting threading (path -> own names).

    A dotted name is kept only when no other file of the tree has it (two copies of a
    package: which one is imported is not ours to know) and the package does not rebind it.
    """
    if not found:
        return
    from pathlib import Path  # here: only a tree with a file re-exporting threading needs it

    names = {str(path): module_name(Path(path)) for path in found}
    stems = {Path(path).name for path in found}
    taken: dict[str, int] = {}
    for path in map(Path, paths):  # str from the walk (fixer.walk), or Path
        if path.name in stems:
            name = module_name(path)
            taken[name] = taken.get(name, 0) + 1
    for path, own in found.items():
        name = names[path]
        if taken.get(name, 1) == 1 and not _package_rebinds(Path(path)):
            facts.reexports[name] = own


def _one_by_one(function: Callable, items: list) -> list:
    return [function(item) for item in items]


def outside_in(path: Path, attrs: frozenset[str]) -> set[str]:
    """The ``attrs`` the file at ``path`` assigns from outside (nothing if it cannot be read)."""
    try:
        data = read_bytes(path)  # regular files only: a FIFO would block for ever
    except SourceError:
        return set()  # reported by the command that reads it
    screens = _attribute_screens(attrs)
    if screens is None:
        held = [attr for attr in attrs if attr.encode() in data]
    else:
        held = [attr for attr, screen in screens if screen.found(data)]
    return outside_assignments(data, held) if held else set()


@functools.lru_cache(maxsize=8)  # the same attributes for every file of a scan
def _attribute_screens(attrs: frozenset[str]):
    """A one-pass test per attribute (fixer.literals), or None without ahocorasick-rs. One
    each: a single string is found at memchr speed (3.5 ms over 2.7's Lib, against 13 ms for
    bytes ``in``), while an automaton over several of these names (``_cond``, ``mutex``...)
    measured slower than their scans one by one."""
    from threadport.fixer.literals import any_of

    screens = tuple((attr, any_of(frozenset({attr.encode()}))) for attr in sorted(attrs))
    return None if any(screen is None for _, screen in screens) else screens
