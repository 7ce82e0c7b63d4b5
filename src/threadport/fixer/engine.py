"""Run the rules over one source text: findings for `check`, rewritten text for `fix`."""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Callable, Iterable

from threadport.errors import ThreadportError
from threadport.fixer import chunks
from threadport.fixer.compat import Guards
from threadport.fixer.nodes import index_statements
from threadport.fixer.parsing import Parsed, parse
from threadport.fixer.receivers import Receivers
from threadport.fixer.scopes import AttributeSite, collect
from threadport.fixer.tokens import SkipFix
from threadport.fixer.tree import TreeFacts
from threadport.lazyre import lazy_compile
from threadport.records import Record

# typing.TYPE_CHECKING without importing typing; tokenize-rt (which imports typing) is
# imported where tokens are made: `check` rarely needs them, and every start-up paid for both.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from tokenize_rt import Token

    Edit = Callable[[list[Token], int], None]


class Fix(Record):
    __slots__ = ("line", "col", "edit")

    def __init__(self, line: int, col: int, edit: Edit) -> None:
        self.line = line
        self.col = col  # UTF-8 byte offset of the token the edit starts at
        self.edit = edit


class Finding(Record):
    __slots__ = (
        "code",
        "line",
        "col",
        "message",
        "possible",
        "fixes",
        "aggressive",
        "column",
        "needs",
        "compat",
        "fixable",
    )

    def __init__(
        self,
        code: str,
        line: int,
        col: int,
        message: str,
        possible: bool = False,
        fixes: list[Fix] | None = None,
        aggressive: bool = False,
        column: int = 0,
        needs: tuple[int, int] = (2, 6),
        compat: bool = False,
    ) -> None:
        self.code = code
        self.line = line
        self.col = col  # UTF-8 byte offset in the original line (0-based)
        self.message = message
        self.possible = possible  # the receiver is not known to be a threading object
        self.fixes = [] if fixes is None else fixes  # empty: reported only
        self.aggressive = aggressive  # the fixes apply only with --aggressive
        self.column = column  # 1-based character column, filled in for display
        self.needs = needs  # the oldest Python the rewrite runs on (PEP 8 names: 2.6)
        self.compat = compat  # inside a compatibility fallback (compat.py): reported, never fixed
        # `fix` rewrites it (kept when fixes are dropped for pickling)
        self.fixable = bool(self.fixes) and not self.aggressive

    def leave(self, why: str, *, compat: bool = False) -> None:
        """Report only: drop the fixes and say why."""
        self.fixes = []
        self.fixable = False
        self.aggressive = False
        self.compat = self.compat or compat
        self.message += f" ({why})"


# The statements scopes.Collector keeps as it walks, by class: Context.statements reads them there.
_COLLECTED_STATEMENTS = {ast.If: "branches", ast.Import: "import_statements", ast.ImportFrom: "import_statements"}


