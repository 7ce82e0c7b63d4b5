"""Who binds what, where: Python's scoping rules over an ``ast`` tree, in one walk.

The walk records, per scope, every binding of every name (assignment, loop target,
import, def, class, parameter, ...), the ``global``/``nonlocal`` declarations, the
classes with their methods and their ``self.attr = ...`` assignments, and the sites
the rules look at (the attributes and names their Trigger declares, statement pairs
that may be an acquire/try/finally). receivers.py then answers "what is this
receiver?" from these records alone.
"""

from __future__ import annotations

import ast
from collections import defaultdict

from threadport.records import Record

THREADING_MODULES = frozenset({"threading", "dummy_threading", "_dummy_threading"})


class Binding(Record, eq=False):
    """One way a name gets a value: ``how`` is value/for/import/from/class/def/param/self/other."""

    __slots__ = ("how", "value", "scope")

    def __init__(self, how: str, value: object = None, scope: Scope | None = None) -> None:
        self.how = how
        self.value = value  # the value expression, loop iterable, imported name, ClassInfo...
        self.scope = scope  # where ``value`` is evaluated


class ClassInfo(Record, eq=False):
    __slots__ = ("name", "node", "scope", "methods", "body")

    def __init__(
        self, name: str, node: ast.ClassDef, scope: Scope, methods: set[str] | None = None, body: Scope | None = None
    ) -> None:
        self.name = name
        self.node = node
        self.scope = scope  # the scope the class statement is in (its bases are evaluated there)
        self.methods = set() if methods is None else methods  # every name the class body binds
        self.body = body  # the class body's own scope


class Scope(Record, eq=False):
    # __dict__: Collector.new_scope adds ``children`` to the scopes that have some
    __slots__ = ("kind", "parent", "node", "bindings", "globals", "nonlocals", "method_of", "__dict__")

    def __init__(
        self,
        kind: str,
        parent: Scope | None,
        node: ast.AST,
        bindings: dict[str, list[Binding]] | None = None,
        globals: set[str] | None = None,
        nonlocals: set[str] | None = None,
        method_of: ClassInfo | None = None,
    ) -> None:
        self.kind = kind  # module, class, function, lambda, comprehension
        self.parent = parent
        self.node = node
        self.bindings = defaultdict(list) if bindings is None else bindings
        self.globals = set() if globals is None else globals
        self.nonlocals = set() if nonlocals is None else nonlocals
        self.method_of = method_of  # set on a method's scope; its first parameter is self

    def lookup(self, name: str) -> Scope | None:
        """The scope whose binding of ``name`` is seen here (None: builtin or undefined)."""
        scope: Scope | None = self
        if name in self.globals:
            return self.module
        if name in self.bindings and name not in self.nonlocals:
            return self
        scope = self.parent
        while scope is not None:
            if scope.kind != "class" or scope is self:
                if name in scope.globals:
                    return scope.module
                if name in scope.bindings and name not in scope.nonlocals:
                    return scope
            scope = scope.parent
        return None

    @property
    def module(self) -> Scope:
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope


class AttributeSite(Record):
    __slots__ = ("node", "scope", "call", "statement", "prior", "path")

    def __init__(
        self,
        node: ast.Attribute,
        scope: Scope,
        call: ast.Call | None,
        statement: bool,
        prior: tuple[ast.stmt, ...] = (),
        path: tuple[tuple[list[ast.stmt], int], ...] = (),
    ) -> None:
        self.node = node
        self.scope = scope
        self.call = call  # the call whose function this attribute is
        self.statement = statement  # that call is a whole expression statement
        self.prior = prior  # the statements before this one in its block, nearest first
        # (block, index) from the enclosing def's body down to the site's statement (receivers.py:
        # the assignment that every path to the site goes through)
        self.path = path


