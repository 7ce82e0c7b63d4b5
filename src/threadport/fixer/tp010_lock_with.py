"""TP010: ``lock.acquire()`` + ``try: ... finally: lock.release()`` -> ``with lock: ...``.

Only that exact shape is rewritten: a bare ``acquire()`` statement alone on its line,
directly followed by a ``try`` with no ``except``/``else`` whose ``finally`` holds
nothing but ``release()`` of the same receiver. Both forms release the lock on the
way out, however the block is left. Other shapes around a release in ``finally``
(acquire inside the try, handlers, more cleanup) are reported for a human to judge.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from threadport.fixer import tokens as tk
from threadport.fixer.engine import Context, Finding, Fix
from threadport.fixer.receivers import CONDITION, LOCK
from threadport.fixer.trigger import Trigger

TYPE_CHECKING = False  # typing's, without importing typing: tokenize-rt only where tokens are made (engine.py)
if TYPE_CHECKING:
    from tokenize_rt import Token

CODE = "TP010"
SUMMARY = "lock.acquire(); try: ... finally: lock.release() -> with lock: ..."
KINDS = frozenset({LOCK, CONDITION})
# acquire(...) directly before ``try:`` (blank and comment lines between), or first in it;
# with arguments too (a non-blocking or timed acquire is reported with why `with` cannot do it).
_ACQUIRE_BEFORE_TRY = rb"acquire\s*\([^)\r\n]*\)[ \t]*(?:#[^\r\n]*)?\r?\n(?:[ \t]*(?:#[^\r\n]*)?\r?\n)*[ \t]*try[ \t]*:"
_ACQUIRE_IN_TRY = rb"try[ \t]*:[ \t]*(?:#[^\r\n]*)?\r?\n(?:[ \t]*(?:#[^\r\n]*)?\r?\n)*[ \t]*[\w.]+\.acquire\s*\("
TRIGGER = Trigger(b"acquire", (_ACQUIRE_BEFORE_TRY, _ACQUIRE_IN_TRY))  # the pairs are always collected


def _simple_receiver(node: ast.expr) -> bool:
    """A name or a chain of attributes on a name: evaluating it twice is harmless."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


def _method_call(statement: ast.stmt | None, method: str) -> ast.expr | None:
    """The receiver of ``receiver.method()`` when ``statement`` is exactly that."""
    if not isinstance(statement, ast.Expr) or not isinstance(statement.value, ast.Call):
        return None
    call = statement.value
    if call.args or call.keywords or not isinstance(call.func, ast.Attribute) or call.func.attr != method:
        return None
    return call.func.value


def _same(a: ast.expr, b: ast.expr) -> bool:
    return ast.dump(a) == ast.dump(b)


def _head_edit(tokens: list[Token], i: int) -> None:
    """From the acquire statement's first token to the ``try`` colon -> ``with R:``."""
    acquire = i
    while not (tokens[acquire].name == "NAME" and tokens[acquire].src == "acquire"):
        acquire += 1
    dot = tk.previous_code(tokens, acquire)
    receiver = tk.source(tokens, i, dot - 1).strip()
    before = tk.previous_code(tokens, i)
    if before >= 0 and tokens[before].name not in ("NEWLINE", "NL"):
        raise tk.SkipFix("acquire() is not first on its line")
    close = tk.matching_close(tokens, tk.next_code(tokens, acquire))
    newline = tk.next_code(tokens, close)
    if tokens[newline].name != "NEWLINE":
        raise tk.SkipFix("acquire() shares its line")
    try_ = tk.next_code(tokens, newline)
    colon = tk.next_code(tokens, try_)
    if tokens[try_].src != "try" or tokens[colon].src != ":":
        raise tk.SkipFix("try does not follow")
    comments = [t.src for t in tokens[i : colon + 1] if t.name == "COMMENT"]
    tk.blank(tokens, i + 1, colon)
    tk.replace(tokens, i, f"with {receiver}:" + "".join(f"  {c}" for c in comments))


