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


class InOrder(Record, frozen=True):
    """Each part found after the one before it ends (``acquire`` ... ``finally`` ... ``release()``)."""

    __slots__ = ("parts",)

    def __init__(self, parts: tuple[Pattern, ...]) -> None:
        self.parts = parts


TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:
    from typing import Union

    Pattern = Union[bytes, Attribute, InOrder]  # bytes: a regex, which must start in code


class Trigger(Record, frozen=True):
    __slots__ = ("literal", "patterns", "attributes", "names", "requires")

    def __init__(
        self,
        literal: bytes,
        patterns: tuple[Pattern, ...],
        attributes: frozenset[str] = frozenset(),
        names: frozenset[str] = frozenset(),
        requires: tuple[Pattern, ...] = (),
    ) -> None:
        self.literal = literal  # every candidate file contains these bytes (a memchr-speed test)
        self.patterns = patterns  # ...and matches one of these (bytes: a regex that must start in code)
        self.attributes = attributes  # ``x.WORD`` sites the rule reads (ctx.sites)
        self.names = names  # bare ``WORD`` sites the rule reads (ctx.collected.names)
        self.requires = requires  # ...and every one of these

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


class Shape:
    """One pattern, searched as re would search it, but only where it starts in code.

    The lookbehinds a regex starts with are tested at each match of the rest, which starts
    with a literal that re finds at memchr speed (a leading assertion makes re try every
    position); every position the rest matches at is tried, so nothing re would find is missed.
    """

    def __init__(self, pattern: Pattern) -> None:
        self.parts = [Shape(part) for part in pattern.parts] if isinstance(pattern, InOrder) else None
        self.attribute = isinstance(pattern, Attribute)
        if isinstance(pattern, Attribute):
            pattern = WORD_START + re.escape(pattern.word).encode() + pattern.then
        if isinstance(pattern, InOrder):
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
        while (match := self.rest.search(data, position)) is not None:
            start = match.start()
            if (
                (self.before is None or self.before.match(data, start))
                and (not self.attribute or after_dot(data, start))
                and not in_comment(data, start)
            ):
                return match.end()
            position = start + 1
        return -1

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

    def search(self, data: bytes) -> bool:
        # ``in`` on bytes is a memchr-speed scan that rejects almost every file.
        if self.literal not in data:
            return False
        if self.requires is None or self.patterns is None:
            self.requires = [Shape(pattern) for pattern in self.trigger.requires]
            self.patterns = [Shape(pattern) for pattern in self.trigger.patterns]
        return all(shape.search(data) for shape in self.requires) and any(shape.search(data) for shape in self.patterns)