class Insert(Record):
    """``container.append(value)`` / ``.add`` / ``.insert`` / ``container[key] = value``."""

    __slots__ = ("container", "value", "scope", "many")

    def __init__(self, container: ast.expr, value: ast.expr, scope: Scope, many: bool = False) -> None:
        self.container = container  # a name or ``owner.attr``
        self.value = value
        self.scope = scope
        self.many = many  # ``.extend(iterable)``: value is an iterable of items


class NameSite(Record):
    __slots__ = ("node", "scope")

    def __init__(self, node: ast.Name, scope: Scope) -> None:
        self.node = node
        self.scope = scope


class ImportSite(Record):
    __slots__ = ("node", "scope")

    def __init__(self, node: ast.ImportFrom, scope: Scope) -> None:
        self.node = node
        self.scope = scope


class StatementPair(Record):
    """A ``try`` statement and the statement right before it in its block (None if first)."""

    __slots__ = ("first", "second", "scope", "earlier")

    def __init__(self, first: ast.stmt | None, second: ast.Try, scope: Scope, earlier: ast.stmt | None = None) -> None:
        self.first = first
        self.second = second
        self.scope = scope
        self.earlier = earlier  # the statement before ``first`` (TP010: two acquires, then try)


class AttrAssign(Record):
    __slots__ = ("owner", "value", "scope")

    def __init__(self, owner: str, value: ast.expr | None, scope: Scope) -> None:
        self.owner = owner  # the name on the left of ``owner.attr = value``
        self.value = value  # None: bound some other way (augmented, loop target, del...)
        self.scope = scope


