"""What to emphasise inside a line: the pair's key renames always, other changed code words lightly.

Both the terminal view and the HTML tour read emphasis from here, so they agree.

- **Key changes** come from the pair's catalogue notes: a title such as
  ``Thread.isAlive() -> Thread.is_alive()`` or ``setDaemon(True) -> daemon=True``
  names, on each side of its arrow, the API that changed. Every occurrence of such a
  name in the code is emphasised, on any row, because that is what the pair teaches;
  the word diff alone misses it whenever the alignment cannot pair the two lines
  (the seed's sixteen polling lines face a three-line loop).
- **Word changes** (the word diff of two aligned lines) are emphasised only inside
  code: comments and docstrings are prose, and a reworded sentence is not a migration.

Names are matched in the shape the title writes them, so ``daemon=True`` (a keyword
argument) does not light up a variable called ``daemon``, and ``print`` the statement
is told from ``print()`` the function.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from pygments.lexers import get_lexer_by_name
from pygments.token import Comment, String, _TokenType

Runs = list[tuple[_TokenType, str]]  # one source line as (token type, text) runs
Span = tuple[int, int]  # [start, end) character offsets in a line

# Shapes of a name in a note title or in code.
ATTR = "attr"  # .name
CALL = "call"  # name( or .name(
KWARG = "kwarg"  # name=value inside a call
STATEMENT = "statement"  # print 'x' (Python 2's print statement)
KEYWORD = "keyword"  # with
MODULE = "module"  # import name, name.attr

_KEYWORDS = {"with"}
_NAME = re.compile(r"[A-Za-z_]\w*")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


@dataclass(frozen=True)
class Lexed:
    """A source, lexed: per line its token runs and the ranges that are prose."""

    runs: list[Runs]
    prose: list[list[Span]]  # comments and docstrings (any triple-quoted string)


def _triple(value: str, inside: str | None) -> tuple[str | None, bool]:
    """(triple quote still open after this string token, whether the token is prose)."""
    if inside is not None:
        return (None if inside in value else inside), True
    body = value.lstrip("rRbBuUfF")
    for quote in ('"""', "'''"):
        if body.startswith(quote):
            return (None if quote in body[3:] else quote), True
    return None, False


def lex(lines: list[str], lexer_name: str) -> Lexed:
    """Lex the whole file at once (strings span lines), then cut it into lines. The same
    lines lexed again are answered from the last ones (callers only read a Lexed): the
    terminal view and the tour lex each pair's two files, and the tour lexes the same
    snippets (transcripts, catalogue examples) on several pages."""
    return _lex(tuple(lines), lexer_name)


@functools.lru_cache(maxsize=256)
def _lex(lines: tuple[str, ...], lexer_name: str) -> Lexed:
    lexer = get_lexer_by_name(lexer_name, stripnl=False, ensurenl=True)
    runs: list[Runs] = [[]]
    prose: list[list[Span]] = [[]]
    offset = 0
    inside: str | None = None
    for ttype, value in lexer.get_tokens("\n".join(lines)):
        is_prose = ttype in Comment or ttype in String.Doc
        if ttype in String and ttype not in String.Doc:
            inside, is_prose = _triple(value, inside)
        elif inside is not None:
            is_prose = True  # an f-string's {} inside a docstring
        for k, part in enumerate(value.split("\n")):
            if k:
                runs.append([])
                prose.append([])
                offset = 0
            if not part:
                continue
            if is_prose:
                spans = prose[-1]
                if spans and spans[-1][1] == offset:
                    spans[-1] = (spans[-1][0], offset + len(part))
                else:
                    spans.append((offset, offset + len(part)))
            line = runs[-1]
            if line and line[-1][0] is ttype:  # one run for "'working'", not three
                line[-1] = (ttype, line[-1][1] + part)
            else:
                line.append((ttype, part))
            offset += len(part)
    runs, prose = runs[: len(lines)], prose[: len(lines)]
    missing = len(lines) - len(runs)
    return Lexed(runs + [[] for _ in range(missing)], prose + [[] for _ in range(missing)])


def _code_words(text: str) -> str:
    """A title side without quoted strings (their words are data, not API)."""
    return _QUOTED.sub(lambda m: " " * len(m.group()), text)


def shapes(text: str) -> set[tuple[str, str]]:
    """(name, shape) of each API-looking name in a title side: ``t.isAlive()`` -> {("isAlive", call)}."""
    text = _code_words(text)
    found: set[tuple[str, str]] = set()
    for match in _NAME.finditer(text):
        name, before, after = match.group(), text[: match.start()], text[match.end() :]
        if before.endswith("import "):
            found.add((name, MODULE))
        elif after.startswith(".") or re.search(r"\b(def|class)\s+$", before):
            continue  # a receiver (t.isAlive() teaches isAlive, not t) or a definition
        elif after.startswith("("):
            found.add((name, CALL))
        elif before.endswith("."):
            found.add((name, ATTR))
        elif after.startswith("=") and not after.startswith("=="):
            found.add((name, KWARG))
        elif name == "print":
            found.add((name, STATEMENT))
        elif name in _KEYWORDS:
            found.add((name, KEYWORD))
    return found


