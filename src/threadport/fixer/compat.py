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


def _guard_range(node: ast.stmt) -> tuple[int, int] | None:
    """The lines (first, last) ``node`` guards if it is a compatibility guard, else None."""
    if isinstance(node, ast.If) and (_mentions_version(node.test) or _probes_attribute(node.test)):
        return node.lineno, node.end_lineno
    if (
        isinstance(node, ast.Try)
        and len(node.body) <= _SHORT_TRY
        and any(handler.type is not None and _catches_missing(handler) for handler in node.handlers)
    ):
        return node.lineno, node.handlers[-1].end_lineno
    return None


def guarded_lines(branches: list[ast.stmt]) -> list[tuple[int, int]]:
    """Line ranges (first, last) of compatibility guards among the ``if``/``try`` statements."""
    return sorted(found for found in map(_guard_range, branches) if found is not None)


class Guards:
    """Is a line inside a compatibility guard? Asked about a few lines (those of a file's
    findings), so only the ``if``/``try`` statements around a line asked about are examined:
    walking every ``if``'s test up front was an eighth of the analysis of a file with findings
    (CPython's subprocess.py: 310 branches for 2 findings). Past EAGER lines asked about, every
    guard is found at once, as before, and each question is a look at those few ranges."""

    EAGER = 16

    def __init__(self, branches: list[ast.stmt]) -> None:
        self.branches = branches
        self.ranges: list[tuple[int, int]] | None = None  # every guard's, once EAGER lines were asked about
        self._asked = 0
        self._verdicts: dict[int, tuple[int, int] | None] = {}  # id(node) -> _guard_range(node)

    def __contains__(self, line: int) -> bool:
        if self.ranges is None:
            self._asked += 1
            if self._asked <= self.EAGER:
                return any(self._guards(node, line) for node in self.branches)
            self.ranges = guarded_lines(self.branches)
        return any(first <= line <= last for first, last in self.ranges)

    def _guards(self, node: ast.stmt, line: int) -> bool:
        # A guard's lines are inside its statement's: no need to look at the others.
        if not node.lineno <= line <= node.end_lineno:
            return False
        key = id(node)
        if key not in self._verdicts:
            self._verdicts[key] = _guard_range(node)
        found = self._verdicts[key]
        return found is not None and found[0] <= line <= found[1]
