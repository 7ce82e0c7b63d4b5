"""Shared logic of the method rules: is this receiver the threading object, and the edits.

Three shapes, each a small table in its rule module:
  MethodRename  ``x.isAlive()`` / ``x.isAlive``   -> ``x.is_alive()`` / ``x.is_alive``
  Getter        ``t.getName()``                   -> ``t.name``
  Setter        ``t.setName(v)`` as a statement   -> ``t.name = v``
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from threadport.fixer import tokens as tk
from threadport.fixer.engine import Context, Finding, Fix
from threadport.fixer.scopes import AttributeSite
from threadport.fixer.trigger import Trigger
from threadport.records import Record

TYPE_CHECKING = False  # typing's, without importing typing: tokenize-rt only where tokens are made (engine.py)
if TYPE_CHECKING:
    from tokenize_rt import Token

CERTAIN, POSSIBLE = "certain", "possible"


def classify(ctx: Context, site: AttributeSite, kinds: frozenset[str], old: str, new: str) -> tuple[str | None, bool]:
    """(CERTAIN | POSSIBLE | None for "not ours", receiver-is-the-class) for ``site``."""
    kind = ctx.receivers.kind_of(site.node.value, site.scope)
    if kind is None:  # bound in the statements just before? (``t = Thread(); t.setDaemon(1)``)
        kind = ctx.receivers.kind_from_prior(site.node.value, site.prior, site.scope)
    if kind is None:  # or assigned earlier on every path to it (``event = Event(); while 1: event.isSet()``)
        kind = ctx.receivers.kind_from_dominating(site.node.value, site.scope, site.path)
    if kind is None:
        return POSSIBLE, False
    if kind.what == "object":
        return (CERTAIN if kind.name in kinds else POSSIBLE), False
    if kind.what == "member":  # threading.Thread.isAlive: the class attribute itself
        from threadport.fixer.receivers import BASE_CLASSES

        if BASE_CLASSES.get(kind.name) in kinds:
            return CERTAIN, True
        return None, False
    if kind.what in ("self", "instance", "class"):
        cls = kind.cls
        receivers = ctx.receivers
        if receivers.defines(cls, old):
            return None, False  # the class's own method, not threading's
        if receivers.defines(cls, new):
            return POSSIBLE, False  # overridden replacement: renaming would change behaviour
        base = receivers.threading_base(cls)
        if base in kinds:
            return (CERTAIN, kind.what == "class")
        if base is None and kind.what == "instance" and not receivers.has_unknown_base(cls):
            return None, False  # a local class known not to be a threading one
        return POSSIBLE, False
    return None, False  # a module or something else that is certainly not a threading object


def _rename(new: str):
    def edit(tokens: list[Token], i: int) -> None:
        tk.replace(tokens, i, new)

    return edit


def _call_parentheses(tokens: list[Token], i: int) -> tuple[int, int]:
    """The ``(`` and ``)`` of the call whose attribute name is token ``i``; SkipFix if unsafe."""
    open_ = tk.next_code(tokens, i)
    if tokens[open_].src != "(":
        raise tk.SkipFix("no call parentheses")
    close = tk.matching_close(tokens, open_)
    if tk.has_comment(tokens, i, close):
        raise tk.SkipFix("comment inside the call")
    return open_, close


def comment_inside(ctx: Context, call: ast.Call) -> bool:
    """A comment between the call's parentheses: the edit would drop it, so it is left (and
    check says so, to agree with fix). Decided from the tokens of the call's lines."""
    lines = ctx.lines[call.lineno - 1 : call.end_lineno]
    if not any("#" in line for line in lines):
        return False
    from tokenize_rt import src_to_tokens

    try:
        tokens = src_to_tokens("\n".join(lines) + "\n")
    except Exception:  # noqa: BLE001 - a line that does not tokenize alone: be careful
        return True
    last = call.end_lineno - call.lineno + 1
    return any(
        token.name == "COMMENT" and (token.line < last or token.utf8_byte_offset < call.end_col_offset)
        for token in tokens
    )


def _getter(new: str):
    def edit(tokens: list[Token], i: int) -> None:
        _, close = _call_parentheses(tokens, i)
        tk.replace(tokens, i, new)
        tk.blank(tokens, i + 1, close)

    return edit


def _setter(new: str, keep_parens: bool):
    def edit(tokens: list[Token], i: int) -> None:
        open_, close = _call_parentheses(tokens, i)
        last = tk.previous_code(tokens, close)
        multiline = tokens[open_].line != tokens[close].line
        if tokens[last].src == ",":  # t.setName("x",) must not become a tuple
            tk.replace(tokens, last, "")
        tk.replace(tokens, i, new)
        tk.blank(tokens, i + 1, open_ - 1)
        if keep_parens or multiline:
            tk.replace(tokens, open_, " = (")
        else:
            tk.replace(tokens, open_, " = ")
            first = open_ + 1
            while tokens[first].name == "UNIMPORTANT_WS":
                tk.replace(tokens, first, "")
                first += 1
            tk.blank(tokens, last + 1, close)

    return edit


