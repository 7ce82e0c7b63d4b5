"""What is this receiver? Answers from the bindings scopes.py recorded, nothing else.

A receiver is *known* to be a threading object only when every binding of it says
so (see the issue's list: threading constructors, current_thread(), enumerate()
loop variables, ``self`` in a Thread/Event/Condition subclass, ``self.x``
assigned only from such constructors). Anything else is unknown, and the rules
report unknown receivers as "possible" and never rewrite them.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping

from threadport.fixer.scopes import THREADING_MODULES, Binding, ClassInfo, Collector, Scope
from threadport.lazyre import lazy_compile
from threadport.records import Record

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
# 2.7's classes behind the factory functions Event(), Condition(), Timer()..., which old code
# subclassed (``class Ticker(threading._Timer)``); checked with python2.7 here.
_PRIVATE_CLASSES = {"_Timer": THREAD, "_Event": EVENT, "_Condition": CONDITION}
FACTORIES.update(_PRIVATE_CLASSES)
FACTORIES.update({"_RLock": LOCK, "_Semaphore": LOCK, "_BoundedSemaphore": LOCK})
# threading classes a user class may derive from, and what its instances are.
BASE_CLASSES = {"Thread": THREAD, "Timer": THREAD, "Event": EVENT, "Condition": CONDITION, **_PRIVATE_CLASSES}
# Public attributes threading's own classes set in __init__: (the classes, what it holds).
# Timer.finished is the Event cancel() sets, on 2.7 (_Timer) and 3 alike.
INHERITED_ATTRIBUTES = {"finished": (frozenset({"Timer", "_Timer"}), EVENT)}
# Empty containers, and what iterating over them gives once threading objects are put in.
_EMPTY_LISTS = frozenset({"list", "set", "deque"})
_EMPTY_DICTS = frozenset({"dict"})
# Calls on a container that give back the same kind of container (of the same items).
_SAME_ITEMS = frozenset({"list", "tuple", "sorted", "set", "reversed", "frozenset"})
BUILTIN_BASES = frozenset({"object", "Exception", "BaseException", "dict", "list", "set", "tuple", "str", "int"})


class Kind(Record, frozen=True):
    """What an expression is. ``what``: module, member, object, instance, self, iterable."""

    __slots__ = ("what", "name", "cls", "node")

    def __init__(self, what: str, name: str | None = None, cls: ClassInfo | None = None, node: object = None) -> None:
        self.what = what
        self.name = name  # threading member name, or object kind (Thread, Event, ...)
        self.cls = cls
        self.node = node  # a function's def (what == "function")


MODULE = Kind("module")
PENDING = Kind("pending")  # inside a cycle: decided by the other bindings
# A parameter every call in the tree leaves None (callers.py): beside a threading object it
# changes nothing, as a ``= None`` reset does not (a call on None fails before and after).
NOTHING = Kind("none")
# threading's camelCase module functions and the PEP 8 names they alias (the same object).
MEMBER_ALIASES = {"currentThread": "current_thread", "activeCount": "active_count"}


def _same_member(kind: Kind | None) -> Kind | None:
    if kind is not None and kind.what == "member" and kind.name in MEMBER_ALIASES:
        return Kind("member", MEMBER_ALIASES[kind.name])
    return kind


def _element(container: Kind) -> Kind:
    """What a container of threading objects holds: an object, or an instance of a local class."""
    if container.cls is not None:
        return Kind("instance", cls=container.cls)
    return Kind("object", container.name)


# Words through which code can put a name into a module's globals (or builtins) without
# binding it by name. Searched in the text: in strings and comments too, erring on the safe
# side, and Python 2's ``exec code in ns`` statement, which the Python 3 parse does not keep.
_GIVERS = lazy_compile(r"\b(?:exec|execfile|eval|globals|vars|setattr|__dict__|__builtins__|__builtin__|builtins)\b")
_CONTEXT = lazy_compile(r", ctx=(?:Load|Store|Del)\(\)")


def _shape(node: ast.expr) -> str:
    """The expression's structure, whether it is read or assigned (``t`` in ``t = ...`` and ``t.x``)."""
    return _CONTEXT.sub("", ast.dump(node))