class Context:
    """What rules see: the tree, the sites, receiver answers, positions in the original text."""

    def __init__(
        self,
        text: str,
        parsed: Parsed,
        facts: TreeFacts | None = None,
        path: str | None = None,
        rules: Iterable = (),
    ) -> None:
        self.text = text
        self.parsed = parsed
        self.tree = parsed.tree
        attributes = frozenset().union(*(rule.TRIGGER.attributes for rule in rules))
        names = frozenset().union(*(rule.TRIGGER.names for rule in rules))
        self.collected = collect(parsed.tree, attributes, names)
        self.facts = facts
        self.path = path
        outside = (lambda attr: facts.assigns_outside(attr, path)) if facts is not None else (lambda attr: False)
        self.receivers = Receivers(
            self.collected,
            outside,
            facts.reexports if facts is not None else None,
            text,
            facts.params if facts is not None else None,
        )
        self._defined: set[str] | None = None
        self._guards: Guards | None = None
        self._sites: dict[str, list[AttributeSite]] | None = None
        self._lines: list[str] | None = None
        self._statements: dict[type, list[ast.stmt]] | None = None
        self.cut_lines: list[int] = []  # lines apply() may cut a large text before (forget_tree)

    def statements(self, *kinds: type) -> list[ast.stmt]:
        """Every statement of exactly these ast classes (no order promised). The walk that
        made ``collected`` kept every if and import statement (what TP010, TP011, TP012 and
        TP014 ask for): a pass over the blocks of its own was 2% of analysing a file. Any
        other class: one pass over the blocks serves every rule (an ``ast.walk`` per rule was
        much of the time `check` spent on a large Python 2 tree)."""
        if all(kind in _COLLECTED_STATEMENTS for kind in kinds):
            return [
                node
                for kind in kinds
                for node in getattr(self.collected, _COLLECTED_STATEMENTS[kind])
                if type(node) is kind
            ]
        if self._statements is None:
            self._statements = index_statements(self.tree)
        return [node for kind in kinds for node in self._statements.get(kind, ())]

    @property
    def min_python(self) -> tuple[int, int]:
        """The oldest Python a rewrite may need (--min-python): a rule with two rewrites picks."""
        return self.facts.min_python if self.facts is not None else DEFAULT_MIN_PYTHON

    @property
    def lines(self) -> list[str]:
        """The text's lines, split once: rules look at the lines of each site (splitting the
        whole text per site made a large file quadratic)."""
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines

    @property
    def guards(self) -> Guards:
        """The compatibility fallbacks of this file (compat.py)."""
        if self._guards is None:
            self._guards = Guards(self.collected.branches)
        return self._guards

    def forget_tree(self) -> None:
        """Drop the tree and what was learnt from it once the findings are made.

        Fixing needs only the text and its tokens; holding the tree (about 100 bytes
        per source byte) beside the tokens is what set the peak memory of `fix`.
        """
        if self.tree is not None and len(self.text) > EDIT_PIECE and self.parsed.tokens is None:
            self.cut_lines = chunks.cut_lines(self.tree, self.text)  # where apply() may cut it
        self.tree = self.parsed.tree = None  # type: ignore[assignment]
        self.collected = self.receivers = self._guards = self._sites = self._lines = None  # type: ignore[assignment]
        self._statements = None

    def sites(self, attr: str) -> list[AttributeSite]:
        if self._sites is None:
            self._sites = {}
            for site in self.collected.attributes:
                self._sites.setdefault(site.node.attr, []).append(site)
        return self._sites.get(attr, [])

    def defined(self, name: str) -> bool:
        """``name`` is defined (a def, or bound in a class body) in this file or the tree."""
        if self._defined is None:
            self._defined = self.collected.defined_names()
        return name in self._defined or (self.facts is not None and self.facts.defines(name, self.path))

    def position(self, line: int, col: int) -> tuple[int, int]:
        if self.parsed.shim is not None:
            return line, self.parsed.shim.original_col(line, col)
        return line, col

    def start(self, node: ast.AST) -> tuple[int, int]:
        return self.position(node.lineno, node.col_offset)

    def attr_name(self, node: ast.Attribute) -> tuple[int, int]:
        """Where the attribute's name token starts (the last token of the node)."""
        return self.position(node.end_lineno, node.end_col_offset - len(node.attr.encode()))

    def tokens(self) -> list[Token]:
        if self.parsed.tokens is None:
            from tokenize_rt import src_to_tokens

            try:
                self.parsed.tokens = src_to_tokens(self.text)
            except (TabError, IndentationError):
                self.parsed.tokens = self._tokens_of_mixed_tabs()
        return self.parsed.tokens

    def _tokens_of_mixed_tabs(self) -> list[Token]:
        """Python 2 indentation that mixes tabs and spaces, which 3.12+'s tokenizer refuses.

        Tokenize with the indentation expanded (as the shim parsed it), then give each line
        its original indentation back and shift the positions on those lines to match.
        """
        from tokenize_rt import src_to_tokens, tokens_to_src

        from threadport.fixer.py2shim import Shim, expand_tabs

        expanded = expand_tabs(Shim(self.text))
        original_lines = self.text.split("\n")
        tokens = []
        for token in src_to_tokens(expanded.text):
            if token.line in expanded.shifted:
                width, extra = expanded.shifted[token.line]
                if token.utf8_byte_offset == 0 and token.name in ("INDENT", "UNIMPORTANT_WS"):
                    line = original_lines[token.line - 1]
                    token = token._replace(src=line[: len(line) - len(line.lstrip(" \t\f"))])
                elif token.utf8_byte_offset >= width:
                    token = token._replace(utf8_byte_offset=token.utf8_byte_offset - extra)
            tokens.append(token)
        if tokens_to_src(tokens) != self.text:
            raise FixBroke("cannot tokenize this mix of tabs and spaces for rewriting; file left unchanged")
        return tokens


