"""TP010: ``lock.acquire()`` + ``try: ... finally: lock.release()`` -> ``with lock: ...``.

Rewritten only when ``with`` does exactly what the code does: bare ``acquire()``
statements, each alone on its line, directly before the ``try`` or first in it (nothing
else in the try before them), a ``try`` with no ``except``/``else``, and a ``finally``
holding nothing but the ``release()`` calls of the same locks in reverse order. Shapes:

- ``a.acquire()`` then ``try:`` -> ``with a:``;
- ``try:`` with ``a.acquire()`` first -> ``with a:`` (better: if the acquire had failed,
  ``finally`` released a lock never taken);
- two locks, flat (``a.acquire(); b.acquire(); try: ... finally: b.release(); a.release()``)
  -> ``with a, b:``, which needs 2.7 (reported only below ``--min-python 2.7``);
- two locks, nested (``a.acquire(); try: b.acquire(); try: ... finally: b.release()
  finally: a.release()``) -> ``with a, b:`` from 2.7, nested ``with a:`` / ``with b:`` below.

A non-blocking or timed acquire (``acquire(False)``, ``acquire(0)``,
``acquire(blocking=False)``, ``acquire(timeout=...)``) is reported with why ``with``
cannot express it; other shapes around a release in ``finally`` (handlers, more
cleanup, another lock) are reported for a human to judge.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from threadport.fixer._lock_edits import Plan, edit
from threadport.fixer.engine import Context, Finding, Fix, Journal
from threadport.fixer.receivers import CONDITION, LOCK
from threadport.fixer.tokens import SkipFix
from threadport.fixer.trigger import CALL, NO_ARGUMENTS, Attribute, InFinally, InOrder, Trigger
from threadport.records import Record

CODE = "TP010"
SUMMARY = "lock.acquire(); try: ... finally: lock.release() -> with lock: ..."
KINDS = frozenset({LOCK, CONDITION})
# ``with a, b:`` (several items in one with statement) came in 2.7 (trunk r72924, May 2009,
# after 2.6 shipped; 2.6's Grammar/Grammar reads ``with_stmt: 'with' test [ with_var ] ':'
# suite``). Nested ``with a:`` / ``with b:`` run on 2.6 and are written below that.
MULTIPLE_ITEMS = (2, 7)
# Every finding needs ``x.acquire(`` (a call before the try or first in it), then
# ``finally`` and ``x.release()`` in it, in that order. Only the words are required, not
# their layout: a layout regex (acquire on its own line, try on the next) missed
# ``l.acquire();``, ``try: l.acquire()`` and arguments over several lines, all reported.
# The release() must be inside the finally block (a statement of it: trigger.InFinally): a
# release() anywhere after any finally let importlib/_bootstrap.py through (no finding, 57 KB).
TRIGGER = Trigger(
    b"acquire",
    (InOrder((Attribute("acquire", CALL), InFinally(Attribute("release", NO_ARGUMENTS)))),),
)


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


def _conditional_acquire(statement: ast.stmt | None) -> tuple[ast.expr, str] | None:
    """``ok = lock.acquire(False)`` / ``lock.acquire(timeout=5)`` / ``if lock.acquire(0):``:
    the receiver and what makes the acquire conditional."""
    call = None
    if isinstance(statement, (ast.Expr, ast.Assign)) and isinstance(statement.value, ast.Call):
        call = statement.value
    elif isinstance(statement, ast.If):
        test = statement.test
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            test = test.operand  # if not lock.acquire(False): return
        call = test if isinstance(test, ast.Call) else None
    if call is None or not isinstance(call.func, ast.Attribute) or call.func.attr != "acquire":
        return None
    if not (call.args or call.keywords) or _blocking_acquire(ast.Expr(call)) is not None:
        return None  # acquire(True) blocks like acquire(): not conditional
    words = [ast.unparse(a) for a in call.args] + [f"{k.arg}={ast.unparse(k.value)}" for k in call.keywords]
    return call.func.value, ", ".join(words)


_CONDITIONAL = (
    "{name}.acquire({args}) may not acquire the lock (non-blocking or timed): `with {name}:` always"
    " blocks, so it cannot express this; keep the try/finally, and release only when the acquire"
    " returned True"
)


class Shape(Record):
    """Locks taken by bare acquire() statements and released by a ``finally`` holding only
    their release() calls, in reverse order: what ``with a[, b]:`` does exactly."""

    __slots__ = ("locks", "before", "inside", "try_")

    def __init__(self, locks: list[ast.expr], before: list[ast.stmt], inside: list[ast.stmt], try_: ast.Try) -> None:
        self.locks = locks  # in acquire order
        self.before = before  # the acquire statements right before the try
        self.inside = inside  # the acquire statements first in the try
        self.try_ = try_

    @property
    def body(self) -> list[ast.stmt]:
        return self.try_.body[len(self.inside) :]


def _blocking_acquire(statement: ast.stmt | None) -> ast.expr | None:
    """The receiver of ``r.acquire()`` (or ``acquire(True)``/``acquire(1)``/``acquire(blocking=True)``,
    which block just the same) when ``statement`` is exactly that."""
    if not isinstance(statement, ast.Expr) or not isinstance(statement.value, ast.Call):
        return None
    call = statement.value
    if not isinstance(call.func, ast.Attribute) or call.func.attr != "acquire":
        return None
    values = [*call.args, *(k.value for k in call.keywords if k.arg == "blocking")]
    if len(values) != len(call.args) + len(call.keywords) or len(values) > 1:
        return None
    if values and not (isinstance(values[0], ast.Constant) and values[0].value in (True, 1)):
        return None
    return call.func.value


def _shape(try_: ast.Try, before: list[ast.stmt]) -> Shape | None:
    """The exact shape around ``try_`` (``before``: the statements before it, nearest last)."""
    if try_.handlers or try_.orelse or not 1 <= len(try_.finalbody) <= 2:
        return None
    released = [_method_call(s, "release") for s in try_.finalbody]
    if any(r is None or not _simple_receiver(r) for r in released):
        return None
    locks = released[::-1]
    if len(locks) == 2 and _same(*locks):
        return None
    for outside in range(len(locks), -1, -1):  # how many acquires come before the try
        pre = before[len(before) - outside :] if outside else []
        inside = try_.body[: len(locks) - outside]
        acquired = [_blocking_acquire(s) for s in [*pre, *inside]]
        if len(pre) == outside and len(inside) == len(locks) - outside and all(a is not None for a in acquired):
            if all(_same(a, b) for a, b in zip(acquired, locks)) and len(try_.body) > len(inside):
                return Shape(locks, pre, inside, try_)
    return None


def _span(shape: Shape) -> tuple[int, int]:
    """The lines of the shape: its first acquire (or the try) through the end of the try."""
    return (shape.before or [shape.try_])[0].lineno, shape.try_.end_lineno


def _nested(shape: Shape, by_try: dict[int, Shape]) -> Shape | None:
    """``a.acquire(); try: [b.acquire()]; try: ... finally: b.release() finally: a.release()``:
    the inner shape when the outer block holds nothing else (-> ``with a, b:``)."""
    if len(shape.locks) != 1 or not isinstance(shape.body[-1], ast.Try) or len(shape.body) > 2:
        return None
    inner = by_try.get(id(shape.body[-1]))
    if inner is None or len(inner.locks) != 1 or _same(inner.locks[0], shape.locks[0]):
        return None
    if len(shape.body) == 2 and inner.before != shape.body[:1]:
        return None  # a statement between the two that is not the inner lock's acquire
    return inner


def _message(names: list[str]) -> str:
    if len(names) == 1:
        name = names[0]
        return f"{name}.acquire() + try/finally: {name}.release() -> with {name}:"
    acquires = " + ".join(f"{n}.acquire()" for n in names)
    return f"{acquires} + try/finally releasing both -> with {', '.join(names)}:"


def _certain(ctx: Context, receiver: ast.expr, scope) -> bool:
    receivers = ctx.receivers
    kind = receivers.kind_of(receiver, scope)
    certain = kind is not None and kind.what == "object" and kind.name in KINDS
    if kind is not None and kind.what in ("self", "instance") and receivers.threading_base(kind.cls) == CONDITION:
        certain = not receivers.defines(kind.cls, "acquire") and not receivers.defines(kind.cls, "release")
    return certain


def find(ctx: Context) -> Iterator[Finding]:
    shapes = {}
    scopes = {}
    for pair in ctx.collected.pairs:
        scopes[id(pair.second)] = pair.scope
        shape = _shape(pair.second, [s for s in (pair.earlier, pair.first) if s is not None])
        if shape is not None:
            shapes[id(pair.second)] = shape
    single = {key: _rewrite(ctx, shape, None, scopes[key]) for key, shape in shapes.items()}
    pairs = {}  # outer try -> `with a, b:` over it and its inner try
    if ctx.min_python >= MULTIPLE_ITEMS:  # below, nested `with a:` / `with b:`: each try its own finding
        for key, shape in shapes.items():
            inner = _nested(shape, shapes)
            if inner is not None and all(_certain(ctx, r, scopes[key]) for r in [*shape.locks, *inner.locks]):
                pairs[key] = (_rewrite(ctx, shape, inner, scopes[key]), id(inner.try_))
    trial = _Trial(ctx)
    merged = {}
    absorbed = set()  # the inner trys merged into their outer one
    # Outer before inner (the walk's order): a, b, c -> `with a, b:` + `with c:`.
    for key, (finding, inner) in pairs.items():
        if key not in absorbed and trial.why_not(finding, _span(shapes[key])) is None:
            merged[key] = finding
            absorbed.add(inner)
    for pair in ctx.collected.pairs:
        key = id(pair.second)
        if key in absorbed:
            continue
        if key in merged:
            yield merged[key]
        elif key in single:
            finding = single[key]
            why = trial.why_not(finding, _span(shapes[key])) if finding.fixes else None
            if why is not None:
                finding.leave(f"by hand: {why}")
            yield finding
        else:
            yield from _by_hand(ctx, pair)
    yield from _conditional_ifs(ctx)


class _Trial:
    """Each rewrite tried at check time on the tokens of its own lines: what the token edit
    refuses (a statement sharing its line, a comment beside release()...) is reported by
    hand with why, so check never calls fixable what fix then leaves. Only the lines of
    the shape are tokenized (all of a large file's tokens beside its tree cost much memory)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def why_not(self, finding: Finding, span: tuple[int, int]) -> str | None:
        import tokenize  # here: only files with a shape to rewrite need tokens (start-up)

        from tokenize_rt import src_to_tokens

        first, last = span
        lines = self.ctx.lines[first - 1 : last]
        head = lines[0][: len(lines[0]) - len(lines[0].lstrip(" \t\f"))]
        wrapper = "if 1:\n" if head else ""  # an indented block tokenizes inside a block
        offset = first - 1 - wrapper.count("\n")
        try:
            tokens = [
                token._replace(line=token.line + offset) if token.line is not None else token
                for token in src_to_tokens(wrapper + "\n".join(lines) + "\n")
            ]
        except (SyntaxError, tokenize.TokenError):  # Python 2 tab/space mixes: as fix tokenizes them
            tokens = self.ctx.tokens()
        (fix,) = finding.fixes
        starts = [i for i, t in enumerate(tokens) if (t.line, t.utf8_byte_offset) == (fix.line, fix.col) and t.src]
        if not starts:
            return "the rewrite does not start at a token"
        try:
            fix.edit(Journal(tokens), starts[0])
        except SkipFix as refused:
            return str(refused)
        return None


def _rewrite(ctx: Context, shape: Shape, inner: Shape | None, scope) -> Finding:
    locks = [*shape.locks, *(inner.locks if inner else [])]
    names = [ast.unparse(lock) for lock in locks]
    line, col = ctx.start((shape.before or shape.inside)[0])  # reported at the first acquire
    head = ctx.start(shape.before[0] if shape.before else shape.try_)  # the edit starts here
    if not all(_certain(ctx, lock, scope) for lock in locks):
        unknown = "it is a threading lock" if len(names) == 1 else "they are threading locks"
        return Finding(CODE, line, col, f"{_message(names)} if {unknown}", possible=True)
    plan = Plan(names, before=len(shape.before), try_at=ctx.start(shape.try_))
    plan.drop = [ctx.start(s) for s in shape.inside]
    plan.finals = [(ctx.start(shape.try_.finalbody[0]), len(shape.try_.finalbody))]
    if inner is not None:
        plan.drop += [ctx.start(s) for s in (*inner.before, inner.try_, *inner.inside)]
        plan.finals.insert(0, (ctx.start(inner.try_.finalbody[0]), 1))
        plan.dedent = (ctx.start(inner.try_), ctx.start(inner.try_.body[0]), inner.try_.body[-1].end_lineno)
    message = _message(names)
    if shape.inside and not inner:
        message += " (acquire() was inside the try: had it failed, finally would have released a lock never taken)"
    needs = MULTIPLE_ITEMS if len(locks) > 1 else (2, 6)
    return Finding(CODE, line, col, message, fixes=[Fix(*head, edit(plan))], needs=needs)


def _by_hand(ctx: Context, pair) -> Iterator[Finding]:
    """Shapes that release in ``finally`` but are not exactly ``with``: reported only."""
    node = pair.second
    released = [s for s in node.finalbody if _method_call(s, "release") is not None]
    if not released:
        return
    before = _blocking_acquire(pair.first)
    inside = _blocking_acquire(node.body[0]) if node.body else None
    acquired = before if before is not None else inside
    if acquired is None:
        conditional = _conditional_acquire(pair.first) or (_conditional_acquire(node.body[0]) if node.body else None)
        if conditional is not None and any(_same(_method_call(s, "release"), conditional[0]) for s in released):
            receiver, args = conditional
            if _certain(ctx, receiver, pair.scope):
                statement = pair.first if _conditional_acquire(pair.first) else node.body[0]
                line, col = ctx.start(statement)
                name = ast.unparse(receiver)
                yield Finding(CODE, line, col, _CONDITIONAL.format(name=name, args=args) + " (by hand)")
        return
    if not any(_same(_method_call(s, "release"), acquired) for s in released):
        return
    statement = pair.first if before is not None else node.body[0]
    line, col = ctx.start(statement)
    name = ast.unparse(acquired)
    if not _certain(ctx, acquired, pair.scope):
        message = f"{name}.acquire() + try/finally release -> with {name}: if it is a threading lock"
        yield Finding(CODE, line, col, message, possible=True)
        return
    if before is None:
        shape = "acquire() inside the try: if it raised, finally would release a lock never taken; `with` avoids that"
    else:
        shape = "the try has more than release() in finally, or except/else"
    yield Finding(CODE, line, col, f"{name}: manual acquire/release ({shape}): consider `with {name}:` by hand")


def _conditional_ifs(ctx: Context) -> Iterator[Finding]:
    """``if lock.acquire(False):`` whose block is ``try: ... finally: lock.release()``."""
    for statement in ctx.statements(ast.If):
        conditional = _conditional_acquire(statement)
        if conditional is None or not statement.body or not isinstance(statement.body[0], ast.Try):
            continue
        receiver, args = conditional
        released = [_method_call(s, "release") for s in statement.body[0].finalbody]
        if any(r is not None and _same(r, receiver) for r in released):
            scope = next((p.scope for p in ctx.collected.pairs if p.second is statement.body[0]), None)
            if scope is not None and _certain(ctx, receiver, scope):
                line, col = ctx.start(statement)
                name = ast.unparse(receiver)
                yield Finding(CODE, line, col, _CONDITIONAL.format(name=name, args=args) + " (by hand)")