def _is_name(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _simple_target(node: ast.expr) -> bool:
    """A name, ``a.b.c`` or ``name[key]`` with a name or constant key."""
    if isinstance(node, ast.Subscript):
        return _simple_target(node.value) and isinstance(node.slice, (ast.Name, ast.Constant))
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


def _empty_container(node: ast.Call) -> Kind | None:
    """``list()``, ``dict()``, ``set()``, ``deque()``: an empty container (assuming builtins)."""
    if isinstance(node.func, ast.Name) and not node.args and not node.keywords:
        if node.func.id in _EMPTY_LISTS or node.func.id in _EMPTY_DICTS:
            return Kind("empty", node.func.id)
    return None


def _nested(scope: Scope) -> list[Scope]:
    found, stack = [], list(getattr(scope, "children", ()))
    while stack:
        inner = stack.pop()
        found.append(inner)
        stack.extend(getattr(inner, "children", ()))
    return found


# Nodes that bind their ``name`` field: defs, classes, ``except E as name``, match captures (3.10+).
_NAMED = tuple(
    getattr(ast, kind)
    for kind in ("FunctionDef", "AsyncFunctionDef", "ClassDef", "ExceptHandler", "MatchAs", "MatchStar")
    if hasattr(ast, kind)
)


def _binds(node: ast.AST, name: str) -> bool:
    """Does anything in ``node`` (nested scopes included: erring on the safe side) bind ``name``,
    or run ``exec`` (which can, in a Python 2 function)?"""
    for inner in ast.walk(node):
        if isinstance(inner, ast.Name):
            bound = inner.id == name and not isinstance(inner.ctx, ast.Load)
        elif isinstance(inner, ast.arg):
            bound = inner.arg == name
        elif isinstance(inner, ast.alias):
            bound = (inner.asname or inner.name.partition(".")[0]) == name
        elif isinstance(inner, _NAMED):
            bound = inner.name == name
        elif isinstance(inner, (ast.Global, ast.Nonlocal)):
            bound = name in inner.names
        else:
            bound = getattr(inner, "rest", None) == name  # ``case {**rest}``
        if bound or (isinstance(inner, ast.Name) and inner.id == "exec"):
            return True
    return False


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.ListComp, ast.SetComp)
_SCOPES += (ast.DictComp, ast.GeneratorExp)


def _walk_own(function: ast.AST):
    """Every node of a function's body, and of nested scopes only their names (any use of a
    name there counts as a use, but is never a call seen in the function's own scope)."""
    stack = list(reversed(function.body))
    while stack:
        node = stack.pop()
        if isinstance(node, _SCOPES):
            yield from (inner for inner in ast.walk(node) if isinstance(inner, ast.Name))
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def _calls_init_again(node: ast.AST, cls: ast.ClassDef) -> bool:
    """``__init__`` reached other than as a base's (``Base.__init__(self)``, ``super(...).__init__``):
    ``self.__init__(...)``, ``obj.__init__(...)``; or a new instance made without the class's
    name (``self.__class__(...)``, ``type(self)(...)``), anywhere in ``node``."""
    bases = {_shape(base) for base in cls.bases}
    for inner in ast.walk(node):
        if isinstance(inner, ast.Attribute) and inner.attr == "__init__":
            owner = inner.value
            if _shape(owner) in bases:
                continue
            if isinstance(owner, ast.Call) and _is_name(owner.func, "super"):
                continue
            return True
        elif isinstance(inner, ast.Call):
            made = inner.func
            if isinstance(made, ast.Attribute) and made.attr == "__class__":
                return True
            if isinstance(made, ast.Call) and _is_name(made.func, "type"):
                return True
    return False


