"""TP015: the value of ``Condition.wait(...)`` used: it was always None on Python 2. Report only.

Python 3.2 made ``Condition.wait()`` return False when the timeout expired (True
otherwise); on 2.7 it returns None whatever happened (the ledger probes both). Code
written for 2.x either ignores the value or tests ``is None`` to tell "old Python"
apart; after the migration both read differently, so a human checks each use.
(``Event.wait()`` has returned the flag since 2.7.)
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from threadport.facts import Fact
from threadport.fixer.engine import Context, Finding
from threadport.fixer.receivers import CONDITION
from threadport.fixer.trigger import Trigger, UsedCall

CODE = "TP015"
SUMMARY = "value of Condition.wait(): None on 2.x, True/False on 3.2+ (report only)"
# Only certain receivers are reported, and they need a Condition in the same file (threading's
# Condition or 2.7's _Condition, called or derived from). Any ``x.wait(`` then whose value may be
# used (``print(c.wait(1))``, ``assert c.wait(1)``...): the tree tells; the bytes can only prove
# the common ``self._cond.wait(timeout)`` alone on its line a statement (trigger.statement_call).
TRIGGER = Trigger(
    b"Condition",
    (UsedCall("wait"),),
    frozenset({"wait"}),
    requires=(rb"(?<![A-Za-z0-9])Condition(?!\w)",),  # an underscore may come before: _Condition
)
FACTS = [Fact("Condition.wait() returns a bool", "exists_from", "3.2")]


def find(ctx: Context) -> Iterator[Finding]:
    for site in ctx.sites("wait"):
        if site.call is None or site.statement:
            continue  # the value is not used
        kind = ctx.receivers.kind_of(site.node.value, site.scope)
        if kind is None:
            continue
        is_condition = kind.what == "object" and kind.name == CONDITION
        if kind.what in ("self", "instance"):
            is_condition = ctx.receivers.threading_base(kind.cls) == CONDITION and not ctx.receivers.defines(
                kind.cls, "wait"
            )
        if not is_condition:
            continue
        line, col = ctx.attr_name(site.node)
        name = ast.unparse(site.node.value)
        yield Finding(
            CODE,
            line,
            col,
            f"{name}.wait() returned None on Python 2 and returns True/False since 3.2 (False: the timeout"
            " expired): check how this value is used (by hand)",
        )
