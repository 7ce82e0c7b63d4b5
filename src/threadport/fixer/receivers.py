"""What is this receiver? Answers from the bindings scopes.py recorded, nothing else.

A receiver is *known* to be a threading object only when every binding of it says
so (see the issue's list: threading constructors, current_thread(), enumerate()
loop variables, ``self`` in a Thread/Event/Condition subclass, ``self.x``
assigned only from such constructors). Anything else is unknown, and the rules
report unknown receivers as "possible" and never rewrite them.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass

from threadport.fixer.scopes import THREADING_MODULES, Binding, ClassInfo, Collector, Scope

THREAD, EVENT, CONDITION, LOCK = "Thread", "Event", "Condition", "Lock"

# What calling threading.NAME returns.
FACTORIES = {
    "Thread": THREAD,
    "Timer": THREAD,
    "_DummyThread": THREAD,
    "current_thread": THREAD,
    "currentThread": THREAD,
    "main_thread": THREAD,
    "Event": EVENT,
    "Condition": CONDITION,
    "Lock": LOCK,
    "RLock": LOCK,
    "Semaphore": LOCK,
    "BoundedSemaphore": LOCK,
}
# threading classes a user class may derive from, and what its instances are.
BASE_CLASSES = {"Thread": THREAD, "Timer": THREAD, "Event": EVENT, "Condition": CONDITION}
BUILTIN_BASES = frozenset({"object", "Exception", "BaseException", "dict", "list", "set", "tuple", "str", "int"})


@dataclass(frozen=True)
class Kind:
    """What an expression is. ``what``: module, member, object, instance, self, iterable."""

    what: str
    name: str | None = None  # threading member name, or object kind (Thread, Event, ...)
    cls: ClassInfo | None = None


MODULE = Kind("module")
# threading's camelCase module functions and the PEP 8 names they alias (the same object).
MEMBER_ALIASES = {"currentThread": "current_thread", "activeCount": "active_count"}


def _same_member(kind: Kind | None) -> Kind | None:
    if kind is not None and kind.what == "member" and kind.name in MEMBER_ALIASES:
        return Kind("member", MEMBER_ALIASES[kind.name])
    return kind


class Receivers:
    def __init__(self, collected: Collector, assigned_elsewhere: Callable[[str], bool] = lambda attr: False) -> None:
        self.collected = collected
        # attr -> is it assigned, from outside its class, in another file of the tree?
        self.assigned_elsewhere = assigned_elsewhere
        self.assumed: set[str] = set()  # self.attr kinds relied on: the tree is checked for them
        self._class_kind: dict[int, str | None] = {}
        self._class_parents: dict[int, list[ClassInfo | None]] = {}

    # -- names ------------------------------------------------------------------------
    def bindings(self, name: str, scope: Scope) -> list[Binding] | None:
        where = scope.lookup(name)
        if where is None:
            return None
        return where.bindings[name]

    def kind_of_name(self, name: str, scope: Scope, depth: int = 0) -> Kind | None:
        found = self.bindings(name, scope)
        if not found:
            if name not in scope.bindings and "threading" in self.collected.star_imports and name in FACTORIES:
                return Kind("member", name)
            return None
        kinds = {self._binding_kind(binding, depth) for binding in found}
        if len(kinds) > 1:
            # ``me = threading.currentThread`` in one branch, ``threading.current_thread`` in
            # the other: the same function, and `fix` makes them one spelling. Deciding the
            # same before the rename keeps check and fix in agreement.
            kinds = {_same_member(kind) for kind in kinds}
        return kinds.pop() if len(kinds) == 1 else None

    def _binding_kind(self, binding: Binding, depth: int) -> Kind | None:
        if binding.how == "import":
            return MODULE if binding.value in THREADING_MODULES else Kind("other-module")
        if binding.how == "from":
            module, member = binding.value
            if module in THREADING_MODULES:
                return Kind("member", member)
            return None
        if binding.how == "class":
            return Kind("class", cls=binding.value)
        if binding.how == "self" and binding.value is not None:
            return Kind("self", cls=binding.value)
        if binding.how == "value":
            return self.kind_of(binding.value, binding.scope, depth + 1)
        if binding.how == "for":
            iterable = self.kind_of(binding.value, binding.scope, depth + 1)
            if iterable is not None and iterable.what == "iterable":
                return Kind("object", iterable.name)
            return None
        return None

    # -- expressions ------------------------------------------------------------------
    def kind_of(self, node: ast.expr, scope: Scope, depth: int = 0) -> Kind | None:
        if depth > 20:
            return None
        if isinstance(node, ast.Name):
            return self.kind_of_name(node.id, scope, depth)
        if isinstance(node, ast.Attribute):
            owner = self.kind_of(node.value, scope, depth + 1)
            if owner is None:
                return None
            if owner.what == "module":
                return Kind("member", node.attr)
            if owner.what == "self":
                return self.attribute_kind(owner.cls, node.attr, depth)
            return None
        if isinstance(node, ast.Call):
            function = self.kind_of(node.func, scope, depth + 1)
            if function is None:
                return None
            if function.what == "member":
                if function.name in FACTORIES:
                    return Kind("object", FACTORIES[function.name])
                if function.name == "enumerate":
                    return Kind("iterable", THREAD)
                return None
            if function.what == "class":
                return Kind("instance", cls=function.cls)
            return None
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)) and node.elts:
            kinds = {self.kind_of(element, scope, depth + 1) for element in node.elts}
            if len(kinds) == 1:
                only = kinds.pop()
                if only is not None and only.what == "object":
                    return Kind("iterable", only.name)
            return None
        if isinstance(node, ast.ListComp):  # [threading.Thread(...) for ...]
            element = self.kind_of(node.elt, node._threadport_scope, depth + 1)  # type: ignore[attr-defined]
            if element is not None and element.what == "object":
                return Kind("iterable", element.name)
        return None

    def attribute_kind(self, cls: ClassInfo, attr: str, depth: int) -> Kind | None:
        """``self.attr`` where every assignment to it in the class family is one kind (or None)."""
        family = self.family(cls)
        kinds = set()
        for assign in self.collected.attr_assigns.get(attr, ()):
            if isinstance(assign.value, ast.Constant) and assign.value.value is None:
                continue
            owner = self.kind_of_name(assign.owner, assign.scope, depth + 1)
            if owner is None or owner.what != "self":
                return None  # assigned from outside a class (a test double?): not provably anything
            if owner.cls not in family:
                continue  # another class's own attribute of that name
            kinds.add(None if assign.value is None else self.kind_of(assign.value, assign.scope, depth + 1))
        for member in family:  # class-level defaults (``_t = None``) count too
            for binding in member.body.bindings.get(attr, ()) if member.body else ():
                value = binding.value if binding.how == "value" else None
                if isinstance(value, ast.Constant) and value.value is None:
                    continue
                kinds.add(None if value is None else self.kind_of(value, binding.scope, depth + 1))
        if len(kinds) == 1:
            only = kinds.pop()
            if only is not None and only.what in ("object", "instance"):
                self.assumed.add(attr)
                if self.assigned_elsewhere(attr):
                    return None
                return only
        return None

    # -- classes ----------------------------------------------------------------------
    def parents(self, cls: ClassInfo) -> list[ClassInfo | None]:
        """Local base classes; None for a base that is neither local nor a builtin."""
        key = id(cls)
        if key not in self._class_parents:
            self._class_parents[key] = []
            result = []
            for base in cls.node.bases:
                if isinstance(base, ast.Name) and base.id in BUILTIN_BASES and cls.scope.lookup(base.id) is None:
                    continue
                kind = self.kind_of(base, cls.scope)
                result.append(kind.cls if kind is not None and kind.what == "class" else None)
            self._class_parents[key] = result
        return self._class_parents[key]

    def ancestors(self, cls: ClassInfo) -> list[ClassInfo]:
        seen: list[ClassInfo] = []
        stack = [cls]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.append(current)
            stack.extend(parent for parent in self.parents(current) if parent is not None)
        return seen

    def family(self, cls: ClassInfo) -> list[ClassInfo]:
        """The class, its local ancestors and its local descendants: all may assign self.x."""
        related = self.ancestors(cls)
        for other in self.collected.classes:
            if other not in related and cls in self.ancestors(other):
                related.append(other)
        return related

    def has_unknown_base(self, cls: ClassInfo) -> bool:
        """Some ancestor derives from a class defined elsewhere (it may bring any method)."""
        return any(parent is None for member in self.ancestors(cls) for parent in self.parents(member))

    def threading_base(self, cls: ClassInfo) -> str | None:
        """THREAD/EVENT/CONDITION when the class derives (locally, transitively) from one."""
        key = id(cls)
        if key in self._class_kind:
            return self._class_kind[key]
        self._class_kind[key] = None  # cycles (impossible at run time) end here
        found = None
        for base in cls.node.bases:
            kind = self.kind_of(base, cls.scope)
            if kind is None:
                continue
            if kind.what == "member" and kind.name in BASE_CLASSES:
                found = BASE_CLASSES[kind.name]
            elif kind.what == "class" and kind.cls is not cls:
                found = self.threading_base(kind.cls)
            if found:
                break
        self._class_kind[key] = found
        return found

    def defines(self, cls: ClassInfo, name: str) -> bool:
        return any(name in member.methods for member in self.ancestors(cls))
