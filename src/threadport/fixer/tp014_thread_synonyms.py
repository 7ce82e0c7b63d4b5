"""TP014: the low-level thread module's obsolete synonyms -> their documented names.

``thread.start_new`` / ``_thread.start_new`` -> ``start_new_thread``, ``allocate`` ->
``allocate_lock``, ``exit_thread`` -> ``exit``. Never documented in Python 3 (2.7's docs
call them obsolete synonyms); every interpreter here still has them (the ledger probes
them), but a reader or a type checker does not know them. The documented names exist on
2.7 too, so the rename works in both.
"""

from __future__ import annotations

from collections.abc import Iterator

from threadport.facts import Fact
from threadport.fixer._imports import is_module
from threadport.fixer._methods import _rename
from threadport.fixer.engine import Context, Finding, Fix
from threadport.fixer.trigger import Attribute, Trigger

CODE = "TP014"
SUMMARY = "_thread.start_new / allocate / exit_thread -> start_new_thread / allocate_lock / exit"
SYNONYMS = {"start_new": "start_new_thread", "allocate": "allocate_lock", "exit_thread": "exit"}
# Any ``thread.allocate`` site, called or not (``f = thread.allocate`` is reported too).
TRIGGER = Trigger(b"thread", tuple(Attribute(old) for old in SYNONYMS), frozenset(SYNONYMS))
# They exist, without a warning, on every interpreter the ledger probes (2.7, 3.6-3.13).
FACTS = [Fact(f"_thread.{old}", "exists_from", "2.7") for old in SYNONYMS]
MODULES = frozenset({"thread", "_thread"})


def find(ctx: Context) -> Iterator[Finding]:
    for old, new in SYNONYMS.items():
        for site in ctx.sites(old):
            if not is_module(ctx, site.node.value, site.scope, MODULES):
                continue
            line, col = ctx.attr_name(site.node)
            yield Finding(
                CODE,
                line,
                col,
                f"{old} -> {new} (an obsolete, undocumented synonym)",
                fixes=[Fix(line, col, _rename(new))],
            )
