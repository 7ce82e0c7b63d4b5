"""Token edits, pyupgrade style: find the token at an ast position, change text around it."""

from __future__ import annotations

TYPE_CHECKING = False  # typing's, without importing typing: tokenize-rt only where tokens are made (engine.py)
if TYPE_CHECKING:
    from tokenize_rt import Token


NON_CODE = frozenset({"UNIMPORTANT_WS", "COMMENT", "NL", "ESCAPED_NL", "INDENT", "DEDENT"})


class SkipFix(Exception):
    """The layout around a finding is unusual; leave it as it is (it stays reported)."""


def next_code(tokens: list[Token], i: int) -> int:
    i += 1
    while tokens[i].name in NON_CODE:
        i += 1
    return i


def previous_code(tokens: list[Token], i: int) -> int:
    i -= 1
    while i >= 0 and tokens[i].name in NON_CODE:
        i -= 1
    return i


def matching_close(tokens: list[Token], i: int) -> int:
    """Index of the bracket closing the one at ``i``."""
    depth = 0
    for j in range(i, len(tokens)):
        if tokens[j].name == "OP" and tokens[j].src in "([{":
            depth += 1
        elif tokens[j].name == "OP" and tokens[j].src in ")]}":
            depth -= 1
            if depth == 0:
                return j
    raise SkipFix("unbalanced brackets")


def has_comment(tokens: list[Token], start: int, end: int) -> bool:
    return any(token.name == "COMMENT" for token in tokens[start : end + 1])


def blank(tokens: list[Token], start: int, end: int) -> None:
    for j in range(start, end + 1):
        tokens[j] = tokens[j]._replace(src="")


def replace(tokens: list[Token], i: int, src: str) -> None:
    tokens[i] = tokens[i]._replace(src=src)


def source(tokens: list[Token], start: int, end: int) -> str:
    return "".join(token.src for token in tokens[start : end + 1])
