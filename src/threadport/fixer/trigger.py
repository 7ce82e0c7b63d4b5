"""What a rule declares about the words it looks for, in its own module.

``Trigger`` serves two readers: the bytes prefilter (a file is parsed only if some
selected rule's trigger matches its bytes) and scopes.py's walk (which records the
attribute and name sites of exactly the words the rules asked for). A rule that
declares its words here needs nothing registered anywhere else.

A trigger must match every file its rule could report on, or the finding is lost without
a word: tests/fixer/test_prefilter_recall.py runs every rule with and without the
prefilter over the fixtures and the shapes that once slipped through, and
benchmarks/prefilter_recall.py does the same over whole standard libraries.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from threadport.lazyre import lazy_compile
from threadport.records import Record

# No identifier byte just before: ``x.getName``, ``x . getName``, never ``widgetName``. A
# name or attribute token never follows an ASCII letter, digit or underscore of another
# token directly (a non-ASCII byte before it is let through: it may be part of the name).
WORD_START = rb"(?<![A-Za-z0-9_])"
# What may stand between two tokens inside brackets: blanks, line continuations, comments.
GAP = rb"(?:[\s\\]|#[^\r\n]*)*"
# The word is called: ``x.word(``, ``(x.word)(`` too.
CALL = GAP + rb"(?:\)" + GAP + rb")*\("
NO_ARGUMENTS = CALL + GAP + rb"\)"  # ...with nothing between the brackets


def whole_word(word: str) -> bytes:
    return WORD_START + re.escape(word).encode() + rb"(?!\w)"


class Attribute(Record, frozen=True):
    """``x.word`` in code, ``then`` right after the word (a regex; default: the word ends).

    For words a rule reads only as ``x.word`` sites (never a bare name, nor a definition the
    tree facts need): ``def acquire(self)`` or ``acquire the lock`` in a docstring is no
    reason to parse a file.
    """

    __slots__ = ("word", "then")

    def __init__(self, word: str, then: bytes = rb"(?!\w)") -> None:
        self.word = word
        self.then = then


class UsedCall(Record, frozen=True):
    """``x.word(`` in code, as ``Attribute(word, CALL)``, but not where its line proves the call
    a whole expression statement (its value unused): see ``statement_call``."""

    __slots__ = ("word",)

    def __init__(self, word: str) -> None:
        self.word = word


class InOrder(Record, frozen=True):
    """Each part found after the one before it ends (``acquire`` ... ``finally`` ... ``release()``)."""

    __slots__ = ("parts",)

    def __init__(self, parts: tuple[Pattern, ...]) -> None:
        self.parts = parts


class InFinally(Record, frozen=True):
    """``finally:`` first on its line, then ``part`` (a word, not InOrder nor InFinally) inside
    that finally block: TP010 reads ``release()`` only as a statement of a ``finally`` block.
    See _block_end for where the block ends; when in doubt, it goes on to the end of the file."""

    __slots__ = ("part",)

    def __init__(self, part: Pattern) -> None:
        self.part = part


TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:
    from typing import Union

    Pattern = Union[bytes, Attribute, UsedCall, InOrder, InFinally]  # bytes: a regex, which must start in code


class Trigger(Record, frozen=True):
    __slots__ = ("literal", "patterns", "attributes", "names", "requires", "anchors")

    def __init__(
        self,
        literal: bytes,
        patterns: tuple[Pattern, ...],
        attributes: frozenset[str] = frozenset(),
        names: frozenset[str] = frozenset(),
        requires: tuple[Pattern, ...] = (),
        anchors: tuple[bytes, ...] = (),
    ) -> None:
        self.literal = literal  # every candidate file contains these bytes (a memchr-speed test)
        self.patterns = patterns  # ...and matches one of these (bytes: a regex that must start in code)
        self.attributes = attributes  # ``x.WORD`` sites the rule reads (ctx.sites)
        self.names = names  # bare ``WORD`` sites the rule reads (ctx.collected.names)
        self.requires = requires  # ...and every one of these
        # ...and holds one of these bytes, which every one of ``patterns`` contains (tested
        # before them: a literal common in files the patterns then reject, as TP014's
        # ``thread``, costs a few pattern scans per file, an anchor one memchr-speed scan)
        self.anchors = anchors

    @classmethod
    def attribute(cls, word: str, *, name: bool = False) -> Trigger:
        """The rule reads ``x.word`` (and the bare name ``word`` when ``name``).

        A whole word, not an ``Attribute``: the files that define the word (``def isAlive``)
        are read too, as the tree facts need them (tree.py).
        """
        return cls(word.encode(), (whole_word(word),), frozenset({word}), frozenset({word} if name else ()))

    @classmethod
    def words(cls, literal: str, *words: str, attributes: tuple[str, ...] = (), names: tuple[str, ...] = ()) -> Trigger:
        """Any of ``words`` as a whole word (all must contain ``literal``)."""
        return cls(literal.encode(), tuple(whole_word(word) for word in words), frozenset(attributes), frozenset(names))


# A lookbehind at the start of a pattern: (?<!...) or (?<=...), without groups inside.
_LOOKBEHIND = re.compile(rb"\(\?<[!=](?:[^()\\]|\\.)*\)")


def in_comment(data: bytes, start: int) -> bool:
    """Is ``start`` certainly not code? A ``#`` before it on its line, and no quote between
    the line's start and it: if the line began in code, that ``#`` opened a comment (no quote
    opened a string before it); if it began inside a string, no quote has closed it."""
    line = max(data.rfind(b"\n", 0, start), data.rfind(b"\r", 0, start)) + 1  # a lone CR ends a line too
    return data.find(b"#", line, start) >= 0 and data.find(b"'", line, start) < 0 and data.find(b'"', line, start) < 0


def after_dot(data: bytes, start: int) -> bool:
    """Can the name at ``start`` be an attribute? Back over blanks and backslashes on its line,
    a ``.`` (``x.word``, ``x . word``) or the start of the line (``x.\\`` or ``(x.  # c``
    on the line before: kept, whatever was there)."""
    i = start - 1
    while i >= 0 and data[i] in b" \t\f\\":
        i -= 1
    return i < 0 or data[i] in b".\n\r"


# ``receiver.word(args)`` and nothing after it on its line but a comment: a dotted name first on
# the line, arguments with no string, comment, backslash or line end (so their brackets count
# true) and brackets nested at most three deep.
_ARGUMENT = rb"[^()\r\n'\"#\\]"
_ARGUMENTS = rb"\((?:" + _ARGUMENT + rb"|\((?:" + _ARGUMENT + rb"|\(" + _ARGUMENT + rb"*\))*\))*\)"
_RECEIVER = rb"[ \t\f]*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*\.)?$"
_WHOLE_LINE = rb"[ \t\f]*(?:#[^\r\n]*)?(?:\r\n|\r|\n|$)"
_FIRST_ON_LINE = lazy_compile(_RECEIVER)
_CALLED = lazy_compile(_ARGUMENTS + _WHOLE_LINE)
# A line ending in one of these may be a block's header: the next line starts a statement.
_BARE_HEADER = lazy_compile(rb"[ \t\f]*(?:try|finally|else)[ \t\f]*:$")
_HEADER = lazy_compile(rb"[ \t\f]*(?:async[ \t\f]+)?(?:def|class|with|for|while|if|elif|except)\b.*:$")
# The last word of a line that may go on into the next (``(a and\\n b)``, ``[x for x in\\n y]``):
# every keyword but those that end a statement (``break``...), and the soft keywords.
_KEYWORDS = frozenset(
    b"and as assert async await class def del elif else except exec finally for from global if"
    b" import in is lambda nonlocal not or try while with yield match case type".split()
)


def _line_start(data: bytes, position: int) -> int:
    return max(data.rfind(b"\n", 0, position), data.rfind(b"\r", 0, position)) + 1


def statement_call(data: bytes, start: int, word: bytes) -> bool:
    """Is the ``word`` at ``start`` (``receiver.word(``) certainly a call that is a whole
    expression statement, or not code at all? False whenever in doubt.

    Its line must be ``receiver.word(args)`` alone (a dotted name first, a comment after), and
    the line before must end a statement: then no bracket is open and no backslash joins the
    two, since two names never follow each other inside brackets without a comma, an operator
    or a keyword between them. That line (the last before this one that is not blank nor a
    comment) must end in a name that is not a keyword, a number, a closing bracket or a quote,
    or be a block's header (``while not ready:``) without a quote, a lambda, an ``else`` or
    an open bracket. A line with a ``#`` and a quote is doubt (the ``#`` may be in a string).
    If the line starts inside a string, the call (no quote before it) is in that string too.
    A ``word`` first on its line (``wait(fds)``) is no attribute at all unless the line before
    ends in ``.`` or a backslash.
    """
    line = _line_start(data, start)
    first = _FIRST_ON_LINE.match(data[line:start])
    if first is None:
        return False
    if first.group(1) is None:  # ``word`` first on its line: an attribute only after a ``.`` or ``\``
        return _before(data, line, _not_continued)
    if _CALLED.match(data, start + len(word)) is None:
        return False
    return _before(data, line, _ends_statement)


def _before(data: bytes, line: int, verdict: Callable[[bytes], bool]) -> bool:
    """``verdict`` on the last line before ``line`` that is not blank nor a comment without
    quotes (a quote: it may be a string's text); True at the start of the file."""
    end = line - 1
    while end > 0:  # back over blank and comment lines (without quotes: not a string's text)
        previous = _line_start(data, end)  # (a CRLF: the empty "line" between CR and LF first)
        text = data[previous:end]
        bare = text.strip(b" \t\f")
        if bare and not (bare.startswith(b"#") and b"'" not in bare and b'"' not in bare):
            return verdict(text)
        end = previous - 1
    return True  # the first line of the file


def _code_end(text: bytes) -> bytes | None:
    """The line without its comment and trailing blanks; None when a ``#`` may be in a string."""
    if b"#" in text:
        if b"'" in text or b'"' in text:
            return None
        text = text[: text.index(b"#")]
    return text.rstrip(b" \t\f")


def _not_continued(text: bytes) -> bool:
    """The line does not end in ``.`` or a backslash (a name on the next line is no attribute)."""
    code = _code_end(text)
    return code is not None and code[-1:] not in (b".", b"\\")


def _ends_statement(text: bytes) -> bool:
    quoted = b"'" in text or b'"' in text
    text = _code_end(text)
    if not text:
        return False
    last = text[-1:]
    if last.isalnum() or last == b"_":
        word = re.search(rb"[A-Za-z0-9_]+$", text).group()
        return word not in _KEYWORDS
    if last in b")]}'\"":
        return True
    # (A lambda's colon never ends such a line: a line break ends a lambda outside brackets, and
    # inside them a header's keyword can only be a comprehension's or a conditional's if/for,
    # whose operands are never a bare lambda.)
    if last != b":" or quoted:
        return False
    if _BARE_HEADER.match(text):
        return True
    if re.search(rb"\belse\b", text) or sum(map(text.count, b"([{")) != sum(map(text.count, b")]}")):
        return False  # (``{a if b else c:``, ``def f(x:``: inside brackets)
    return _HEADER.match(text) is not None


_FINALLY = lazy_compile(rb"finally[ \t\f]*:")


def _finally_blocks(data: bytes, position: int) -> Iterator[tuple[int, int]]:
    """(start, end) of the body of each ``finally:`` first on its line, from ``position`` on."""
    for header in _FINALLY.finditer(data, position):
        line = _line_start(data, header.start())
        indent = data[line : header.start()]
        if indent.strip(b" \t\f"):
            continue  # not first on its line: no finally clause starts there
        yield header.end(), _block_end(data, header.end(), indent)


def _block_end(data: bytes, body: int, indent: bytes) -> int:
    """Where the block whose header (indented by ``indent``) ends at ``body`` certainly ends: the
    start of the first later line, not blank nor a comment, indented by spaces no deeper, with
    nothing from ``body`` to it that can still be open: no quote (a string) nor backslash (a
    continued line) outside comments, as many brackets closed as opened. In doubt (a quote, a
    backslash, a tab or form feed in an indentation, no line end), the end of the file: a block
    taken too long lets a file through, one taken too short would lose its findings."""
    if b"\t" in indent or b"\f" in indent:
        return len(data)
    depth = 0
    start = body
    while True:
        newline = data.find(b"\n", start)
        if newline < 0:
            return len(data)
        code = data[start:newline].split(b"#", 1)[0]  # no string is open here: a # starts a comment
        if b"'" in code or b'"' in code or b"\\" in code:
            return len(data)
        depth += sum(map(code.count, (b"(", b"[", b"{"))) - sum(map(code.count, (b")", b"]", b"}")))
        start = newline + 1
        line_end = data.find(b"\n", start)
        following = data[start : len(data) if line_end < 0 else line_end]
        content = following.lstrip(b" ")
        if depth == 0 and content.strip(b" \t\f\r") and content[:1] not in (b"#", b"\t", b"\f"):
            if len(following) - len(content) <= len(indent):
                return start


class Shape:
    """One pattern, searched as re would search it, but only where it starts in code.

    The lookbehinds a regex starts with are tested at each match of the rest, which starts
    with a literal that re finds at memchr speed (a leading assertion makes re try every
    position); every position the rest matches at is tried, so nothing re would find is missed.
    """

    def __init__(self, pattern: Pattern) -> None:
        self.parts = [Shape(part) for part in pattern.parts] if isinstance(pattern, InOrder) else None
        self.in_finally = Shape(pattern.part) if isinstance(pattern, InFinally) else None
        self.attribute = isinstance(pattern, (Attribute, UsedCall))
        self.used = pattern.word.encode() if isinstance(pattern, UsedCall) else None
        if isinstance(pattern, UsedCall):
            pattern = Attribute(pattern.word, CALL)
        if isinstance(pattern, Attribute):
            pattern = WORD_START + re.escape(pattern.word).encode() + pattern.then
        if isinstance(pattern, (InOrder, InFinally)):
            pattern = b""
        head = 0
        while (lookbehind := _LOOKBEHIND.match(pattern, head)) is not None:
            head = lookbehind.end()
        self.before = re.compile(pattern[:head]) if head else None
        self.rest = re.compile(pattern[head:])

    def end(self, data: bytes, position: int = 0) -> int:
        """Where the first match at or after ``position`` ends; -1 without one."""
        if self.parts is not None:
            for part in self.parts:  # the earliest of each part: if any order exists, this finds one
                position = part.end(data, position)
                if position < 0:
                    return -1
            return position
        if self.in_finally is not None:
            found = (-1, -1)
            for body, block_end in _finally_blocks(data, position):
                if found[0] < body:  # (the first match after an earlier block may be in this one)
                    found = self.in_finally.first(data, body)
                    if found[0] < 0:
                        return -1
                if found[0] < block_end:
                    return found[1]
            return -1
        return self.first(data, position)[1]

    def first(self, data: bytes, position: int = 0) -> tuple[int, int]:
        """(start, end) of the first match at or after ``position``; (-1, -1) without one."""
        if self.parts is not None or self.in_finally is not None:
            end = self.end(data, position)
            return (position if end >= 0 else -1), end  # (where a composite starts: not needed)
        while (match := self.rest.search(data, position)) is not None:
            start = match.start()
            if (
                (self.before is None or self.before.match(data, start))
                and (not self.attribute or after_dot(data, start))
                and not in_comment(data, start)
                and (self.used is None or not statement_call(data, start, self.used))
            ):
                return start, match.end()
            position = start + 1
        return -1, -1

    def search(self, data: bytes) -> bool:
        return self.end(data) >= 0


class Matcher:
    """A trigger compiled for the prefilter: can its rule have anything to say about these bytes?"""

    def __init__(self, trigger: Trigger) -> None:
        self.literal = trigger.literal
        self.trigger = trigger
        # Compiled when a file first holds the literal: a regex costs about 0.5 ms to compile,
        # and `check` on a few files compiled every rule's at each start-up for nothing.
        self.requires: list[Shape] | None = None
        self.patterns: list[Shape] | None = None

    def search(self, data: bytes, holds_literal: bool | None = None) -> bool:
        """``holds_literal``: whether ``data`` holds the literal, when the caller knows."""
        # ``in`` on bytes is a memchr-speed scan that rejects almost every file.
        if not (self.literal in data if holds_literal is None else holds_literal):
            return False
        if self.trigger.anchors and not any(anchor in data for anchor in self.trigger.anchors):
            return False
        if self.requires is None or self.patterns is None:
            self.requires = [Shape(pattern) for pattern in self.trigger.requires]
            self.patterns = [Shape(pattern) for pattern in self.trigger.patterns]
        return all(shape.search(data) for shape in self.requires) and any(shape.search(data) for shape in self.patterns)
