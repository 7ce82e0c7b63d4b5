"""Shared by the module rules: where a module is imported, and token edits on import lines."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from threadport.fixer import tokens as tk
from threadport.fixer.engine import Context
from threadport.fixer.scopes import Scope

TYPE_CHECKING = False  # typing's, without importing typing: tokenize-rt only where tokens are made (engine.py)
if TYPE_CHECKING:
    from tokenize_rt import Token


def imports_of(ctx: Context, modules: frozenset[str]) -> Iterator[tuple[ast.stmt, ast.alias]]:
    """``import M [as x]`` and ``from M import ...`` statements for M in ``modules``."""
    for node in ctx.statements(ast.Import, ast.ImportFrom):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in modules:
                    yield node, alias
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module in modules:
            yield node, node.names[0]


def is_module(ctx: Context, node: ast.expr, scope: Scope, modules: frozenset[str]) -> bool:
    """``node`` is a name every binding of which is ``import M`` for M in ``modules``."""
    if not isinstance(node, ast.Name):
        return False
    found = ctx.receivers.bindings(node.id, scope)
    return bool(found) and all(b.how == "import" and b.value in modules for b in found)


def rename_module_in_import(old: str, new: str, alias_when_bare: bool):
    """Edit starting at the statement: the first NAME ``old`` after ``import``/``from``."""

    def edit(tokens: list[Token], i: int) -> None:
        j = i
        while j < len(tokens) and tokens[j].name != "NEWLINE":
            if tokens[j].name == "NAME" and tokens[j].src == old:
                after = tk.next_code(tokens, j)
                bare = alias_when_bare and tokens[after].src != "as"
                tk.replace(tokens, j, f"{new} as {old}" if bare else new)
                return
            j += 1
        raise tk.SkipFix("module name not found on the import line")

    return edit
