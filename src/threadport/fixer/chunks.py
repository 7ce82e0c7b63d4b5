"""Parse a large text in pieces of top-level statements and join them into one tree.

``ast.parse`` holds the C parser's arena and its tokens beside the Python tree it
builds: about 155 bytes per source byte at its peak, of which the finished tree is
half. Parsing runs of top-level statements one at a time keeps only one piece's
arena alive, and the joined tree is the tree ``ast.parse`` gives for the whole text
(the same nodes, fields and positions), because the parser has no state that
crosses a top-level statement boundary: ``from __future__`` imports do not change
what ``ast.parse`` accepts (checked on 3.9 and 3.13), and everything else that spans
lines (brackets, strings, backslashes, decorators, ``else:``) is either avoided as a
cut or makes a piece fail to parse.

A cut goes before a line that starts at column 0 with a name or ``@`` (not
``else``, ``elif``, ``except``, ``finally``). Such a line may still sit inside a
string or brackets the regex cannot see, but then the piece before the cut, a prefix
of the text, ends inside that string or bracket (or after a backslash or a
decorator) and fails to parse: it is joined to the next piece and parsed again, a
few times at most. A piece that still fails gives up on pieces: the caller parses
the whole text, so errors and their messages are exactly ``ast.parse``'s.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from threadport.lazyre import lazy_compile

# Texts larger than WHOLE_PIECES pieces are parsed in pieces of about this size (the arena
# of one piece is what stays on top of the tree: a few MB).
PIECE = 64 * 1024
# Up to this many pieces' worth, a text is parsed whole: the pieces cost a third more CPU
# than one parse (moving the line numbers of every node after the first piece, in Python),
# and a standard library's largest modules (220 KB) peak at about 35 MB whole.
WHOLE_PIECES = 4
# A piece that does not parse is joined to the next at most this many times (a cut
# inside a long string or between a decorator and its def) before giving up.
JOINS = 3

_CUT = lazy_compile(r"^(?=[A-Za-z_@])(?!(?:else|elif|except|finally)\b)", re.MULTILINE)


class Uncut(Exception):
    """A piece did not parse: parse the whole text instead."""


def cuts(text: str, piece: int) -> list[int]:
    """Offsets where pieces start (the first is 0), each piece at least ``piece`` long."""
    starts = [0]
    for match in _CUT.finditer(text, piece):
        if match.start() - starts[-1] >= piece:
            starts.append(match.start())
    return starts


def parse_in_pieces(text: str, parse: Callable[[str], ast.Module], piece: int | None = None) -> ast.Module:
    """The tree of ``text`` (as ``parse(text)`` gives it), parsing one piece at a time.

    Raises Uncut when a piece does not parse; the caller parses the whole text then.
    """
    starts = cuts(text, piece or PIECE)
    if len(starts) == 1:
        return parse(text)
    ends = [*starts[1:], len(text)]
    body: list[ast.stmt] = []
    line = 0  # lines before the current piece
    lines: dict[int, int] = {}  # one int object per line number, shared by the nodes on it
    k = 0
    while k < len(starts):
        start = starts[k]
        for joined in range(JOINS + 1):
            last = min(k + joined, len(ends) - 1)
            end = ends[last]
            try:
                module = parse(text[start:end])
                break
            except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
                if joined == JOINS or end == len(text):
                    raise Uncut(str(error)) from None
        if line:
            _shift(module, line, lines)
        body.extend(module.body)
        line += text.count("\n", start, end)
        k = last + 1
    return ast.Module(body=body, type_ignores=[])


def _shift(tree: ast.AST, by: int, lines: dict[int, int]) -> None:
    """``ast.increment_lineno``, with one int object per line number (a fresh int per
    node and attribute is 56 bytes a node) and without a generator per node."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if "lineno" in node._attributes:
            number = node.lineno + by
            node.lineno = lines.setdefault(number, number)
            end = node.end_lineno
            if end is not None:
                number = end + by
                node.end_lineno = lines.setdefault(number, number)
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, ast.AST):
                stack.append(value)
            elif isinstance(value, list):
                stack.extend(item for item in value if isinstance(item, ast.AST))


_BLOCKS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def top_level_lines(tree: ast.Module) -> list[int]:
    """Where the tokens of a text may be cut: the first line (decorators included) of each
    top-level def or class that follows another, alone on its lines at column 0.

    An edit reads and writes the tokens of its own statement, or of the statements after it
    in the same block (TP010: the acquires, the try, its finally): a def or class holds
    all of those for an edit inside it, and module-level statements are never cut apart.
    """
    lines = []
    previous: ast.stmt | None = None
    for statement in tree.body:
        first = min([statement.lineno, *(d.lineno for d in getattr(statement, "decorator_list", ()))])
        if (
            isinstance(previous, _BLOCKS)
            and isinstance(statement, _BLOCKS)
            and statement.col_offset == 0
            and first > previous.end_lineno
        ):
            lines.append(first)
        previous = statement
    return lines


# A line of a class body that a cut may go before: its indentation (spaces only), then what a
# def, a class or a decorator starts with.
_BODY_CUT = lazy_compile(r"( +)(?:@|def\b|async\b|class\b)")
_TAB_INDENT = lazy_compile(r"^[ \f]*\t", re.MULTILINE)


def cut_lines(tree: ast.Module, text: str) -> list[int]:
    """Where engine.apply may cut ``text`` (whose tree is ``tree``) to tokenize only the pieces
    with edits: top_level_lines, and the same cuts inside each top-level class's body (before
    each def or class, its decorators included, that follows another, alone on its lines at
    the body's indentation). Sorted.

    A method holds every token an edit inside it reads, as a top-level def does. At such a
    cut, the whole text's tokenizer has the indentation stack [0, the body's indentation],
    and so does a piece's own tokenizer once it has read the piece's first line: it makes an
    INDENT of that line's whitespace, where the whole text has plain whitespace (apply gives
    the token that name back). Only a top-level class's body: deeper, the whole text's stack
    has levels a piece's would not. Not where a line is indented with a tab: whether a tab's
    indentation is consistent (3.12+'s tokenizer checks it) depends on lines a piece lacks.
    """
    lines = top_level_lines(tree)
    classes = [s for s in tree.body if isinstance(s, ast.ClassDef) and len(s.body) > 1]
    if not classes or _TAB_INDENT.search(text):
        return lines
    text_lines = text.split("\n")  # the tree's lines: a lone CR is refused or hidden in a string (parsing.py)
    for statement in classes:
        previous = None
        for member in statement.body:
            first = min([member.lineno, *(d.lineno for d in getattr(member, "decorator_list", ()))])
            if (
                isinstance(previous, _BLOCKS)
                and isinstance(member, _BLOCKS)
                and first > previous.end_lineno
                and first <= len(text_lines)
                and _BODY_CUT.match(text_lines[first - 1])
            ):
                lines.append(first)
            previous = member
    return sorted(lines)