_NOQA = lazy_compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)


def _suppressed(lines: list[str], finding: Finding) -> bool:
    """``# noqa`` or ``# noqa: TP001[, ...]`` on the finding's line, as in ruff and flake8."""
    line = lines[finding.line - 1] if finding.line <= len(lines) else ""
    match = _NOQA.search(line) if "noqa" in line.lower() else None
    if match is None:
        return False
    codes = match.group("codes")
    return codes is None or finding.code in re.split(r"[\s,]+", codes.upper())


DEFAULT_MIN_PYTHON = (2, 6)


def _leave_what_must_stay(context: Context, findings: list[Finding], min_python: tuple[int, int]) -> None:
    """Compatibility fallbacks stay as they are; no rewrite needs a newer Python than allowed."""
    for finding in findings:
        if finding.line in context.guards:
            finding.leave("inside a compatibility fallback for old Pythons: left alone", compat=True)
        elif finding.fixes and finding.needs > min_python:
            needs = ".".join(map(str, finding.needs))
            finding.leave(f"the rewrite needs Python {needs}; --min-python is {'.'.join(map(str, min_python))}")


def analyze(
    text: str, rules: Iterable, facts: TreeFacts | None = None, path: str | None = None
) -> tuple[Context, list[Finding]]:
    """Findings of ``rules`` (modules with ``find(ctx)``) in ``text``; raises ParseFailure.

    ``facts`` are what the other files being processed say (tree.py); ``path`` is this file's.
    """
    rules = list(rules)
    context = Context(text, parse(text), facts, path, rules)
    findings = [finding for rule in rules for finding in rule.find(context)]
    if findings:
        _leave_what_must_stay(context, findings, facts.min_python if facts is not None else DEFAULT_MIN_PYTHON)
    if "noqa" in text.lower():
        lines = text.split("\n")
        findings = [finding for finding in findings if not _suppressed(lines, finding)]
    findings.sort(key=lambda f: (f.line, f.col, f.code))
    return context, findings


def apply(context: Context, findings: list[Finding], aggressive: bool) -> tuple[str, list[Finding]]:
    """Apply the fixes of ``findings``; returns the new text and the findings fixed."""
    wanted = [f for f in findings if f.fixes and (aggressive or not f.aggressive)]
    groups = _groups(context, wanted)
    if groups is not None:
        pieces = []
        done: set[int] = set()
        for start, end, first_line, group in groups:
            piece = context.text[start:end]
            if not group:
                pieces.append(piece)  # nothing to change here: not even tokenized
                continue
            try:
                tokens = piece_tokens(piece, first_line)
            except Exception:  # noqa: BLE001 - tokenize's errors vary by version: do it whole
                break
            new_piece, fixed = _edit(tokens, group)
            pieces.append(new_piece)
            done.update(id(finding) for finding in fixed)
        else:
            return "".join(pieces), [finding for finding in wanted if id(finding) in done]
    return _edit(context.tokens(), wanted)


def piece_tokens(piece: str, first_line: int) -> list[Token]:
    """tokenize-rt's tokens of ``piece``, the text from line ``first_line`` of a text up to a
    later cut (chunks.cut_lines), numbered as the whole text's lines: the whole text's tokens
    there, but for the empty DEDENT tokens the whole text has on the first line and the
    empty DEDENT and ENDMARKER tokens the piece ends with (tests/fixer/test_pieces.py)."""
    from tokenize_rt import Token, src_to_tokens

    tokens = src_to_tokens(piece)
    if first_line > 1:  # the lines of the whole text: edits compare them with ast positions
        shift = first_line - 1
        tokens = [Token(t.name, t.src, t.line and t.line + shift, t.utf8_byte_offset) for t in tokens]
    if tokens and tokens[0].name == "INDENT":  # a piece that starts in a class body (chunks.cut_lines)
        # the whole text's token for that whitespace: no INDENT there (the body's first
        # statement made it), the same indentation stack from there on
        tokens[0] = Token("UNIMPORTANT_WS", tokens[0].src, tokens[0].line, tokens[0].utf8_byte_offset)
    return tokens


