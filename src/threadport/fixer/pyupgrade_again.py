"""A later run of pyupgrade over only the statements its last run touched.

migrate runs pyupgrade again until a run changes nothing (the %-format a run made a
``.format()`` becomes an f-string in the next run; the run after that changes nothing). Such
a run used to read the whole file again, for a few changed lines: 41 of the first 120 files
of 2.7's Lib (the larger ones) took a second run, about as much CPU as the first runs over
all 120.

Here the text the next run reads keeps the statements holding a line the last run changed
(or the line either side of one), and a one-line ``pass`` with a numbered comment stands in
for each run of other statements; the command's output gets them back. That output is the
command's over the whole text because a rule of pyupgrade (its plugins, 3.x) decides on the
statement it rewrites, its enclosing statements' headers and the ``from ... import`` names
seen before it, and a statement the last run left as it was gave no rule anything to do then,
so it gives none now. Except where a rule reads more, which is kept:
- lines 1-2 (the coding cookie rule: no line comes up to them either);
- every statement whose lines hold the word "import", so the names seen imported are the
  same, in the same order; and when the last run touched or removed an import, no stand-in;
- the children of an ``if`` (removeprefix, versioned branches: only theirs stand in) and of
  a ``match``;
- all of a function whose lines hold the word "yield" (the ``yield from`` rule reads every
  name the function reads: a run that removes the last read of a loop's variable elsewhere
  in it, a Python 2 branch, makes the loop ``yield from`` in the next run).
A stand-in that does not come back from the command once, unchanged and in order, means a
run over the whole text instead; so does a lone CR (ast counts it a line break, pyupgrade's
tokens do not).

tests/fixer/test_migrate_pyupgrade.py holds it against the command run to its fixed point
over real code, and tests/fixer/pyupgrade_fixed_point.py compares any folder.
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_left
from collections import Counter

_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
STAND_IN = "threadport-elided"
_IMPORTS = (ast.Import, ast.ImportFrom)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_MATCH = getattr(ast, "Match", None)  # 3.10+: kept whole


def split_lines(text: str) -> list[str]:
    """``text``'s lines, each with its line break (as ast counts them: CRLF, LF, CR)."""
    return _LINES.findall(text)


def reduced(text: str, before: str) -> tuple[str, list[tuple[str, str]]] | None:
    """``text`` (the last run's output from ``before``) with its untouched statements stood
    in for, and each stand-in line with the lines it stands for; None when the next run must
    read the whole text (nothing to leave out, or the rules above cannot tell)."""
    if STAND_IN in text or "\r" in text.replace("\r\n", ""):
        return None
    lines = split_lines(text)
    touched, gone, made = _touched(split_lines(before), lines)
    if any("import" in line for line in gone) or any("import" in line for line in made):
        return None
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    spans: list[tuple[int, int]] = []
    try:
        _visit(tree.body, lines, touched, spans)
    except _WholeRun:
        return None
    if not spans:
        return None
    return _stand_in(lines, spans)


def restored(result: str, stand_ins: list[tuple[str, str]]) -> str | None:
    """The command's ``result`` over the reduced text with each stand-in put back; None when
    a stand-in did not come back once, unchanged and in order."""
    pieces, at = [], 0
    for line, original in stand_ins:
        where = result.find(line, at)
        if where < 0 or result.count(line) != 1:
            return None
        pieces += (result[at:where], original)
        at = where + len(line)
    pieces.append(result[at:])
    return "".join(pieces)


class _WholeRun(Exception):
    """A touched import (or the line either side of it): the names the rules see imported
    may have changed."""


def _visit(stmts, lines, touched, spans, stand_in=True):
    """Add to ``spans`` the runs of untouched statements of ``stmts`` that can be stood in for
    (none when ``stand_in`` is false), and look inside the others."""
    run = None  # (first, last) of the statements gathered so far
    for k, stmt in enumerate(stmts):
        first, last = _first_line(stmt), stmt.end_lineno
        hit = any(line in touched for line in range(first, last + 1))
        if stand_in and not hit and _may_stand_in(stmts, k, first, last, lines):
            run = (run[0] if run else first, last)
            continue
        if run:
            spans.append(run)
            run = None
        if isinstance(stmt, _IMPORTS):
            if hit:  # a name taken out of a long import changes no line left: the one above it is touched
                raise _WholeRun
        elif isinstance(stmt, _FUNCTIONS) and any("yield" in lines[i] for i in range(first - 1, last)):
            continue  # pyupgrade's yield-from rule reads every name in the function
        elif not (_MATCH and isinstance(stmt, _MATCH)):
            # an if's children are read (removeprefix, versioned branches): only theirs go
            for body in _bodies(stmt):
                _visit(body, lines, touched, spans, stand_in=not isinstance(stmt, ast.If))
    if run:
        spans.append(run)


