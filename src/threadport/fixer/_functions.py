"""Shared logic of the module-function rules (TP002, TP003).

``threading.currentThread`` through any alias of the module, and
``from threading import currentThread [as ct]``: the import is renamed, and when it
was not aliased, every use of the name too, provided nothing else in the module
binds that name (then renaming cannot reach a different object).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from threadport.fixer import tokens as tk
from threadport.fixer.engine import Context, Finding, Fix
from threadport.fixer.receivers import MODULE, Kind
from threadport.fixer.scopes import THREADING_MODULES, Scope
from threadport.fixer.trigger import Trigger
from threadport.records import Record

TYPE_CHECKING = False  # typing's, without importing typing: tokenize-rt only where tokens are made (engine.py)
if TYPE_CHECKING:
    from tokenize_rt import Token


def _all_scopes(module: Scope) -> Iterator[Scope]:
    stack = [module]
    while stack:
        scope = stack.pop()
        yield scope
        stack.extend(getattr(scope, "children", ()))


def _rename(new: str):
    def edit(tokens: list[Token], i: int) -> None:
        tk.replace(tokens, i, new)

    return edit


def _rename_in_import(old: str, new: str):
    """Edit starting at ``from``: rename the first imported name ``old`` after ``import``."""

    def edit(tokens: list[Token], i: int) -> None:
        j = i
        while tokens[j].src != "import":
            j += 1
        while j < len(tokens) and tokens[j].name != "NEWLINE":
            if tokens[j].name == "NAME" and tokens[j].src == old:
                tk.replace(tokens, j, new)
                return
            j += 1
        raise tk.SkipFix("imported name not found")

    return edit


class ModuleFunction(Record, frozen=True):
    __slots__ = ("code", "old", "new")

    def __init__(self, code: str, old: str, new: str) -> None:
        self.code = code
        self.old = old
        self.new = new

    @property
    def trigger(self) -> Trigger:
        return Trigger.attribute(self.old, name=True)

    def renameable(self, ctx: Context) -> bool:
        """Every binding of ``old`` in the module is the one ``from threading import``."""
        module = ctx.collected.module
        for scope in _all_scopes(module):
            if scope is not module and self.old in scope.bindings:
                return False
        if len(module.bindings.get(self.old, ())) > 1:
            return False
        # a use or the import inside a compatibility fallback stays: renaming the rest would
        # leave it calling a name that is no longer imported (or import one no longer used)
        lines = [site.node.lineno for site in ctx.collected.names if site.node.id == self.old]
        lines += [
            site.node.lineno for site in ctx.collected.imports if any(a.name == self.old for a in site.node.names)
        ]
        if any(line in ctx.guards for line in lines):
            return False
        # a string naming it (``__all__``, getattr) would be left behind by a rename
        return f"'{self.old}'" not in ctx.text and f'"{self.old}"' not in ctx.text

    def find(self, ctx: Context) -> Iterator[Finding]:
        message = f"{self.old} -> {self.new} (deprecated alias since Python 3.10)"
        receivers = ctx.receivers
        for site in ctx.sites(self.old):
            owner = receivers.kind_of(site.node.value, site.scope)
            line, col = ctx.attr_name(site.node)
            if owner == MODULE or (  # threading, or a module of the tree re-exporting its ``old``
                owner is not None
                and owner.what == "module"
                and receivers.kind_of(site.node, site.scope) == Kind("member", self.old)
            ):
                yield Finding(self.code, line, col, message, fixes=[Fix(line, col, _rename(self.new))])
            elif owner is None:
                yield Finding(self.code, line, col, message + " if this is the threading module", possible=True)
        renameable = None
        for name_site in ctx.collected.names:
            if name_site.node.id != self.old:
                continue
            kind = receivers.kind_of_name(self.old, name_site.scope)
            if kind != Kind("member", self.old):
                continue
            bound = receivers.bindings(self.old, name_site.scope) or []
            if not all(binding.how == "from" and binding.value[0] in THREADING_MODULES for binding in bound):
                # ``currentThread = threading.currentThread``: the name is the module's own
                # variable; its value is renamed at the attribute, the name stays as it is.
                # ``from Pyro4.threadutil import currentThread``: that import is not renamed
                # (TP002 renames threading's own), so neither are its uses
                continue
            if renameable is None:
                renameable = self.renameable(ctx)
            line, col = ctx.start(name_site.node)
            if renameable:
                yield Finding(self.code, line, col, message, fixes=[Fix(line, col, _rename(self.new))])
            else:
                yield Finding(
                    self.code, line, col, message + " (the name is rebound or named in a string: rename by hand)"
                )
        for import_site in ctx.collected.imports:
            node: ast.ImportFrom = import_site.node
            for alias in node.names:
                if alias.name != self.old:
                    continue
                line, col = ctx.start(alias if hasattr(alias, "lineno") else node)
                if alias.asname is None and import_site.scope is not ctx.collected.module:
                    fixable = False  # a local import: its uses are not tracked
                elif alias.asname is None:
                    if renameable is None:
                        renameable = self.renameable(ctx)
                    fixable = renameable
                else:
                    fixable = True
                fixes = [Fix(*ctx.start(node), _rename_in_import(self.old, self.new))] if fixable else []
                yield Finding(
                    self.code,
                    line,
                    col,
                    f"import {message}"
                    + ("" if fixable else " (the name is rebound or named in a string: rename by hand)"),
                    fixes=fixes,
                )
