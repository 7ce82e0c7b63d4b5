"""TP013: ``threading.RLock(...)`` with arguments: a DeprecationWarning since Python 3.13,
an error from 3.15 (its message says so). Report only.

RLock() never used its arguments (2.7 took ``*args, **kwargs`` and ignored them), so
dropping them changes nothing; but an argument there usually means the author expected
something (a Lock's ``blocking``?), so a human looks.
"""

from __future__ import annotations

from collections.abc import Iterator

from threadport.facts import Fact
from threadport.fixer.engine import Context, Finding
from threadport.fixer.receivers import Kind
from threadport.fixer.trigger import CALL, GAP, WORD_START, Trigger

CODE = "TP013"
SUMMARY = "threading.RLock(...) with arguments: deprecated in 3.13, an error in 3.15 (report only)"
# A call with an argument: ``RLock``, then (across blanks, line continuations and comments)
# ``(`` and something other than ``)``.
TRIGGER = Trigger(
    b"RLock", (WORD_START + rb"RLock" + CALL + GAP + rb"[^\s)]",), frozenset({"RLock"}), frozenset({"RLock"})
)
FACTS = [Fact("RLock(None) (arguments)", "warns_from", "3.13", "DeprecationWarning")]


def find(ctx: Context) -> Iterator[Finding]:
    receivers = ctx.receivers
    calls = [(site.call, site.node, site.scope) for site in ctx.sites("RLock") if site.call is not None]
    calls += [
        (getattr(site.node, "_threadport_call", None), site.node, site.scope)
        for site in ctx.collected.names
        if site.node.id == "RLock"
    ]
    for call, _node, scope in calls:
        if call is None or not (call.args or call.keywords):
            continue
        if receivers.kind_of(call.func, scope) != Kind("member", "RLock"):
            continue
        line, col = ctx.start(call)
        yield Finding(
            CODE,
            line,
            col,
            "RLock() takes no arguments: it ignored them, warns since Python 3.13 and fails from 3.15"
            " (drop them by hand)",
        )