# Bytes: apply() tokenizes a text in runs of defs and classes (chunks.cut_lines) of at least
# this size, and only the runs with edits. tokenize-rt is pure Python (so is tokenize up to
# 3.11), and a file with a rewrite or two was tokenized whole: a tenth of `fix`'s CPU on 2.7's
# Lib (its 8 rewritten files, 5-90 KB). A run costs its tokenizer's start and nothing else,
# so runs are small: with runs of 4 KB and cuts only between top-level defs and classes, fix
# tokenized 72 KB of CPython 3.13's Lib and 89 KB of 2.7's, where a large class or test case
# with one edit was a run of its own; with methods cut apart and runs from 256 bytes, 6 KB and
# 31 KB (tokenize-rt on 3.11: about 4,500 instructions a byte).
EDIT_PIECE = 256


def _groups(context: Context, wanted: list[Finding]) -> list[tuple[int, int, int, list[Finding]]] | None:
    """A text in runs of statements, each with the findings whose edits are in it: (start
    offset, end offset, first line, findings). None: edit the text whole.

    Tokenizing a piece at a time, and only the pieces that have edits, is what made `fix` on a
    large file cheaper than tokenizing it all. A cut is only ever made between two defs or
    classes of the module or of a top-level class's body (chunks.cut_lines), where the tokens
    on both sides are those of the whole text (but for the empty DEDENT and ENDMARKER tokens
    at a piece's ends, which no edit reads), and never between the edits of one finding.
    """
    lines = context.cut_lines
    if not lines or not wanted:
        return None
    forbidden = set()
    for finding in wanted:
        low, high = min(fix.line for fix in finding.fixes), max(fix.line for fix in finding.fixes)
        if low < high:
            forbidden.update(lines[bisect.bisect_right(lines, low) : bisect.bisect_right(lines, high)])
    text = context.text
    cuts = [(0, 1)]  # (offset, line)
    offset, line = 0, 1
    for cut in lines:
        while line < cut:  # the offset of line ``cut``: one find per line, no list of every line
            offset = text.index("\n", offset) + 1
            line += 1
        if cut not in forbidden and offset - cuts[-1][0] >= EDIT_PIECE:
            cuts.append((offset, line))
    if len(cuts) == 1:
        return None
    firsts = [first for _, first in cuts]
    grouped: list[list[Finding]] = [[] for _ in cuts]
    for finding in wanted:
        grouped[bisect.bisect_right(firsts, finding.fixes[0].line) - 1].append(finding)
    ends = [offset for offset, _ in cuts[1:]] + [len(text)]
    return [(start, end, first, group) for (start, first), end, group in zip(cuts, ends, grouped)]


def _edit(tokens: list[Token], wanted: list[Finding]) -> tuple[str, list[Finding]]:
    """Apply the fixes of ``wanted`` to ``tokens``; the new text and the findings fixed."""
    from tokenize_rt import tokens_to_src

    starts = {(fix.line, fix.col) for finding in wanted for fix in finding.fixes}
    tokens = Journal(tokens)
    index = {}  # only the positions some fix starts at: a map of every token costs ~100 B each
    for i, token in enumerate(tokens):
        if token.src and token.name != "UNIMPORTANT_WS":
            position = (token.line, token.utf8_byte_offset)
            if position in starts:
                index.setdefault(position, i)
    planned = []
    for finding in wanted:
        try:
            edits = [(index[(fix.line, fix.col)], fix.edit) for fix in finding.fixes]
        except KeyError:  # a position that is not a token start: do not guess
            continue
        planned.append((finding, edits))
    # Edits only touch tokens at or after their own start, so applying them from the
    # end backwards keeps every earlier index valid.
    order = sorted(
        ((i, edit, finding) for finding, edits in planned for i, edit in edits),
        key=lambda item: item[0],
        reverse=True,
    )
    done_at = set()
    failed = set()
    for i, edit, finding in order:
        if i in done_at or id(finding) in failed:
            continue
        tokens.begin()
        try:
            edit(tokens, i)
        except SkipFix:
            tokens.roll_back()
            failed.add(id(finding))
            continue
        done_at.add(i)
    fixed = [finding for finding, _ in planned if id(finding) not in failed]
    return tokens_to_src(tokens), fixed