class Collector:
    def __init__(self, attributes: frozenset[str] = frozenset(), names: frozenset[str] = frozenset()) -> None:
        # The attribute and bare-name words the rules asked for (their Trigger); every
        # other attribute and name is skipped cheaply.
        self.trigger_attributes = attributes
        self.trigger_names = names
        self.module: Scope | None = None
        self.attributes: list[AttributeSite] = []
        self.names: list[NameSite] = []
        self.imports: list[ImportSite] = []
        self.pairs: list[StatementPair] = []
        self.attr_assigns: dict[str, list[AttrAssign]] = defaultdict(list)
        self.star_imports: set[str] = set()  # modules imported with ``from M import *`` at module level
        self.imported: set[str] = set()  # every module an absolute import names (tree.py: re-exports)
        self.classes: list[ClassInfo] = []
        self.branches: list[ast.stmt] = []  # every if and try statement
        self.import_statements: list[ast.stmt] = []  # every import and from-import statement
        self.inserts: list[Insert] = []  # what goes into containers (receivers.py: lists of threads)
        self._path: list[tuple[list[ast.stmt], int]] = []  # blocks entered since the enclosing def
        self._function: ast.AST | None = None  # the function whose returns are being collected
        self._annotated: list[ast.AST] = []  # the nodes given a _threadport_* attribute (dispose)

    def defined_names(self) -> set[str]:
        """Names defined by a ``def`` anywhere or bound in a class body (methods, aliases)."""
        names = {name for info in self.classes for name in info.methods}
        stack = [self.module]
        while stack:
            scope = stack.pop()
            stack.extend(getattr(scope, "children", ()))
            names.update(name for name, found in scope.bindings.items() if any(b.how == "def" for b in found))
        return names

    def dispose(self) -> None:
        """Break every cycle the walk made, so that the tree and all that was learnt from it
        are freed by reference counting as soon as the last reference goes: left to the cycle
        collector, each tree was traversed once more only to be found garbage (files.py pauses
        the collector while a file is analysed). The cycles: a scope and its children, a
        binding and its scope, and a node and what the walk hung on it (a function's returns
        name its scope, a class's ClassInfo names the class, a comprehension's scope its node,
        a called name its call). Nothing may be asked of the records afterwards."""
        for node in self._annotated:
            for name in ("_threadport_returns", "_threadport_class", "_threadport_scope", "_threadport_call"):
                node.__dict__.pop(name, None)
        self._annotated = []
        stack = [self.module] if self.module is not None else []
        while stack:
            scope = stack.pop()
            stack.extend(scope.__dict__.pop("children", ()))
            scope.bindings.clear()
            scope.parent = None

    # -- bindings -------------------------------------------------------------------
    def bind_target(self, target: ast.expr, scope: Scope, binding: Binding) -> None:
        if isinstance(target, ast.Name):
            scope.bindings[target.id].append(binding)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.bind_target(element, scope, Binding("other"))
        elif isinstance(target, ast.Starred):
            self.bind_target(target.value, scope, Binding("other"))
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            value = binding.value if binding.how == "value" else None
            self.attr_assigns[target.attr].append(AttrAssign(target.value.id, value, scope))
            self.visit(target.value, scope)
        else:
            if isinstance(target, ast.Subscript) and _container(target.value):
                value = binding.value if binding.how == "value" else ast.Constant(...)
                self.inserts.append(Insert(target.value, value, scope))
            self.visit(target, scope)

    def bind_arguments(self, args: ast.arguments, scope: Scope) -> None:
        positional = [*getattr(args, "posonlyargs", []), *args.args]
        for index, arg in enumerate(positional + [*args.kwonlyargs]):
            how = "self" if index == 0 and scope.method_of is not None and positional else "param"
            scope.bindings[arg.arg].append(Binding(how, scope.method_of if how == "self" else arg.arg, scope))
        for arg in (args.vararg, args.kwarg):
            if arg is not None:
                scope.bindings[arg.arg].append(Binding("param"))

    # -- the walk -------------------------------------------------------------------
    def run(self, tree: ast.Module) -> Scope:
        self.module = Scope("module", None, tree)
        self.block(tree.body, self.module)
        self._settle(self.module)
        return self.module

    def _settle(self, module: Scope) -> None:
        """Move bindings of names declared global/nonlocal to the scope they bind in."""
        stack = [module]
        seen = []
        while stack:
            scope = stack.pop()
            seen.append(scope)
            stack.extend(getattr(scope, "children", ()))
        for scope in seen:
            for name in scope.globals:
                if scope is not module and name in scope.bindings:
                    module.bindings[name].extend(scope.bindings.pop(name))
            for name in scope.nonlocals:
                target = scope.parent.lookup(name) if scope.parent else None
                if target is not None and name in scope.bindings:
                    target.bindings[name].extend(scope.bindings.pop(name))

    def new_scope(self, kind: str, parent: Scope, node: ast.AST) -> Scope:
        scope = Scope(kind, parent, node)
        parent.__dict__.setdefault("children", []).append(scope)
        return scope

    def block(self, body: list[ast.stmt], scope: Scope) -> None:
        previous = None
        self._path.append((body, 0))
        for index, statement in enumerate(body):
            self._path[-1] = (body, index)
            if isinstance(statement, ast.Try):
                earlier = body[index - 2] if index >= 2 else None
                self.pairs.append(StatementPair(previous, statement, scope, earlier))
            if isinstance(statement, (ast.If, ast.Try)):
                self.branches.append(statement)  # compat.py looks for fallbacks among these
            self.visit(statement, scope)
            previous = statement
        self._path.pop()

    def visit(self, node: ast.AST, scope: Scope, parent: ast.AST | None = None) -> None:
        # The visit_ method of each node class, looked up once per class (the walk visits
        # every node of every file checked: a string and a getattr each were a tenth of it).
        kind = type(node)
        method = _VISITORS.get(kind, _UNSEEN)
        if method is _UNSEEN:
            method = _VISITORS[kind] = getattr(Collector, "visit_" + kind.__name__, None)
            if method is None and kind in _LEAVES:
                method = _VISITORS[kind] = _leaf
        if method is not None:
            method(self, node, scope, parent)
        else:
            self.generic(node, scope)

    def generic(self, node: ast.AST, scope: Scope) -> None:
        for name in node._fields:  # ast.iter_fields without its generator
            value = getattr(node, name, None)
            if isinstance(value, list):
                if value and isinstance(value[0], ast.stmt):
                    self.block(value, scope)
                else:
                    for item in value:
                        if isinstance(item, ast.AST):
                            self.visit(item, scope, node)
            elif isinstance(value, ast.AST):
                self.visit(value, scope, node)

    def visit_FunctionDef(self, node, scope, parent=None) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator, scope)
        self._defaults(node.args, scope)
        if node.returns is not None:
            self.visit(node.returns, scope)
        scope.bindings[node.name].append(Binding("def", node, scope))
        inner = self.new_scope("function", scope, node)
        node._threadport_returns = []  # type: ignore[attr-defined]  # (value, scope) of each return
        self._annotated.append(node)
        if scope.kind == "class" and not any(
            isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod") for d in node.decorator_list
        ):
            inner.method_of = scope.node._threadport_class  # type: ignore[attr-defined]
        self.bind_arguments(node.args, inner)
        saved, self._function = self._function, node
        saved_path, self._path = self._path, []
        self.block(node.body, inner)
        self._function, self._path = saved, saved_path

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Return(self, node, scope, parent=None) -> None:
        if self._function is not None:
            self._function._threadport_returns.append((node.value, scope))  # type: ignore[attr-defined]
        if node.value is not None:
            self._escapes(node.value, scope)
            self.visit(node.value, scope)

    def visit_Yield(self, node, scope, parent=None) -> None:
        if self._function is not None:
            self._function._threadport_generator = True  # type: ignore[attr-defined]
        if node.value is not None:
            self.visit(node.value, scope)

    visit_YieldFrom = visit_Yield

    def _defaults(self, args: ast.arguments, scope: Scope) -> None:
        for default in [*args.defaults, *args.kw_defaults]:
            if default is not None:
                self.visit(default, scope)

    def visit_Lambda(self, node, scope, parent=None) -> None:
        self._defaults(node.args, scope)
        inner = self.new_scope("lambda", scope, node)
        self.bind_arguments(node.args, inner)
        saved, self._function = self._function, None
        self.visit(node.body, inner)
        self._function = saved

    def visit_ClassDef(self, node, scope, parent=None) -> None:
        for expression in [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]:
            self.visit(expression, scope)
        info = ClassInfo(node.name, node, scope)
        self.classes.append(info)
        node._threadport_class = info  # type: ignore[attr-defined]
        self._annotated.append(node)
        scope.bindings[node.name].append(Binding("class", info, scope))
        inner = self.new_scope("class", scope, node)
        info.body = inner
        saved, self._function = self._function, None
        saved_path, self._path = self._path, []
        self.block(node.body, inner)
        self._function, self._path = saved, saved_path
        info.methods = set(inner.bindings)

    def _comprehension(self, node, scope, elements) -> None:
        generators = node.generators
        # The first iterable is evaluated outside; everything else inside the comprehension.
        self.visit(generators[0].iter, scope)
        inner = self.new_scope("comprehension", scope, node)
        node._threadport_scope = inner  # type: ignore[attr-defined]  # where its element is evaluated
        self._annotated.append(node)
        for index, generator in enumerate(generators):
            if index:
                self.visit(generator.iter, inner)
            self.bind_target(generator.target, inner, Binding("for", generator.iter, scope if index == 0 else inner))
            for condition in generator.ifs:
                self.visit(condition, inner)
        for element in elements:
            self.visit(element, inner)

    def visit_ListComp(self, node, scope, parent=None) -> None:
        self._comprehension(node, scope, [node.elt])

    visit_SetComp = visit_GeneratorExp = visit_ListComp

    def visit_DictComp(self, node, scope, parent=None) -> None:
        self._comprehension(node, scope, [node.key, node.value])

    def _escapes(self, node: ast.expr, scope: Scope) -> None:
        """A container handed to other code (an argument, another name, a return value) may be
        filled there with anything: record an unknown insert, so it is not a list of threads."""
        if isinstance(node, ast.Starred):
            node = node.value
        if _container(node):
            self.inserts.append(Insert(node, ast.Constant(...), scope))

    def visit_Assign(self, node, scope, parent=None) -> None:
        self._escapes(node.value, scope)
        self.visit(node.value, scope)
        for target in node.targets:
            self.bind_target(target, scope, Binding("value", node.value, scope))

    def visit_AnnAssign(self, node, scope, parent=None) -> None:
        self.visit(node.annotation, scope)
        if node.value is not None:
            self.visit(node.value, scope)
            self.bind_target(node.target, scope, Binding("value", node.value, scope))
        elif not isinstance(node.target, ast.Name):
            self.visit(node.target, scope)

    def visit_AugAssign(self, node, scope, parent=None) -> None:
        self.visit(node.value, scope)
        self.bind_target(node.target, scope, Binding("other"))
        if isinstance(node.target, ast.Name):
            self.visit(ast.Name(node.target.id, ast.Load()), scope)

    def visit_NamedExpr(self, node, scope, parent=None) -> None:
        self.visit(node.value, scope)
        target_scope = scope
        while target_scope.kind == "comprehension" and target_scope.parent is not None:
            target_scope = target_scope.parent
        self.bind_target(node.target, target_scope, Binding("value", node.value, scope))

    def visit_For(self, node, scope, parent=None) -> None:
        self.visit(node.iter, scope)
        self.bind_target(node.target, scope, Binding("for", node.iter, scope))
        self.block(node.body, scope)
        self.block(node.orelse, scope)

    visit_AsyncFor = visit_For

    def visit_With(self, node, scope, parent=None) -> None:
        for item in node.items:
            self.visit(item.context_expr, scope)
            if item.optional_vars is not None:
                self.bind_target(item.optional_vars, scope, Binding("other"))
        self.block(node.body, scope)

    visit_AsyncWith = visit_With

    def visit_ExceptHandler(self, node, scope, parent=None) -> None:
        if node.type is not None:
            self.visit(node.type, scope)
        if node.name:
            scope.bindings[node.name].append(Binding("other"))
        self.block(node.body, scope)

    def visit_Import(self, node, scope, parent=None) -> None:
        self.import_statements.append(node)
        for alias in node.names:
            self.imported.add(alias.name)
            if alias.asname:
                scope.bindings[alias.asname].append(Binding("import", alias.name, scope))
            else:  # ``import a.b`` binds ``a``
                top = alias.name.partition(".")[0]
                scope.bindings[top].append(Binding("import", top, scope))

    def visit_ImportFrom(self, node, scope, parent=None) -> None:
        self.import_statements.append(node)
        module = node.module or ""
        if module in THREADING_MODULES and not node.level:
            self.imports.append(ImportSite(node, scope))
        if not node.level:
            self.imported.add(module)
            self.imported.update(f"{module}.{alias.name}" for alias in node.names if alias.name != "*")
        for alias in node.names:
            if alias.name == "*":
                if scope.kind == "module" and not node.level:
                    self.star_imports.add(module)
                continue
            source = module if not node.level else "." * node.level + module
            scope.bindings[alias.asname or alias.name].append(Binding("from", (source, alias.name), scope))

    def visit_Global(self, node, scope, parent=None) -> None:
        scope.globals.update(node.names)

    def visit_Nonlocal(self, node, scope, parent=None) -> None:
        scope.nonlocals.update(node.names)

    def visit_Delete(self, node, scope, parent=None) -> None:
        for target in node.targets:
            self.bind_target(target, scope, Binding("other"))

    def visit_Name(self, node, scope, parent=None) -> None:
        if node.id in self.trigger_names:
            if isinstance(parent, ast.Call) and parent.func is node:
                node._threadport_call = parent  # type: ignore[attr-defined]  # the call it names
                self._annotated.append(node)
            self.names.append(NameSite(node, scope))

    def visit_Attribute(self, node, scope, parent=None) -> None:
        if node.attr in self.trigger_attributes:
            call = parent if isinstance(parent, ast.Call) and parent.func is node else None
            statement = call is not None and getattr(call, "_threadport_statement", False)
            body, index = self._path[-1]  # the statement being walked, in its block
            prior = tuple(reversed(body[max(0, index - 8) : index]))  # (made here: few nodes are sites)
            self.attributes.append(AttributeSite(node, scope, call, statement, prior, tuple(self._path)))
        self.visit(node.value, scope, node)

    def visit_Expr(self, node, scope, parent=None) -> None:
        if isinstance(node.value, ast.Call):
            node.value._threadport_statement = True  # type: ignore[attr-defined]
        self.visit(node.value, scope, node)

    def visit_Call(self, node, scope, parent=None) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in _INSERTS and _container(func.value) and node.args:
            if len(node.args) == _INSERTS[func.attr] and not node.keywords:
                self.inserts.append(Insert(func.value, node.args[-1], scope, many=func.attr == "extend"))
            else:  # an odd call shape: whatever went in is unknown
                self.inserts.append(Insert(func.value, ast.Constant(...), scope))
        self.visit(node.func, scope, node)
        reads_only = isinstance(func, ast.Name) and func.id in _READS_ONLY
        for argument in node.args:
            if not reads_only:
                self._escapes(argument, scope)
            self.visit(argument, scope, node)
        for keyword in node.keywords:
            self.visit(keyword.value, scope, node)

    # match statements bind names too; treat captures as unknown values
    def visit_MatchAs(self, node, scope, parent=None) -> None:
        if node.name:
            scope.bindings[node.name].append(Binding("other"))
        if node.pattern is not None:
            self.visit(node.pattern, scope)

    def visit_MatchStar(self, node, scope, parent=None) -> None:
        if node.name:
            scope.bindings[node.name].append(Binding("other"))

    def visit_MatchMapping(self, node, scope, parent=None) -> None:
        if node.rest:
            scope.bindings[node.rest].append(Binding("other"))
        self.generic(node, scope)


