"""TP010's token edit: manual acquire/release around a ``try``/``finally`` -> ``with``.

One edit per finding, keyed at the first token of the shape (the first acquire before
the ``try``, or the ``try`` keyword). It only replaces token text, never the number of
tokens, so the edits other rules made inside the block (applied first) are kept, and
it works line by line so the block's comments and indentation stay as they were:

- the head (acquires right before the ``try``, then ``try:``) becomes ``with a[, b]:``,
  the comments of those lines moved after the colon;
- acquire statements inside the block (and, for two nested ``try``s, the inner
  ``try:``) lose their line; a comment on such a line stays, as a comment line;
- each ``finally:`` holding only the releases loses its lines;
- for the nested shape, the inner block is dedented to the outer block's indentation.
"""

from __future__ import annotations

from threadport.fixer import tokens as tk
from threadport.records import Record

TYPE_CHECKING = False  # typing's, without importing typing: tokenize-rt only where tokens are made (engine.py)
if TYPE_CHECKING:
    from tokenize_rt import Token

Position = tuple[int, int]  # (line, UTF-8 byte column) of a statement's first token
_INDENTATION = ("INDENT", "UNIMPORTANT_WS")


class Plan(Record):
    __slots__ = ("names", "before", "try_at", "drop", "finals", "dedent")

    def __init__(self, names: list[str], before: int, try_at: Position) -> None:
        self.names = names  # the locks, in acquire order: ``with a, b:``
        self.before = before  # acquire statements before the try, starting at the edit's own token
        self.try_at = try_at  # the (outer) try keyword
        self.drop: list[Position] = []  # statements whose lines go
        self.finals: list[tuple[Position, int]] = []  # (first release, how many releases)
        self.dedent: tuple[Position, Position, int] | None = None  # (inner try, its first statement, last line)


def edit(plan: Plan):
    def rewrite(tokens: list[Token], i: int) -> None:
        at = _positions(tokens, i, max(p[0][0] for p in plan.finals))
        if plan.dedent is not None:  # first: it reads the inner try's indentation
            inner, first, last = plan.dedent
            _dedent(tokens, _index(at, inner), _index(at, first), last)
        for position in plan.drop:
            _drop_line(tokens, _index(at, position))
        for release, count in plan.finals:
            _drop_finally(tokens, _index(at, release), count)
        _head(tokens, i, plan)

    return rewrite


def _positions(tokens: list[Token], start: int, last_line: int) -> dict[Position, int]:
    found = {}
    for j in range(start, len(tokens)):
        token = tokens[j]
        if token.line is not None and token.line > last_line:
            break
        if token.src and token.name not in _INDENTATION:
            found.setdefault((token.line, token.utf8_byte_offset), j)
    return found


def _index(at: dict[Position, int], position: Position) -> int:
    try:
        return at[position]
    except KeyError:
        raise tk.SkipFix("a statement is not where the tree says") from None


def _alone_on_its_line(tokens: list[Token], first: int) -> int:
    """The NEWLINE ending the simple statement starting at ``first``, which must be alone."""
    before = tk.previous_code(tokens, first)
    if before >= 0 and tokens[before].name not in ("NEWLINE", "NL"):
        raise tk.SkipFix("the statement is not first on its line")
    j = first
    while tokens[j].name not in ("NEWLINE", "ENDMARKER"):
        if tokens[j].name == "OP" and tokens[j].src == ";":
            raise tk.SkipFix("the statement shares its line")
        j += 1
    return j


def _line_start(tokens: list[Token], first: int) -> int:
    start = first
    while start > 0 and tokens[start - 1].name in (*_INDENTATION, "DEDENT"):
        start -= 1
    return start


def _drop_line(tokens: list[Token], first: int) -> None:
    """The line of the statement (or ``try:`` header) at ``first`` goes; its comment stays."""
    if tokens[first].src == "try":
        colon = tk.next_code(tokens, first)
        newline = colon + 1
        while tokens[newline].name in ("UNIMPORTANT_WS", "COMMENT"):
            newline += 1
        if tokens[colon].src != ":" or tokens[newline].name != "NEWLINE":
            raise tk.SkipFix("the inner try: is not alone on its line")
    else:
        newline = _alone_on_its_line(tokens, first)
    comments = [t.src for t in tokens[first:newline] if t.name == "COMMENT"]
    start = _line_start(tokens, first)
    indentation = "".join(t.src for t in tokens[start:first])
    end = tokens[newline].src
    tk.blank(tokens, start, newline)
    if comments:
        tk.replace(tokens, start, indentation + "  ".join(comments) + end)


