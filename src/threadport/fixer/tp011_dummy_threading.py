"""TP011: ``dummy_threading`` -> ``threading`` (the module is gone since Python 3.9).

``import dummy_threading`` becomes ``import threading as dummy_threading`` (its uses keep
their name), ``import dummy_threading as t`` becomes ``import threading as t`` and
``from dummy_threading import X`` becomes ``from threading import X``. Note: the program
then runs real threads, as dummy_threading's fallback did on any Python with threads.
The classic fallback (``try: import threading / except ImportError: import
dummy_threading as threading``) is a compatibility guard and stays (``[compat]``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from threadport.facts import Fact
from threadport.fixer._imports import imports_of, rename_module_in_import
from threadport.fixer.engine import Context, Finding, Fix
from threadport.fixer.trigger import Trigger

CODE = "TP011"
SUMMARY = "dummy_threading -> threading (removed in 3.9)"
TRIGGER = Trigger.words("dummy_threading", "dummy_threading")
FACTS = [Fact("import dummy_threading", "removed_in", "3.9")]
MODULES = frozenset({"dummy_threading"})


def find(ctx: Context) -> Iterator[Finding]:
    for statement, alias in imports_of(ctx, MODULES):
        line, col = ctx.start(statement)
        bare = isinstance(statement, ast.Import) and alias.asname is None
        edit = rename_module_in_import("dummy_threading", "threading", alias_when_bare=bare)
        yield Finding(
            CODE,
            line,
            col,
            "dummy_threading -> threading (dummy_threading was removed in Python 3.9; threads become real)",
            fixes=[Fix(line, col, edit)],
        )
