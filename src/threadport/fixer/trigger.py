"""What a rule declares about the words it looks for, in its own module.

``Trigger`` serves two readers: the bytes prefilter (a file is parsed only if some
selected rule's trigger matches its bytes) and scopes.py's walk (which records the
attribute and name sites of exactly the words the rules asked for). A rule that
declares its words here needs nothing registered anywhere else.
"""

from __future__ import annotations

import re

from threadport.records import Record


def whole_word(word: str) -> bytes:
    # Starts with a literal, so re scans for it at memchr speed (a leading \b or a
    # top-level alternation would make it try every position).
    return re.escape(word).encode() + rb"(?!\w)"


class Trigger(Record, frozen=True):
    __slots__ = ("literal", "patterns", "attributes", "names")

    def __init__(
        self,
        literal: bytes,
        patterns: tuple[bytes, ...],
        attributes: frozenset[str] = frozenset(),
        names: frozenset[str] = frozenset(),
    ) -> None:
        self.literal = literal  # every candidate file contains these bytes (a memchr-speed test)
        self.patterns = patterns  # ...and matches one of these regexes
        self.attributes = attributes  # ``x.WORD`` sites the rule reads (ctx.sites)
        self.names = names  # bare ``WORD`` sites the rule reads (ctx.collected.names)

    @classmethod
    def attribute(cls, word: str, *, name: bool = False) -> Trigger:
        """The rule reads ``x.word`` (and the bare name ``word`` when ``name``)."""
        return cls(word.encode(), (whole_word(word),), frozenset({word}), frozenset({word} if name else ()))

    @classmethod
    def words(cls, literal: str, *words: str, attributes: tuple[str, ...] = (), names: tuple[str, ...] = ()) -> Trigger:
        """Any of ``words`` as a whole word (all must contain ``literal``)."""
        return cls(literal.encode(), tuple(whole_word(word) for word in words), frozenset(attributes), frozenset(names))