def _dedent(tokens: list[Token], inner_try: int, first: int, last_line: int) -> None:
    """The inner block's lines (after ``inner_try``'s line, through ``last_line``) lose the
    indentation of its first statement (``first``) for that of the inner ``try``. Lines
    inside strings have no token at their start and stay; a continuation line or a
    comment less indented than the block stays as it is (its indentation means nothing)."""
    to = "".join(t.src for t in tokens[_line_start(tokens, inner_try) : inner_try])
    frm = "".join(t.src for t in tokens[_line_start(tokens, first) : first])
    if not frm.startswith(to) or frm == to:
        raise tk.SkipFix("the inner block is not indented deeper than the inner try")
    j = inner_try
    while tokens[j].name != "NEWLINE":
        j += 1
    depth = 0
    continued = False
    for k in range(j + 1, len(tokens)):
        token = tokens[k]
        if token.line > last_line:
            break
        if token.name == "OP" and token.src in "([{":
            depth += 1
        elif token.name == "OP" and token.src in ")]}":
            depth -= 1
        elif token.name in ("NEWLINE", "NL", "ESCAPED_NL"):
            continued = token.name == "ESCAPED_NL"
        if token.utf8_byte_offset != 0 or token.name not in _INDENTATION or not token.src:
            continue
        if token.src.startswith(frm):
            tk.replace(tokens, k, to + token.src[len(frm) :])
        elif depth == 0 and not continued and tokens[k + 1].name not in ("COMMENT", "NL"):
            raise tk.SkipFix("the inner block's indentation is not uniform")


def _drop_finally(tokens: list[Token], release: int, count: int) -> None:
    """From the start of the ``finally`` line through the last release's newline."""
    colon = release - 1
    while colon >= 0 and (tokens[colon].name in tk.NON_CODE or tokens[colon].name == "NEWLINE"):
        colon -= 1
    keyword = tk.previous_code(tokens, colon)
    if tokens[colon].src != ":" or tokens[keyword].src != "finally":
        raise tk.SkipFix("finally not found")
    start = _line_start(tokens, keyword)
    if start > 0 and tokens[start - 1].name not in ("NEWLINE", "NL"):
        raise tk.SkipFix("finally is not first on its line")
    j = release
    for _ in range(count):
        while tokens[j].name != "NAME" or tokens[j].src != "release":
            j += 1
        j = tk.next_code(tokens, tk.matching_close(tokens, tk.next_code(tokens, j)))
        if tokens[j].name != "NEWLINE":
            raise tk.SkipFix("more code beside release()")
    if tk.has_comment(tokens, keyword, j):
        raise tk.SkipFix("comments around release()")
    tk.blank(tokens, start, j)


def _head(tokens: list[Token], i: int, plan: Plan) -> None:
    """``a.acquire()`` ... ``try:`` (or just ``try``) -> ``with a, b:``."""
    with_ = f"with {', '.join(plan.names)}"
    if plan.before == 0:
        if tokens[i].src != "try":
            raise tk.SkipFix("try not found")
        tk.replace(tokens, i, with_)
        return
    j = i
    for _ in range(plan.before):
        j = _alone_on_its_line(tokens, j)
        j = tk.next_code(tokens, j)
    colon = tk.next_code(tokens, j)
    at = (tokens[j].line, tokens[j].utf8_byte_offset)
    if tokens[j].src != "try" or tokens[colon].src != ":" or at != plan.try_at:
        raise tk.SkipFix("try does not follow")
    comments = [t.src for t in tokens[i : colon + 1] if t.name == "COMMENT"]
    tk.blank(tokens, i + 1, colon)
    tk.replace(tokens, i, f"{with_}:" + "".join(f"  {c}" for c in comments))