# builtins that only read the container they are given
_READS_ONLY = frozenset(
    {
        "len",
        "list",
        "tuple",
        "sorted",
        "set",
        "frozenset",
        "iter",
        "enumerate",
        "reversed",
        "min",
        "max",
        "any",
        "all",
        "sum",
        "repr",
        "str",
        "id",
        "isinstance",
        "bool",
        "print",
        "zip",
        "map",
        "filter",
        "hash",
    }
)
# container methods that put one item in (or, for extend, many), with their argument count
_INSERTS = {"append": 1, "add": 1, "insert": 2, "appendleft": 1, "extend": 1, "setdefault": 2}


def _container(node: ast.expr) -> bool:
    """A name or ``owner.attr``: the container shapes receivers.py can follow."""
    return isinstance(node, ast.Name) or (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name))


# Collector.visit's dispatch: node class -> its visit_ function, or None (generic).
_VISITORS: dict[type, object] = {}
_UNSEEN = object()


def _leaf(collector: Collector, node: ast.AST, scope: Scope, parent: ast.AST | None = None) -> None:
    """Nothing to walk into: no node below it (generic's loop over its fields found none)."""


# The node classes that never hold another node: a constant (its value is a Python object,
# never a node), and the contexts and operators (Load, Add, And, Not, Eq...: no fields). They
# are a fifth of the nodes a walk visits; generic() looked through the fields of each.
_LEAVES = frozenset(
    {ast.Constant}
    | {
        kind
        for base in (ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop)
        for kind in base.__subclasses__()
        if not kind._fields
    }
)


def collect(
    tree: ast.Module, attributes: frozenset[str] = frozenset(), names: frozenset[str] = frozenset()
) -> Collector:
    collector = Collector(attributes, names)
    collector.run(tree)
    return collector
