"""TP012: ``sys.setcheckinterval(n)`` / ``getcheckinterval()``: gone since Python 3.9. Report only.

``sys.setswitchinterval`` is not a rename: it takes seconds (a float, default 0.005), not
a count of bytecode instructions (2.7's default 100), and the two do not convert; with the
GIL's switching rewritten in 3.2 the old knob meant nothing anyway. A human decides
whether the call can simply go.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from threadport.facts import Fact
from threadport.fixer._imports import is_module
from threadport.fixer.engine import Context, Finding
from threadport.fixer.trigger import Trigger

CODE = "TP012"
SUMMARY = "sys.setcheckinterval / getcheckinterval: removed in 3.9 (report only)"
TRIGGER = Trigger.words(
    "checkinterval", "setcheckinterval", "getcheckinterval", attributes=("setcheckinterval", "getcheckinterval")
)
# Deprecated in 3.2 with the new GIL (r76202), removed in 3.9 (bpo-37392).
FACTS = [
    Fact("sys.setcheckinterval", "warns_from", "3.2", "DeprecationWarning"),
    Fact("sys.setcheckinterval", "removed_in", "3.9"),
    Fact("sys.getcheckinterval", "warns_from", "3.2", "DeprecationWarning"),
    Fact("sys.getcheckinterval", "removed_in", "3.9"),
]
SYS = frozenset({"sys"})


def find(ctx: Context) -> Iterator[Finding]:
    for name in ("setcheckinterval", "getcheckinterval"):
        for site in ctx.sites(name):
            if not is_module(ctx, site.node.value, site.scope, SYS):
                continue
            line, col = ctx.attr_name(site.node)
            what = "sys.setswitchinterval(seconds) is not the same knob" if name.startswith("set") else ""
            yield Finding(
                CODE,
                line,
                col,
                f"sys.{name} was removed in Python 3.9 (change it by hand"
                + (f": {what}, usually the call can go)" if what else ")"),
            )
    for node in ctx.statements(ast.ImportFrom):
        if node.module == "sys" and not node.level:
            for alias in node.names:
                if alias.name in ("setcheckinterval", "getcheckinterval"):
                    line, col = ctx.start(node)
                    yield Finding(CODE, line, col, f"from sys import {alias.name}: removed in Python 3.9 (by hand)")