class Journal(list):
    """The token list, keeping what the current edit overwrote so a skipped fix can be undone.

    Copying the whole list before every edit made fixing quadratic (tens of thousands
    of edits on a large file, each copying every token). Edits replace tokens in
    place; anything that changes the list's length is rare and undone from a copy.
    """

    def __init__(self, tokens: Iterable[Token]) -> None:
        super().__init__(tokens)
        self._undo: list[tuple[int, Token]] | None = None  # None: not inside an edit
        self._copy: list[Token] | None = None

    def begin(self) -> None:
        self._undo = []
        self._copy = None

    def __setitem__(self, key, value) -> None:
        if isinstance(key, slice):
            self._keep_copy()
        elif self._undo is not None:
            self._undo.append((key, self[key]))
        super().__setitem__(key, value)

    def _keep_copy(self) -> None:
        """Before the first change of length: a copy of the list as it was when the edit began."""
        if self._copy is None and self._undo is not None:
            self._copy = list(self)
            for key, old in reversed(self._undo):  # indices still hold: the length has not changed yet
                self._copy[key] = old
            self._undo = []

    def roll_back(self) -> None:
        if self._copy is not None:
            super().__setitem__(slice(None), self._copy)
        else:
            for key, old in reversed(self._undo):
                super().__setitem__(key, old)
        self.begin()


def _journaled(method):
    def journaled(self: Journal, *args, **kwargs):
        self._keep_copy()
        return method(self, *args, **kwargs)

    journaled.__name__ = method.__name__
    return journaled


# What changes the list's length (or order): undone from a copy taken first.
for _name in ("__delitem__", "__iadd__", "append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse"):
    setattr(Journal, _name, _journaled(getattr(list, _name)))
del _name


class FixBroke(ThreadportError):
    """A fix produced text that no longer parses: a bug, and the file must not be written."""


def fix_text(
    text: str, rules: list, aggressive: bool = False, facts: TreeFacts | None = None, path: str | None = None
) -> tuple[str, list[Finding], list[Finding]]:
    """Rewrite ``text``; returns (new text, findings fixed, findings left). Raises ParseFailure."""
    context, findings = analyze(text, rules, facts, path)
    return fix_analyzed(text, context, findings, rules, aggressive, facts, path)


def fix_analyzed(
    text: str,
    context: Context,
    findings: list[Finding],
    rules: list,
    aggressive: bool = False,
    facts: TreeFacts | None = None,
    path: str | None = None,
) -> tuple[str, list[Finding], list[Finding]]:
    """fix_text from ``analyze(text, rules, facts, path)``'s answer, made already (`fix` over
    a tree rewrites in the pass that checks it: files.py). Takes over ``context``."""
    all_fixed: list[Finding] = []
    python2 = context.parsed.python2
    for _ in range(3):  # a fix can expose another (nested shapes); settle in a few passes
        if not any(f.fixes and (aggressive or not f.aggressive) for f in findings):
            break
        context.forget_tree()
        new_text, fixed = apply(context, findings, aggressive)
        if new_text == text:
            break
        for finding in fixed:
            finding.fixes = []  # applied; their closures hold the old tree alive
        context = findings = None  # type: ignore[assignment] # free the old tree and tokens first
        try:
            context, findings = analyze(new_text, rules, facts, path)
        except Exception as error:  # noqa: BLE001 - any failure here is our bug, never the user's
            raise FixBroke(f"the rewrite would not parse ({error}); file left unchanged, please report") from None
        if context.parsed.python2 != python2 and python2 is False:
            raise FixBroke("the rewrite turned Python 3 into Python 2; file left unchanged, please report")
        text = new_text
        all_fixed.extend(fixed)
    left = [*findings]
    return text, all_fixed, left