class MethodRename(Record, frozen=True):
    """A deprecated alias with a same-signature snake_case method: calls and references."""

    __slots__ = ("code", "old", "new", "kinds", "what", "note", "aggressive")

    def __init__(
        self, code: str, old: str, new: str, kinds: frozenset[str], what: str, note: str, aggressive: bool = False
    ) -> None:
        self.code = code
        self.old = old
        self.new = new
        self.kinds = kinds
        self.what = what  # "threading.Thread" etc., for messages
        self.note = note  # why it matters
        self.aggressive = aggressive  # --aggressive may rename unknown receivers' calls

    @property
    def trigger(self) -> Trigger:
        return Trigger.attribute(self.old)

    def find(self, ctx: Context) -> Iterator[Finding]:
        for site in ctx.sites(self.old):
            verdict, _ = classify(ctx, site, self.kinds, self.old, self.new)
            if verdict is None:
                continue
            line, col = ctx.attr_name(site.node)
            fix = [Fix(line, col, _rename(self.new))]
            usage = f"{self.old}()" if site.call is not None else self.old
            replacement = f"{self.new}()" if site.call is not None else self.new
            if verdict == CERTAIN:
                yield Finding(self.code, line, col, f"{usage} -> {replacement} ({self.note})", fixes=fix)
            else:
                # --aggressive renames a call on any receiver, since the threading alias fails
                # anyway; but never when the tree defines that name itself (a test double, a
                # spawn object's own isAlive): then the call may well reach that method.
                defined = ctx.defined(self.old)
                aggressive = self.aggressive and site.call is not None and not defined
                why = f"; {self.old} is defined in this tree, so it is left alone" if defined else ""
                yield Finding(
                    self.code,
                    line,
                    col,
                    f"{usage} -> {replacement} if the receiver is a {self.what} ({self.note}{why})",
                    possible=True,
                    fixes=fix if aggressive else [],
                    aggressive=aggressive,
                )


class _Accessor(Record, frozen=True):
    """What Getter and Setter share: the table fields, the sites, the "possible" findings.

    A subclass says how its message reads and what a certain site becomes.
    """

    __slots__ = ("code", "old", "new", "kinds", "what")

    def __init__(self, code: str, old: str, new: str, kinds: frozenset[str], what: str) -> None:
        self.code = code
        self.old = old
        self.new = new
        self.kinds = kinds
        self.what = what

    @property
    def trigger(self) -> Trigger:
        return Trigger.attribute(self.old)

    def find(self, ctx: Context) -> Iterator[Finding]:
        message = self.message()
        for site in ctx.sites(self.old):
            verdict, class_ref = classify(ctx, site, self.kinds, self.old, self.new)
            if verdict is None:
                continue
            line, col = ctx.attr_name(site.node)
            if verdict == POSSIBLE:
                yield Finding(self.code, line, col, message + f" if the receiver is a {self.what}", possible=True)
            else:
                yield self.certain(ctx, site, class_ref, line, col, message)

    def message(self) -> str:
        raise NotImplementedError

    def certain(self, ctx: Context, site: AttributeSite, class_ref: bool, line: int, col: int, message: str) -> Finding:
        raise NotImplementedError


class Getter(_Accessor):
    """``t.getName()`` -> ``t.name``: a zero-argument call on a known Thread."""

    __slots__ = ()

    def message(self) -> str:
        return f"{self.old}() -> .{self.new} (deprecated since Python 3.10)"

    def certain(self, ctx: Context, site: AttributeSite, class_ref: bool, line: int, col: int, message: str) -> Finding:
        call = site.call
        if call is not None and not call.args and not call.keywords and not class_ref:
            if comment_inside(ctx, call):
                return Finding(self.code, line, col, message + " (a comment inside the call: change it by hand)")
            return Finding(self.code, line, col, message, fixes=[Fix(line, col, _getter(self.new))])
        return Finding(self.code, line, col, message + " (this use has no direct rewrite: change it by hand)")


def _needs_parens(value: ast.expr) -> bool:
    return isinstance(value, (ast.NamedExpr, ast.Yield, ast.YieldFrom))


class Setter(_Accessor):
    """``t.setName(v)`` as a whole statement -> ``t.name = v`` on a known Thread."""

    __slots__ = ()

    def message(self) -> str:
        return f"{self.old}(v) -> .{self.new} = v (deprecated since Python 3.10)"

    def certain(self, ctx: Context, site: AttributeSite, class_ref: bool, line: int, col: int, message: str) -> Finding:
        call = site.call
        simple = (
            call is not None
            and site.statement
            and not class_ref
            and len(call.args) == 1
            and not call.keywords
            and not isinstance(call.args[0], (ast.Starred, ast.GeneratorExp))
        )
        if simple and comment_inside(ctx, call):
            return Finding(self.code, line, col, message + " (a comment inside the call: change it by hand)")
        if simple:
            edit = _setter(self.new, _needs_parens(call.args[0]))
            return Finding(self.code, line, col, message, fixes=[Fix(line, col, edit)])
        return Finding(self.code, line, col, message + " (not a plain statement: change it by hand)")