class Receivers:
    def __init__(
        self,
        collected: Collector,
        assigned_elsewhere: Callable[[str], bool] = lambda attr: False,
        reexports: Mapping[str, frozenset[str]] | None = None,
        text: str = "",
        params: Mapping[tuple[str, str], tuple] | None = None,
    ) -> None:
        self.collected = collected
        # (function name, parameter) -> what every call in the tree passes (callers.py)
        self.params = params or {}
        # parameters of public functions asked about: (function name, parameter, its class or "")
        self.wanted: set[tuple[str, str, str]] = set()
        # callers.py's rounds: a parameter not in ``params`` is not decided yet (PENDING), not unknown
        self.params_pending = False
        self.text = text  # the source (a free ``threading``: does anything in it give names?)
        # modules of the tree that re-export threading (tree.py), with the names they bind themselves
        self.reexports = reexports or {}
        # attr -> is it assigned, from outside its class, in another file of the tree?
        self.assigned_elsewhere = assigned_elsewhere
        self.assumed: set[str] = set()  # self.attr kinds relied on: the tree is checked for them
        self._visiting: set[tuple[str, int]] = set()  # names being answered (cycles end here)
        self._class_kind: dict[int, str | None] = {}
        self._class_parents: dict[int, list[ClassInfo | None]] = {}
        # kind_of_name outside cycles, and whether it was worked out for an opaque reader only
        self._answers: dict[tuple[tuple[str, int], int], tuple[Kind | None, bool]] = {}
        self._attributes: dict[tuple[int, str, int], Kind | None] = {}  # attribute_kind outside cycles
        self._never_given: bool | None = None  # free_module's in-file half, worked out once

    # -- names ------------------------------------------------------------------------
    def bindings(self, name: str, scope: Scope) -> list[Binding] | None:
        where = scope.lookup(name)
        if where is None:
            return None
        return where.bindings[name]

    def kind_of_name(self, name: str, scope: Scope, depth: int = 0, opaque: bool = False) -> Kind | None:
        """``opaque``: for a reader that a threading object or None cannot help (_opaque_kind)."""
        found = self.bindings(name, scope)
        if not found:
            if name in scope.bindings:
                return None
            return self._star_imported(name) or self.free_module(name)
        # A name whose value depends on itself (``for w in hung: ...`` where ``hung`` gets
        # ``w`` appended) is answered optimistically inside the cycle: its own reference adds
        # nothing, and the other bindings decide (a fixpoint). Outside, PENDING means unknown.
        key = (name, id(scope.lookup(name)))
        if key in self._visiting:
            return PENDING
        # Outside any cycle the answer is the name's, wherever it is read: remembered, so a
        # module with thousands of ``t = Thread(); t.setDaemon(True)`` is not thousands of
        # sites each going over thousands of bindings (that was quadratic). Inside a cycle
        # it depends on what is pending, and is worked out each time.
        # An answer worked out for an opaque reader asked no parameter it passed through
        # about the tree (_tree_parameter): another reader works it out again, and asks.
        outermost = not self._visiting
        if outermost and (key, depth) in self._answers:
            kind, for_opaque = self._answers[(key, depth)]
            if opaque or not for_opaque:
                return kind
        self._visiting.add(key)
        try:
            kind = self._kind_of_bindings(name, scope, found, depth, opaque)
        finally:
            self._visiting.discard(key)
        kind = None if kind == PENDING and not self._visiting else kind
        if outermost:
            self._answers[(key, depth)] = (kind, opaque)
        return kind

    def _opaque_kind(self, node: ast.expr, scope: Scope, depth: int) -> Kind | None:
        """kind_of, for a reader that takes neither a threading object nor None: an
        attribute's owner (a module, self, an instance), a container, a callee.

        What callers.py can prove of a public function's parameter is one of those two,
        and a name bound once passes its one value on as it is: a parameter reached here
        through such names alone is not asked about, and the tree is not searched for
        its calls (logging's ``shutdown(handlerList)``, read as ``handlerList[:]``).
        """
        if isinstance(node, ast.Name) and depth <= 20:
            return self.kind_of_name(node.id, scope, depth, opaque=True)
        return self.kind_of(node, scope, depth)

    def _reexported(self, module: str, member: str) -> Kind | None:
        """``module.member`` of a module re-exporting threading: threading's, unless the module
        binds the name itself, or it is private (a star import does not bring those)."""
        if member.startswith("_") or member in self.reexports[module]:
            return None
        return Kind("member", member)

    def _star_imported(self, name: str) -> Kind | None:
        """A name no statement binds: threading's when every star import is threading's."""
        stars = self.collected.star_imports
        if not stars or name.startswith("_") or name not in FACTORIES:
            return None
        for module in stars:
            if module in THREADING_MODULES:
                continue
            if module not in self.reexports or self._reexported(module, name) is None:
                return None  # another module's star import may bring its own ``name``
        return Kind("member", name)

    def free_module(self, name: str) -> Kind | None:
        """``threading`` read in a module that never binds it (web.py's background.py).

        Nothing in the file gives it a value, so as the file stands every use raises
        NameError, before the rewrite and after it. The only way the code runs is with a
        ``threading`` given from outside: ``module.threading = ...``, ``setattr``, a globals
        dict. Every file of the tree is searched for such a giver (tree.py, as for an
        attribute assigned from outside its class) and, in this file, any star import, any
        binding of the name anywhere, and any word that can reach a module's globals
        (``globals``, ``vars``, ``setattr``, ``exec``, ``__dict__``, builtins) make it unknown.
        """
        if name != "threading":
            return None
        if self._never_given is None:
            self._never_given = self._gives_no_globals(name)
        if not self._never_given:
            return None
        self.assumed.add(name)  # the tree is searched for ``X.threading = ...`` and the like
        return None if self.assigned_elsewhere(name) else MODULE

    def _gives_no_globals(self, name: str) -> bool:
        if _GIVERS.search(self.text) or self.collected.module is None:
            return False
        module = self.collected.module.node
        if _binds(module, name):
            return False
        for node in ast.walk(module):
            if isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names):
                return False  # any module's star import may bring a ``threading``
            if isinstance(node, ast.Attribute) and node.attr == name and not isinstance(node.ctx, ast.Load):
                return False  # ``sys.modules[__name__].threading = ...``
        return True

    def _kind_of_bindings(
        self, name: str, scope: Scope, found: list[Binding], depth: int, opaque: bool = False
    ) -> Kind | None:
        # Several bindings: a None beside another kind drops out, so None may help after all.
        kinds = {self._binding_kind(binding, depth, opaque and len(found) == 1) for binding in found}
        if PENDING in kinds:
            kinds.discard(PENDING)
            if not kinds:
                return PENDING
        if NOTHING in kinds and len(kinds) > 1:
            kinds.discard(NOTHING)
        if any(kind is not None and kind.what in ("empty", "iterable", "mapping") for kind in kinds):
            where = scope.lookup(name)
            inserts = [
                i for i in self.collected.inserts if _is_name(i.container, name) and i.scope.lookup(name) is where
            ]
            return self._container(kinds, inserts, depth)
        if len(kinds) > 1:
            # ``me = threading.currentThread`` in one branch, ``threading.current_thread`` in
            # the other: the same function, and `fix` makes them one spelling. Deciding the
            # same before the rename keeps check and fix in agreement.
            kinds = {_same_member(kind) for kind in kinds}
        return kinds.pop() if len(kinds) == 1 else None

    def _binding_kind(self, binding: Binding, depth: int, opaque: bool = False) -> Kind | None:
        if binding.how == "import":
            if binding.value in THREADING_MODULES:
                return MODULE
            if binding.value in self.reexports:
                return Kind("module", binding.value)
            return Kind("other-module", binding.value)
        if binding.how == "from":
            module, member = binding.value
            if module in THREADING_MODULES:
                return Kind("member", member)
            if module in self.reexports:
                return self._reexported(module, member)
            if f"{module}.{member}" in self.reexports:  # ``from Pyro4 import threadutil``
                return Kind("module", f"{module}.{member}")
            return None
        if binding.how == "class":
            return Kind("class", cls=binding.value)
        if binding.how == "def":
            return Kind("function", node=binding.value)
        if binding.how == "self" and binding.value is not None:
            return Kind("self", cls=binding.value)
        if binding.how == "value":
            if opaque:
                return self._opaque_kind(binding.value, binding.scope, depth + 1)
            return self.kind_of(binding.value, binding.scope, depth + 1)
        if binding.how == "param" and binding.scope is not None:
            return self.parameter_kind(binding.scope, binding.value, depth, opaque)
        if binding.how == "for":
            iterable = self._opaque_kind(binding.value, binding.scope, depth + 1)  # an iterable, or nothing
            if iterable == PENDING:
                return PENDING
            if iterable is not None and iterable.what == "iterable":
                return _element(iterable)
            return None
        return None

    # -- expressions ------------------------------------------------------------------
    def kind_of(self, node: ast.expr, scope: Scope, depth: int = 0) -> Kind | None:
        if depth > 20:
            return None
        if isinstance(node, ast.Name):
            return self.kind_of_name(node.id, scope, depth)
        if isinstance(node, ast.Attribute):
            owner = self._opaque_kind(node.value, scope, depth + 1)  # a module, self or an instance
            if owner is None:
                return None
            if owner.what == "module":
                return Kind("member", node.attr) if owner.name is None else self._reexported(owner.name, node.attr)
            if owner.what == "other-module" and f"{owner.name}.{node.attr}" in self.reexports:
                return Kind("module", f"{owner.name}.{node.attr}")  # ``import Pyro4.threadutil``
            if owner.what in ("self", "instance"):  # ``self.event``, ``server.event`` (server = Server())
                return self.attribute_kind(owner.cls, node.attr, depth)
            return None
        if isinstance(node, ast.Subscript):
            container = self._opaque_kind(node.value, scope, depth + 1)
            if container is None or container.what not in ("iterable", "mapping"):
                return None
            if isinstance(node.slice, ast.Slice):
                return container if container.what == "iterable" else None
            return _element(container)
        if isinstance(node, ast.Call):
            empty = _empty_container(node)
            if empty is not None and scope.lookup(node.func.id) is None:  # the builtin, not a local
                return empty
            if isinstance(node.func, ast.Attribute) and not node.keywords:
                owner = node.func.value
                method = node.func.attr
                if method in ("values", "itervalues") or method in ("pop", "get", "popleft", "copy"):
                    container = self._opaque_kind(owner, scope, depth + 1)
                    if container is not None and container.what in ("iterable", "mapping"):
                        if method == "copy":
                            return container
                        if method in ("values", "itervalues"):
                            if container.what != "mapping":
                                return None
                            return Kind("iterable", container.name, container.cls)
                        return _element(container)
            if isinstance(node.func, ast.Name) and node.func.id in _SAME_ITEMS and len(node.args) == 1:
                if scope.lookup(node.func.id) is None:
                    container = self._opaque_kind(node.args[0], scope, depth + 1)
                    return container if container is not None and container.what == "iterable" else None
            function = self._opaque_kind(node.func, scope, depth + 1)  # a def, a class or threading's
            if function is None:
                return None
            if function.what == "function":
                return self.returns_kind(function.node, depth)
            if function.what == "member":
                if function.name in FACTORIES:
                    return Kind("object", FACTORIES[function.name])
                if function.name == "enumerate":
                    return Kind("iterable", THREAD)
                return None
            if function.what == "class":
                return Kind("instance", cls=function.cls)
            return None
        if isinstance(node, (ast.List, ast.Tuple)) and not node.elts:
            return Kind("empty", "list")
        if isinstance(node, ast.Dict) and not node.keys:
            return Kind("empty", "dict")
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

    def returns_kind(self, function: ast.AST, depth: int) -> Kind | None:
        """A simple factory: every ``return`` gives the same threading object (not a generator)."""
        returns = getattr(function, "_threadport_returns", None)
        if not returns or getattr(function, "_threadport_generator", False):
            return None
        kinds = {None if value is None else self.kind_of(value, scope, depth + 1) for value, scope in returns}
        if len(kinds) == 1:
            only = kinds.pop()
            if only is not None and only.what == "object":
                return only
        return None

    def _container(self, kinds: set[Kind | None], inserts: list, depth: int) -> Kind | None:
        """A list/set/dict that is only ever empty, or filled with one kind of threading object."""
        if None in kinds:
            return None
        shapes = set()
        items = set()  # (object kind name, local class) of what goes in
        for kind in kinds:
            if kind.what == "empty":
                shapes.add("mapping" if kind.name in _EMPTY_DICTS else "iterable")
            elif kind.what in ("iterable", "mapping"):
                shapes.add(kind.what)
                items.add((kind.name, kind.cls))
            else:
                return None
        pending = False
        for insert in inserts:
            value = self.kind_of(insert.value, insert.scope, depth + 1)
            if value == PENDING:
                pending = True
                continue
            if insert.many:
                if value is None or value.what != "iterable":
                    return None
            elif value is None or value.what not in ("object", "instance"):
                return None
            items.add((value.name, value.cls))
        if len(shapes) == 1 and len(items) == 1:
            name, cls = items.pop()
            return Kind(shapes.pop(), name, cls)
        if len(shapes) == 1 and not items and pending:
            return PENDING
        return None

    def method_kind(self, cls: ClassInfo, attr: str) -> Kind | None:
        """``self.attr`` naming a method: the one def in the class family (or None)."""
        defs = {
            binding.value
            for member in self.family(cls)
            if member.body is not None
            for binding in member.body.bindings.get(attr, ())
        }
        if len(defs) == 1:
            only = defs.pop()
            if isinstance(only, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return Kind("function", node=only)
        return None

    def kind_from_prior(self, receiver: ast.expr, prior: tuple[ast.stmt, ...], scope: Scope) -> Kind | None:
        """The receiver was bound in the statements just before (``t = Thread(); t.setDaemon(1)``).

        Walk back over calls on the same receiver (they cannot rebind a name or an
        attribute of the caller's) to an assignment to it; anything else ends the walk.
        """
        wanted = _shape(receiver)
        if not _simple_target(receiver):
            return None
        for statement in prior:
            if isinstance(statement, ast.Assign):
                if any(_shape(target) == wanted for target in statement.targets):
                    kind = self.kind_of(statement.value, scope)
                    return kind if kind is not None and kind.what == "object" else None
                return None
            if (
                isinstance(statement, ast.Expr)
                and isinstance(statement.value, ast.Call)
                and isinstance(statement.value.func, ast.Attribute)
                and _shape(statement.value.func.value) == wanted
            ):
                continue
            return None
        return None

    # -- parameters ---------------------------------------------------------------------
    def parameter_kind(self, function: Scope, parameter: str, depth: int, opaque: bool = False) -> Kind | None:
        """A parameter of a function no one outside can call: what every call passes it.

        Only a def local to another function (or the ``__init__`` of a class local to one),
        whose name is used nowhere but as the callee of plain calls, or as ``target=`` of a
        ``threading.Thread(target=f, args=(...))``, all in that function's own body: then
        every call is in sight (a module-level def, or a method of a module-level class,
        is anyone's to call, and is never decided here).
        """
        node = function.node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or node.decorator_list:
            return None
        positional = [a.arg for a in (*getattr(node.args, "posonlyargs", []), *node.args.args)]
        if self._public(function):
            owner = function.method_of.name if function.method_of else ""
            positional = positional[1:] if owner else positional
            return self._tree_parameter(node.name, parameter, positional, owner, opaque)
        if function.method_of is not None:  # ``__init__`` of a local class: its calls are ``C(...)``
            cls = function.method_of
            if node.name != "__init__" or cls.node.keywords or cls.node.decorator_list or "__new__" in cls.methods:
                return None
            callee, outer = cls.name, cls.scope
            positional = positional[1:]
            if _calls_init_again(cls.scope.node, cls.node):  # the class and the function it is local to
                return None
            if not self._known_bases(cls):
                return None  # a base from elsewhere may bring a metaclass that calls __init__ its own way
        else:
            callee, outer = node.name, function.parent
        if outer is None or outer.kind != "function" or len(outer.bindings.get(callee, ())) != 1:
            return None
        calls = self._local_calls(outer, callee)
        if calls is None:
            return None
        index = positional.index(parameter) if parameter in positional else None
        kinds = set()
        for arguments, keywords in calls:
            if index is not None and index < len(arguments):
                value = arguments[index]
            elif parameter in keywords:
                value = keywords[parameter]
            else:
                return None  # the default, or nothing: not decided here
            kinds.add(self.kind_of(value, outer, depth + 1))
        if len(kinds) == 1:
            only = kinds.pop()
            if only is not None and only.what in ("object", "instance"):
                return only
        return None

    @staticmethod
    def _public(function: Scope) -> bool:
        """A module-level def, or a method of a class not local to a function: anyone's to call."""
        if function.method_of is not None:
            return function.method_of.scope.kind in ("module", "class")
        return function.parent is not None and function.parent.kind == "module"

    def _tree_parameter(
        self, name: str, parameter: str, positional: list[str], owner: str, opaque: bool = False
    ) -> Kind | None:
        """What every call of ``name`` in the tree passes as ``parameter`` (callers.py), if known
        (asked about only when it may help: not for an ``opaque`` reader)."""
        if parameter not in positional or (name.startswith("__") and name.endswith("__")):
            return None
        key = (name, parameter)
        if not opaque:
            self.wanted.add((name, parameter, owner))
        if key not in self.params and self.params_pending:
            return PENDING
        found = self.params.get(key)
        if found is not None and found[0] == "none":
            return NOTHING
        return Kind("object", found[1]) if found is not None and found[0] == "object" else None

    def _known_bases(self, cls: ClassInfo) -> bool:
        """Every ancestor is a local class, a builtin, or one of threading's classes."""
        for member in self.ancestors(cls):
            for base in member.node.bases:
                if isinstance(base, ast.Name) and base.id in BUILTIN_BASES and member.scope.lookup(base.id) is None:
                    continue
                kind = self.kind_of(base, member.scope)
                if kind is None or not (kind.what == "class" or (kind.what == "member" and kind.name in BASE_CLASSES)):
                    return False
            if member.node.keywords:
                return False
        return True

    def _local_calls(self, outer: Scope, callee: str) -> list[tuple[list[ast.expr], dict[str, ast.expr]]] | None:
        """The (positional, keyword) arguments of every call of ``callee`` in ``outer``'s body;
        None when the name is used any other way, or inside a nested scope."""
        calls: list[tuple[list[ast.expr], dict[str, ast.expr]]] = []
        uses = 0
        for inner in _walk_own(outer.node):
            if isinstance(inner, ast.Name) and inner.id in (callee, "locals", "vars", "eval", "exec"):
                uses += 1
            if not isinstance(inner, ast.Call):
                continue
            if _is_name(inner.func, callee):
                if any(isinstance(a, ast.Starred) for a in inner.args) or any(k.arg is None for k in inner.keywords):
                    return None
                calls.append((list(inner.args), {k.arg: k.value for k in inner.keywords}))
                continue
            target = next((k.value for k in inner.keywords if k.arg == "target"), None)
            if target is not None and _is_name(target, callee):
                function = self.kind_of(inner.func, outer)
                extra = {k.arg for k in inner.keywords} - {"target", "args", "name", "group"}
                given = next((k.value for k in inner.keywords if k.arg == "args"), None)
                if function != Kind("member", "Thread") or inner.args or extra or given is None:
                    return None
                if not isinstance(given, (ast.Tuple, ast.List)) or any(isinstance(e, ast.Starred) for e in given.elts):
                    return None
                calls.append((list(given.elts), {}))
        if uses != len(calls) or not calls:
            return None  # passed on, stored, used in a nested scope, or reached through locals()
        return calls

    def kind_from_dominating(self, receiver: ast.expr, scope: Scope, path: tuple) -> Kind | None:
        """A local name whose last assignment before the site is on every path to it.

        ``event = threading.Event()`` at the top of a block, the site anywhere after it in
        that block (``while True: ... event.isSet()``): every path to the site runs that
        assignment, and it is the binding the site sees if nothing from it to the end of
        the statement holding the site binds the name again (a loop brings a later binding
        back round). Only a function's own local: nothing outside the function can rebind it
        between the two, unless a nested function declares it nonlocal, or ``exec`` runs.
        """
        if not isinstance(receiver, ast.Name) or scope.kind != "function" or not path:
            return None
        name = receiver.id
        if scope.lookup(name) is not scope or name in scope.globals or name in scope.nonlocals:
            return None
        if any(name in inner.nonlocals for inner in _nested(scope)):
            return None
        for body, index in reversed(path):
            for before in range(index - 1, -1, -1):
                statement = body[before]
                if not _binds(statement, name):
                    continue
                plain = isinstance(statement, ast.Assign) and any(_is_name(t, name) for t in statement.targets)
                if (
                    not plain
                    or _binds(statement.value, name)
                    or any(not _is_name(t, name) and _binds(t, name) for t in statement.targets)
                ):
                    return None
                if any(_binds(later, name) for later in body[before + 1 : index + 1]):
                    return None
                kind = self.kind_of(statement.value, scope)
                return kind if kind is not None and kind.what in ("object", "instance") else None
        return None

    def attribute_kind(self, cls: ClassInfo, attr: str, depth: int) -> Kind | None:
        """``self.attr`` where every assignment to it in the class family is one kind (or None).

        Remembered outside cycles, as names are: a class assigning and using ``self.t``
        thousands of times went over every assignment at every use."""
        if self._visiting:
            return self._attribute_kind(cls, attr, depth)
        key = (id(cls), attr, depth)
        if key not in self._attributes:
            self._attributes[key] = self._attribute_kind(cls, attr, depth)
        return self._attributes[key]

    def _attribute_kind(self, cls: ClassInfo, attr: str, depth: int) -> Kind | None:
        family = self.family(cls)
        inherited = INHERITED_ATTRIBUTES.get(attr)
        if (
            inherited is not None
            and attr not in self.collected.attr_assigns
            and not any(member.body is not None and attr in member.body.bindings for member in family)
            and self.derives_from(cls, inherited[0])
        ):
            self.assumed.add(attr)  # set by threading's own __init__, unless a test replaces it
            return None if self.assigned_elsewhere(attr) else Kind("object", inherited[1])
        if attr not in self.collected.attr_assigns and not any(
            member.body is not None and any(b.how == "value" for b in member.body.bindings.get(attr, ()))
            for member in family
        ):
            return self.method_kind(cls, attr)
        kinds = set()
        for assign in self.collected.attr_assigns.get(attr, ()):
            if isinstance(assign.value, ast.Constant) and assign.value.value is None:
                continue
            owner = self.kind_of_name(assign.owner, assign.scope, depth + 1, opaque=True)  # self, or nothing
            if owner is None or owner.what != "self":
                return None  # assigned from outside a class (a test double?): not provably anything
            if owner.cls not in family:
                continue  # another class's own attribute of that name
            kinds.add(None if assign.value is None else self.kind_of(assign.value, assign.scope, depth + 1))
        kinds.discard(NOTHING)
        for member in family:  # class-level defaults (``_t = None``) count too
            for binding in member.body.bindings.get(attr, ()) if member.body else ():
                value = binding.value if binding.how == "value" else None
                if isinstance(value, ast.Constant) and value.value is None:
                    continue
                kinds.add(None if value is None else self.kind_of(value, binding.scope, depth + 1))
        if any(kind is not None and kind.what in ("empty", "iterable", "mapping") for kind in kinds):
            inserts = []
            for insert in self.collected.inserts:
                container = insert.container
                if not (isinstance(container, ast.Attribute) and container.attr == attr):
                    continue
                owner = self.kind_of_name(container.value.id, insert.scope, depth + 1, opaque=True)
                if owner is None or owner.what != "self":
                    return None  # filled from outside its class: not provably anything
                if owner.cls in family:
                    inserts.append(insert)
            found = self._container(kinds, inserts, depth)
            if found is not None:
                self.assumed.add(attr)
                return None if self.assigned_elsewhere(attr) else found
            return None
        if len(kinds) == 1:
            only = kinds.pop()
            if only is not None and only.what in ("object", "instance"):
                self.assumed.add(attr)
                if self.assigned_elsewhere(attr):
                    return None
                return only
        return None

    # -- classes ----------------------------------------------------------------------
    def derives_from(self, cls: ClassInfo, members: frozenset[str], seen: frozenset[int] = frozenset()) -> bool:
        """The class derives (locally, transitively) from one of threading's ``members``."""
        if id(cls) in seen:
            return False
        for base in cls.node.bases:
            kind = self.kind_of(base, cls.scope)
            if kind is None:
                continue
            if kind.what == "member" and kind.name in members:
                return True
            if kind.what == "class" and self.derives_from(kind.cls, members, seen | {id(cls)}):
                return True
        return False

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