def _tail_edit(tokens: list[Token], i: int) -> None:
    """From the start of the ``finally`` line through the release statement's newline.

    Keyed at the release statement (ast knows where it is, not where ``finally`` is),
    it reaches back to the keyword; edits only replace token text, never the number
    of tokens, so no other edit's index moves.
    """
    colon = i - 1
    while colon >= 0 and (tokens[colon].name in tk.NON_CODE or tokens[colon].name == "NEWLINE"):
        colon -= 1
    keyword = tk.previous_code(tokens, colon)
    if tokens[colon].src != ":" or tokens[keyword].src != "finally":
        raise tk.SkipFix("finally not found")
    start = keyword
    while start > 0 and tokens[start - 1].name in ("UNIMPORTANT_WS", "DEDENT"):
        start -= 1
    if start > 0 and tokens[start - 1].name not in ("NEWLINE", "NL"):
        raise tk.SkipFix("finally is not first on its line")
    j = i
    while tokens[j].name != "NAME" or tokens[j].src != "release":
        j += 1
    close = tk.matching_close(tokens, tk.next_code(tokens, j))
    newline = tk.next_code(tokens, close)
    if tokens[newline].name != "NEWLINE" or tk.has_comment(tokens, keyword, newline):
        raise tk.SkipFix("comments or more code around release()")
    tk.blank(tokens, start, newline)


def _conditional_acquire(statement: ast.stmt | None) -> tuple[ast.expr, str] | None:
    """``ok = lock.acquire(False)`` / ``lock.acquire(timeout=5)`` / ``if lock.acquire(0):``:
    the receiver and what makes the acquire conditional."""
    call = None
    if isinstance(statement, (ast.Expr, ast.Assign)) and isinstance(statement.value, ast.Call):
        call = statement.value
    elif isinstance(statement, ast.If) and isinstance(statement.test, ast.Call):
        call = statement.test
    if call is None or not isinstance(call.func, ast.Attribute) or call.func.attr != "acquire":
        return None
    if not (call.args or call.keywords):
        return None
    words = [ast.unparse(a) for a in call.args] + [f"{k.arg}={ast.unparse(k.value)}" for k in call.keywords]
    return call.func.value, ", ".join(words)


_CONDITIONAL = (
    "{name}.acquire({args}) may not acquire the lock (non-blocking or timed): `with {name}:` always"
    " blocks, so it cannot express this; keep the try/finally, and release only when the acquire"
    " returned True"
)


def find(ctx: Context) -> Iterator[Finding]:
    receivers = ctx.receivers
    for pair in ctx.collected.pairs:
        node = pair.second
        released = [s for s in node.finalbody if _method_call(s, "release") is not None]
        if not released:
            continue
        before = _method_call(pair.first, "acquire")
        inside = _method_call(node.body[0], "acquire") if node.body else None
        acquired = before if before is not None else inside
        if acquired is None:
            conditional = _conditional_acquire(pair.first) or (
                _conditional_acquire(node.body[0]) if node.body else None
            )
            if conditional is not None and any(_same(_method_call(s, "release"), conditional[0]) for s in released):
                receiver, args = conditional
                kind = receivers.kind_of(receiver, pair.scope)
                if kind is not None and kind.what == "object" and kind.name in KINDS:
                    statement = pair.first if _conditional_acquire(pair.first) else node.body[0]
                    line, col = ctx.start(statement)
                    name = ast.unparse(receiver)
                    yield Finding(CODE, line, col, _CONDITIONAL.format(name=name, args=args) + " (by hand)")
            continue
        if not any(_same(_method_call(s, "release"), acquired) for s in released):
            continue
        kind = receivers.kind_of(acquired, pair.scope)
        certain = kind is not None and kind.what == "object" and kind.name in KINDS
        if kind is not None and kind.what in ("self", "instance") and receivers.threading_base(kind.cls) == CONDITION:
            certain = not receivers.defines(kind.cls, "acquire") and not receivers.defines(kind.cls, "release")
        statement = pair.first if before is not None else node.body[0]
        line, col = ctx.start(statement)
        exact = (
            before is not None
            and not node.handlers
            and not node.orelse
            and len(node.finalbody) == 1
            and _simple_receiver(acquired)
        )
        name = ast.unparse(acquired)
        if not certain:
            yield Finding(
                CODE,
                line,
                col,
                f"{name}.acquire() + try/finally release -> with {name}: if it is a threading lock",
                possible=True,
            )
        elif exact:
            fixes = [
                Fix(line, col, _head_edit),
                Fix(*ctx.start(node.finalbody[0]), _tail_edit),
            ]
            yield Finding(
                CODE, line, col, f"{name}.acquire() + try/finally: {name}.release() -> with {name}:", fixes=fixes
            )
        else:
            shape = (
                "acquire() inside the try: if it raised, finally would release a lock never taken; `with` avoids that"
                if before is None
                else "the try has more than release() in finally, or except/else"
            )
            yield Finding(CODE, line, col, f"{name}: manual acquire/release ({shape}): consider `with {name}:` by hand")
