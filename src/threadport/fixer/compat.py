"""Compatibility fallbacks: code that exists to run on old Pythons, left alone and reported.

``if hasattr(threading.Thread, "daemon"): d = t.daemon / else: d = t.isDaemon()``,
``if sys.version_info < (2, 6): ...`` and ``try: from threading import current_thread /
except ImportError: from threading import currentThread`` each keep an old spelling on
purpose. Rewriting it makes both branches the same: correct on 2.6+, but the fallback is
silently gone. So findings inside such a guard are reported ``[compat]`` and never fixed.
"""

from __future__ import annotations

import ast

# Exceptions a fallback catches when a name or module is missing on an old Python.
_MISSING = frozenset({"ImportError", "AttributeError", "NameError", "ModuleNotFoundError"})
_VERSION_ATTRS = frozenset({"version_info", "version", "hexversion"})
_SHORT_TRY = 3  # statements: a fallback tries one import or assignment, not a whole program


def _mentions_version(node: ast.AST) -> bool:
    """``sys.version_info`` (or ``version``, ``hexversion``), however it is sliced or compared."""
    return any(
        isinstance(sub, ast.Attribute)
        and sub.attr in _VERSION_ATTRS
        and isinstance(sub.value, ast.Name)
        and sub.value.id == "sys"
        for sub in ast.walk(node)
    )


def _probes_attribute(node: ast.AST) -> bool:
    """``hasattr(x, "name")`` / ``getattr(x, "name", default)``: does this Python have it?"""
    return any(
        isinstance(sub, ast.Call)
        and isinstance(sub.func, ast.Name)
        and sub.func.id in ("hasattr", "getattr")
        and len(sub.args) >= 2
        for sub in ast.walk(node)
    )


def _catches_missing(handler: ast.ExceptHandler) -> bool:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(kind, ast.Name) and kind.id in _MISSING for kind in kinds)


def guarded_lines(branches: list[ast.stmt]) -> list[tuple[int, int]]:
    """Line ranges (first, last) of compatibility guards among the ``if``/``try`` statements."""
    ranges = []
    for node in branches:
        if isinstance(node, ast.If) and (_mentions_version(node.test) or _probes_attribute(node.test)):
            ranges.append((node.lineno, node.end_lineno))
        elif (
            isinstance(node, ast.Try)
            and len(node.body) <= _SHORT_TRY
            and any(handler.type is not None and _catches_missing(handler) for handler in node.handlers)
        ):
            last = node.handlers[-1].end_lineno
            ranges.append((node.lineno, last))
    return sorted(ranges)


class Guards:
    def __init__(self, branches: list[ast.stmt]) -> None:
        self.ranges = guarded_lines(branches)

    def __contains__(self, line: int) -> bool:
        return any(first <= line <= last for first, last in self.ranges)