def _may_stand_in(stmts, k, first, last, lines) -> bool:
    """Whole lines of their own (no other statement, header or decorator on them), past
    line 2, and no import (nor the word) in them."""
    if first <= 2:
        return False
    if k and stmts[k - 1].end_lineno >= first:
        return False
    if k + 1 < len(stmts) and _first_line(stmts[k + 1]) <= last:
        return False
    line = lines[first - 1]
    indent = len(line) - len(line.lstrip(" \t\x0c"))
    decorators = getattr(stmts[k], "decorator_list", None)
    column = decorators[0].col_offset - 1 if decorators else stmts[k].col_offset  # the @ of the first
    if indent != column:
        return False
    return not any("import" in lines[i] for i in range(first - 1, last))


def _first_line(stmt) -> int:
    return min([stmt.lineno] + [d.lineno for d in getattr(stmt, "decorator_list", ())])


def _bodies(stmt):
    for field in ("body", "orelse", "finalbody"):
        value = getattr(stmt, field, None)
        if value and isinstance(value, list) and isinstance(value[0], ast.stmt):
            yield value
    for handler in getattr(stmt, "handlers", ()):
        yield handler.body


def _stand_in(lines, spans):
    pieces, stand_ins, at = [], [], 0
    for n, (first, last) in enumerate(sorted(spans)):
        pieces += lines[at : first - 1]
        line, end = lines[first - 1], lines[last - 1]
        indent = line[: len(line) - len(line.lstrip(" \t\x0c"))]
        stand_in = f"{indent}pass  # {STAND_IN}:{n}:{end[len(end.rstrip(chr(13) + chr(10))) :]}"
        pieces.append(stand_in)
        stand_ins.append((stand_in, "".join(lines[first - 1 : last])))
        at = last
    pieces += lines[at:]
    return "".join(pieces), stand_ins


def _touched(a: list[str], b: list[str]):
    """Lines of ``b`` (1-based) that a line alignment with ``a`` leaves unmatched, with the
    line either side of each change (a deletion's too); and the lines changed away and made.
    The alignment is patience diff's: lines found once in each side of a stretch are its
    anchors, then the stretches between them, from both ends."""
    touched: set[int] = set()
    gone: list[str] = []
    made: list[str] = []
    stack = [(0, len(a), 0, len(b))]
    while stack:
        a0, a1, b0, b1 = stack.pop()
        while a0 < a1 and b0 < b1 and a[a0] == b[b0]:
            a0, b0 = a0 + 1, b0 + 1
        while a0 < a1 and b0 < b1 and a[a1 - 1] == b[b1 - 1]:
            a1, b1 = a1 - 1, b1 - 1
        chain = _anchors(a, b, a0, a1, b0, b1) if a0 < a1 and b0 < b1 else []
        if not chain:
            if a0 < a1 or b0 < b1:
                gone += a[a0:a1]
                made += b[b0:b1]
                touched.update(range(b0, b1 + 2))
            continue
        i0, j0 = a0, b0
        for i, j in chain:
            stack.append((i0, i, j0, j))
            i0, j0 = i + 1, j + 1
        stack.append((i0, a1, j0, b1))
    return touched, gone, made


def _anchors(a, b, a0, a1, b0, b1) -> list[tuple[int, int]]:
    """Pairs (i, j), a[i] == b[j] found once in a[a0:a1] and once in b[b0:b1], the longest
    chain increasing in both."""
    count_a, count_b = Counter(a[a0:a1]), Counter(b[b0:b1])
    where = {a[i]: i for i in range(a0, a1) if count_a[a[i]] == 1}
    pairs = [(where[b[j]], j) for j in range(b0, b1) if count_b[b[j]] == 1 and b[j] in where]
    tails: list[int] = []  # the longest increasing subsequence of the i's, by patience sorting
    tail_at: list[int] = []
    back: list[int | None] = [None] * len(pairs)
    for k, (i, _) in enumerate(pairs):
        at = bisect_left(tails, i)
        if at == len(tails):
            tails.append(i)
            tail_at.append(k)
        else:
            tails[at], tail_at[at] = i, k
        back[k] = tail_at[at - 1] if at else None
    chain = []
    k = tail_at[-1] if tail_at else None
    while k is not None:
        chain.append(pairs[k])
        k = back[k]
    return chain[::-1]