@dataclass(frozen=True)
class KeyChanges:
    """The names a pair's notes say were renamed: legacy side, modern side, each with its note."""

    legacy: dict[tuple[str, str], str]  # (name, shape) -> note title
    modern: dict[tuple[str, str], str]

    def names(self, side: str) -> set[str]:
        return {name for name, _ in getattr(self, side)}


def key_changes(notes) -> KeyChanges:
    """Read the key renames from note titles of the form ``old -> new`` (``;`` separates clauses).

    A name written the same way on both sides of one arrow (``acquire(False) ->
    acquire(blocking=False)``) did not change and is not a key; style notes teach no API.
    """
    legacy: dict[tuple[str, str], str] = {}
    modern: dict[tuple[str, str], str] = {}
    for note in notes:
        if note.since == "style":
            continue
        for clause in note.title.split(";"):
            if " -> " not in clause:
                continue
            old, new = clause.split(" -> ", 1)
            old_shapes, new_shapes = shapes(old), shapes(new)
            for item in old_shapes - new_shapes:
                legacy.setdefault(item, note.title)
            for item in new_shapes - old_shapes:
                modern.setdefault(item, note.title)
    return KeyChanges(legacy, modern)


def _shape_matches(line: str, start: int, end: int, shape: str) -> bool:
    before, after = line[:start], line[end:]
    if shape == ATTR:
        return before.endswith(".")
    if shape == CALL:
        return after.lstrip().startswith("(") and not re.search(r"\b(def|class)\s+$", before)
    if shape == KWARG:
        return after.startswith("=") and not after.startswith("==") and before.rstrip()[-1:] in ("(", ",")
    if shape == STATEMENT:
        starts_statement = not before.strip() or before.rstrip().endswith((":", ";"))
        return starts_statement and not after.lstrip().startswith("(")
    if shape == MODULE:
        return before.rstrip().endswith(("import", "from")) or (after.startswith(".") and not before.endswith("."))
    return True  # KEYWORD: the lexer already said it is one


def key_spans(line: str, runs: Runs, prose: list[Span], keys: dict[tuple[str, str], str]) -> list[tuple[int, int, str]]:
    """(start, end, note title) for each key name in the code of one line (never in comments or docstrings)."""
    if not keys:
        return []
    by_name: dict[str, list[str]] = {}
    for name, shape in keys:
        by_name.setdefault(name, []).append(shape)
    found = []
    offset = 0
    for ttype, text in runs:
        start = offset
        offset += len(text)
        if ttype in String or ttype in Comment or any(s <= start < e for s, e in prose):
            continue
        for match in _NAME.finditer(text):
            name = match.group()
            if name not in by_name:
                continue
            a, b = start + match.start(), start + match.end()
            if a > 0 and (line[a - 1].isalnum() or line[a - 1] == "_"):
                continue
            for shape in by_name[name]:
                if shape == STATEMENT and line[b:].lstrip().startswith("("):
                    continue
                if _shape_matches(line, a, b, shape):
                    found.append((a, b, keys[name, shape]))
                    break
    return found


def code_only(spans: list[Span], prose: list[Span]) -> list[Span]:
    """Word-diff spans with the parts inside comments and docstrings removed."""
    out = []
    for start, end in spans:
        pieces = [(start, end)]
        for p_start, p_end in prose:
            next_pieces = []
            for a, b in pieces:
                if b <= p_start or a >= p_end:
                    next_pieces.append((a, b))
                    continue
                if a < p_start:
                    next_pieces.append((a, p_start))
                if b > p_end:
                    next_pieces.append((p_end, b))
            pieces = next_pieces
        out += pieces
    return out


def line_marks(
    line: str, runs: Runs, prose: list[Span], keys: dict[tuple[str, str], str], changed: list[Span] = ()
) -> list[tuple[int, int, str]]:
    """Every emphasis of one line: (start, end, "key") for renames, (start, end, "word") for other
    changed code words (never inside comments or docstrings)."""
    marks = [(a, b, "key") for a, b, _ in key_spans(line, runs, prose, keys)]
    for a, b in code_only(list(changed), prose):
        chunk = line[a:b]
        a += len(chunk) - len(chunk.lstrip())  # blanks around a changed run say nothing
        b -= len(chunk) - len(chunk.rstrip())
        if b > a:
            marks.append((a, b, "word"))
    return marks
