"""A run's result file read without the compiler, when it is what the child writes.

clock/driver.py writes repr() of a dict: str keys; values None, True, False, ints, floats,
strings and one nested dict (the exception), ASCII with backslash escapes. read_plain reads
exactly that form and nothing else: repr's separators (", " and ": "), its quotes (a u
prefix on 2.7), its escapes and its numbers. Any other text (a run can rewrite its result
file) gives None, and runner.read_literal, ast.literal_eval's answer, reads it instead.

The point is the compiler: the first compile() of a process makes the ast module's classes
(runner.read_literal asks for its nodes), about 10 M instructions of `threadport compare`'s
own process of 230 M, to read texts like {'python': '3.11.7', 'exception': None, ...}.
"""

from __future__ import annotations

import re

# The escapes repr() writes in a string, and what each stands for; \x, \u and \U take
# lowercase hex digits (2, 4, 8), as repr writes them.
SIMPLE_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "n": "\n", "r": "\r", "t": "\t"}
HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}
HEX_DIGITS = frozenset("0123456789abcdef")
WORDS = {"None": None, "True": True, "False": False}
DIGITS = frozenset("0123456789")


class _NotPlain(Exception):
    """Not repr's plain form: read by the compiler instead."""


# The child's usual result, a dict of plain values only (no exception's dict, no escape, no
# double quote): read an item at a time by one match each, where the character parser below
# made a dozen calls a value, 60-75 K instructions of compare's own process a run. A string
# holds printable ASCII but its quote and the backslash; a number is what _number reads.
_ITEM = re.compile(
    r"u?'([ -&(-\[\]-~]*)': "
    r"(?:u?'([ -&(-\[\]-~]*)'|(None|True|False)|(-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:e[+-][0-9]+)?))"
)


def read_plain(text: str) -> dict | None:
    """The dict ``text`` is repr() of, or None when ``text`` is not in that plain form."""
    flat = read_flat(text)
    if flat is not None:
        return flat
    try:
        value, end = _value(text, 0)
    except (_NotPlain, IndexError):
        return None
    return value if end == len(text) and type(value) is dict else None


def read_flat(text: str) -> dict | None:
    """The dict ``text`` is repr() of if it holds plain values only (_ITEM's), as _dict reads
    it; else None, and the character parser reads it (or refuses it)."""
    if not text.startswith("{"):
        return None
    found: dict = {}
    at = 1
    while True:
        item = _ITEM.match(text, at)
        if item is None:
            return None
        key, string, word, number = item.groups()
        if string is not None:
            found[key] = string
        elif word is not None:
            found[key] = WORDS[word]
        else:
            found[key] = float(number) if "." in number or "e" in number else int(number)
        at = item.end()
        if not text.startswith(", ", at):
            return found if at == len(text) - 1 and text[at] == "}" else None
        at += 2


def _value(text: str, at: int) -> tuple[object, int]:
    first = text[at]
    if first == "{":
        return _dict(text, at + 1)
    if first in "'\"" or (first == "u" and text[at + 1] in "'\""):
        return _string(text, at + (first == "u"))
    for word, value in WORDS.items():
        if text.startswith(word, at):
            return value, at + len(word)
    return _number(text, at)


def _dict(text: str, at: int) -> tuple[dict, int]:
    found: dict = {}
    if text[at] == "}":
        return found, at + 1
    while True:
        key, at = _value(text, at)
        if type(key) is not str or text[at : at + 2] != ": ":
            raise _NotPlain
        found[key], at = _value(text, at + 2)
        if text[at] == "}":
            return found, at + 1
        if text[at : at + 2] != ", ":
            raise _NotPlain
        at += 2


def _string(text: str, at: int) -> tuple[str, int]:
    """A string's characters taken a run at a time, up to its next quote or backslash: read
    one character at a time, the repr of a small dict took about 116 K instructions, as many
    as the rest of a run's reading in compare's own process together."""
    quote = text[at]
    parts = []
    at += 1
    while True:
        close = text.find(quote, at)
        if close < 0:
            raise _NotPlain
        escape = text.find("\\", at, close)
        end = close if escape < 0 else escape
        plain = text[at:end]
        if not (plain.isascii() and plain.isprintable()):  # repr escapes the rest (" " to "~" only)
            raise _NotPlain
        parts.append(plain)
        if escape < 0:
            return "".join(parts), close + 1
        at = escape
        escaped = text[at + 1]
        if escaped in SIMPLE_ESCAPES:
            parts.append(SIMPLE_ESCAPES[escaped])
            at += 2
            continue
        width = HEX_ESCAPES.get(escaped)
        digits = text[at + 2 : at + 2 + (width or 0)]
        if width is None or len(digits) != width or not HEX_DIGITS.issuperset(digits) or int(digits, 16) > 0x10FFFF:
            raise _NotPlain
        parts.append(chr(int(digits, 16)))
        at += 2 + width


def _number(text: str, at: int) -> tuple[int | float, int]:
    """repr() of an int or a finite float, a minus sign included: 0, -12, 0.5, 1e-05, 1.5e+20."""
    whole = at + (text[at] == "-")
    end = _digits(text, whole)
    if text[whole] == "0" and end - whole > 1:  # a leading zero: not Python 3's
        raise _NotPlain
    is_float = False
    if end < len(text) and text[end] == ".":
        end = _digits(text, end + 1)
        is_float = True
    if end < len(text) and text[end] == "e":
        if text[end + 1 : end + 2] not in ("+", "-"):
            raise _NotPlain
        end = _digits(text, end + 2)
        is_float = True
    token = text[at:end]
    return (float(token) if is_float else int(token)), end


def _digits(text: str, at: int) -> int:
    """Where the run of digits from ``at`` ends; there must be one."""
    end = at
    while end < len(text) and text[end] in DIGITS:
        end += 1
    if end == at:
        raise _NotPlain
    return end
