"""What a parameter of a public function or method is, from every call the tree makes of it.

paramiko's ``AuthHandler.wait_for_response(self, event)`` waits on ``event.isSet()``; the
method is anyone's to call, so the file alone proves nothing. But the files being processed
are the ones ``fix`` rewrites, and the tree's facts already bound what certainty means
(an attribute is what its class assigns unless a file of the tree assigns it from outside,
tree.py). Here, in the same spirit, a parameter is a threading object when every call of
the function's name anywhere in the tree passes one (or None, or leaves a None default:
the rewritten call then fails on None as the old one did), and nothing in the tree can
reach the function any other way:

- every function or method the tree defines under that name is plain (no decorator, not
  a dunder the interpreter calls) and takes the parameter at the same position, all of
  them methods or all of them functions;
- the name is never read other than as the function of a call (``f = obj.wait``,
  ``Thread(target=obj.wait)``, ``getattr(obj, "wait")``: a call the tree does not show),
  and no call of it spreads ``*args`` or ``**kwargs``;
- a method called on something that may be a class (``Transport.start(self, event)``)
  takes ``self`` first: both readings of the arguments must pass. A receiver may be a
  class when it is one, or is named like a class of the tree that defines the method (or
  derives from one), or is a call (``type(x)``) or ``__class__``, or when such a class's
  name is read any other way than to call it, derive from it, test against it or read an
  attribute of it (it may then be stored under any name).

What is outside the tree (a caller elsewhere, a stdlib callback, reflection with computed
names) is outside the proof, as for attributes. The answers are worked out in rounds from
nothing known: a call passing another public function's parameter is decided in the next
round, once that parameter is; a cycle stays unknown.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from threadport.fixer._functions import _all_scopes
from threadport.fixer.receivers import NOTHING, PENDING, Kind, Receivers
from threadport.fixer.scopes import Scope, collect
from threadport.fixer.source import SourceError, decode, read_bytes
from threadport.records import Record

NONE = ("none",)  # a None passed, or a None default left: fails before and after alike
BOTTOM = ("bottom",)  # nothing known to reach it yet (a round's start): adds nothing to a union
ROUNDS = 8  # rounds of answers feeding answers (each adds a level of calls passing a parameter on)
# Parsing every file that mentions a name is the cost (the stdlib mentions ``shutdown`` in
# scores of files): a function whose name more files mention is not followed (unknown), and
# a class more files mention is taken as stored anywhere (both readings of a call).
MOST_FILES_PER_FUNCTION = 16
MOST_FILES_PER_CLASS = 32


class Definition(Record):
    __slots__ = ("name", "method", "owner", "params", "defaults", "plain")

    def __init__(self, name, method, owner, params, defaults, plain) -> None:
        self.name = name
        self.method = method  # a def in a class body (not static/class method)
        self.owner = owner  # that class's name
        self.params = params  # positional parameter names, ``self`` left out for a method
        self.defaults = defaults  # parameter -> kind token of its default
        self.plain = plain  # undecorated, not a dunder


class Call(Record):
    __slots__ = ("name", "receiver", "args", "keywords", "spread", "own")

    def __init__(self, name, receiver, args, keywords, spread, own=False) -> None:
        self.name = name
        self.receiver = receiver  # "instance", "class", "function" (a bare name) or ("unknown", word)
        self.args = args  # kind tokens of the positional arguments
        self.keywords = keywords  # keyword -> kind token
        self.spread = spread  # ``*args`` or ``**kwargs``: any parameter may get anything
        self.own = own  # on self or super(): an instance, whatever the tree says (refuted)


class Scan(Record):
    """What one file says about the names asked for."""

    __slots__ = ("definitions", "calls", "escapes", "bases", "class_escapes", "assumed", "wanted")

    def __init__(self) -> None:
        self.definitions: list[Definition] = []
        self.calls: list[Call] = []
        self.escapes: set[str] = set()  # names read other than as a callee (or named in a string)
        self.bases: list[tuple[str, tuple[str, ...]]] = []  # (class, the words naming its bases)
        self.class_escapes: set[str] = set()  # class names read other than to call, derive, test
        self.assumed: set[str] = set()  # attributes the argument kinds relied on (tree.py checks)
        self.wanted: set[tuple[str, str, str]] = set()  # other parameters they relied on (and their class)


def token(kind: Kind | None) -> tuple | None:
    """A kind as facts keep it (plain tuples: they cross to worker processes)."""
    if kind is not None and kind.what == "object":
        return ("object", kind.name)
    return NONE if kind == NOTHING else None


def _word(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _value_token(node: ast.expr, scope: Scope, receivers: Receivers) -> tuple | None:
    if isinstance(node, ast.Constant) and node.value is None:
        return NONE
    # Asked as from inside a cycle, so a value resting only on parameters not decided yet
    # comes back PENDING (BOTTOM here) instead of unknown; nothing is remembered meanwhile.
    receivers._visiting.add(("", -1))
    try:
        kind = receivers.kind_of(node, scope)
    finally:
        receivers._visiting.discard(("", -1))
    return BOTTOM if kind == PENDING else token(kind)


class FileScan:
    """One file of the tree, parsed once for all rounds: what it says about the names asked
    for that no answer changes (definitions, escapes, bases) is kept; the kinds of the
    arguments, which do change, are worked out again each round."""

    def __init__(self, text: str, tree: ast.Module | None = None) -> None:
        from threadport.fixer.parsing import parse

        self.text = text
        self.tree = parse(text).tree if tree is None else tree
        self.parents = {child: parent for parent in ast.walk(self.tree) for child in ast.iter_child_nodes(parent)}
        self._collected: dict[frozenset[str], object] = {}
        self._shape: dict[tuple[frozenset[str], frozenset[str]], Scan] = {}

    def collected(self, names: frozenset[str]):
        """The sites of ``names``: collected once for every name asked about so far (a name
        asked about later has the file walked again, for all of them)."""
        known = next(iter(self._collected), frozenset())
        if not names <= known:
            known = known | names
            self._collected = {known: collect(self.tree, known, known)}
        return self._collected[known]

    def shape(self, names: frozenset[str], classes: frozenset[str]) -> Scan:
        """Escapes of ``names`` and ``classes``, and the classes' bases: no answer changes them."""
        shape = self._shape.get((names, classes))
        if shape is None:
            shape = self._shape[(names, classes)] = self._structure(self.collected(names), names, classes)
        return shape

    def scan(self, names: frozenset[str], classes: frozenset[str], open_names: frozenset[str], receivers_for) -> Scan:
        """Definitions and calls of ``names`` (argument kinds for ``open_names`` only), and
        escapes of them and of ``classes``."""
        collected = self.collected(names)
        shape = self.shape(names, classes)
        found = Scan()
        found.escapes, found.bases, found.class_escapes = shape.escapes, shape.bases, shape.class_escapes
        receivers: Receivers = receivers_for(collected, self.text)
        for scope in _all_scopes(collected.module):
            for name in names & scope.bindings.keys():
                for binding in scope.bindings[name]:
                    if binding.how == "def":
                        found.definitions.append(_definition(binding.value, scope, receivers, name in open_names))
        for site in collected.attributes:
            node = site.node
            if node.attr in open_names and isinstance(node.ctx, ast.Load) and site.call is not None:
                receiver = _receiver(node.value, site.scope, receivers)
                found.calls.append(_call(node.attr, site.call, receiver, site, receivers))
                found.calls[-1].own = _own(node.value, site.scope, receivers)
        for name_site in collected.names:
            node = name_site.node
            call = getattr(node, "_threadport_call", None)
            if node.id in open_names and isinstance(node.ctx, ast.Load) and call is not None:
                found.calls.append(_call(node.id, call, "function", name_site, receivers))
        found.assumed = set(receivers.assumed)
        found.wanted = set(receivers.wanted)
        return found

    def _structure(self, collected, names: frozenset[str], classes: frozenset[str]) -> Scan:
        found = Scan()
        for site in collected.attributes:
            # ``obj.wait = other`` is no escape: calls of obj.wait reach other, and are looked at all the same
            if isinstance(site.node.ctx, ast.Load) and site.call is None and site.node.attr in names:
                found.escapes.add(site.node.attr)
        for name_site in collected.names:
            node = name_site.node
            if isinstance(node.ctx, ast.Load) and node.id in names and getattr(node, "_threadport_call", None) is None:
                found.escapes.add(node.id)
        parents = self.parents
        for node in parents:
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if node.value in names:
                    found.escapes.add(node.value)  # getattr(obj, "wait"), a dispatch table of names
                elif node.value in classes and _retrieves(node, parents):
                    found.class_escapes.add(node.value)  # getattr(module, "Transport")
            elif isinstance(node, ast.ClassDef):
                found.bases.append((node.name, tuple(w for w in map(_word, node.bases) if w)))
            elif isinstance(node, ast.alias) and node.asname and node.name.rpartition(".")[2] in classes:
                found.class_escapes.add(node.name.rpartition(".")[2])  # ``import Transport as T``
            elif isinstance(node, (ast.Name, ast.Attribute)) and _word(node) in classes:
                if not _class_use(node, parents):
                    found.class_escapes.add(_word(node))
        return found


def _retrieves(node: ast.expr, parents: dict) -> bool:
    """A string that may fetch what it names: an argument (``getattr(m, "Transport")``) or a
    key (``globals()["Transport"]``); not one compared (``"Transport" in symbols``) or listed
    in ``__all__`` (a star import binds the class under its own name)."""
    parent = parents.get(node)
    return isinstance(parent, (ast.Call, ast.Subscript, ast.keyword))


def _is_test(call: ast.Call) -> bool:
    return isinstance(call.func, ast.Name) and call.func.id in ("isinstance", "issubclass")


def _class_use(node: ast.expr, parents: dict) -> bool:
    """A class name read to call it, derive from it, test against it or read an attribute of it."""
    parent = parents.get(node)
    if not isinstance(node.ctx, ast.Load):
        return True  # a binding of the name (its class statement is not a Name node)
    if isinstance(parent, ast.Call):
        if parent.func is node:
            return True
        return _is_test(parent)
    if isinstance(parent, ast.Attribute) and parent.value is node:
        return True
    if isinstance(parent, ast.ClassDef) and node in parent.bases:
        return True
    if isinstance(parent, ast.Tuple):  # isinstance(x, (A, B)), except (A, B)
        grand = parents.get(parent)
        if isinstance(grand, ast.ExceptHandler):
            return True
        return isinstance(grand, ast.Call) and _is_test(grand)
    return isinstance(parent, ast.ExceptHandler)


def _definition(node: ast.AST, scope: Scope, receivers: Receivers, open_name: bool) -> Definition:
    args = node.args
    positional = [a.arg for a in (*getattr(args, "posonlyargs", []), *args.args)]
    method = scope.kind == "class" and not node.decorator_list
    owner = scope.node.name if scope.kind == "class" else None
    if method:
        positional = positional[1:]
    defaults = {}
    for param, default in zip(positional[len(positional) - len(args.defaults) :], args.defaults):
        defaults[param] = _value_token(default, scope, receivers) if open_name else None
    dunder = node.name.startswith("__") and node.name.endswith("__")
    plain = not node.decorator_list and not dunder and not isinstance(node, ast.AsyncFunctionDef)
    return Definition(node.name, scope.kind == "class", owner, tuple(positional), defaults, plain)


def _receiver(node: ast.expr, scope: Scope, receivers: Receivers) -> object:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super":
        return "instance"
    kind = receivers.kind_of(node, scope)
    if kind is not None and kind.what in ("self", "instance", "object", "module", "other-module"):
        return "instance"  # a module: ``mod.f(...)`` calls a function, as an instance's method takes no self here
    if kind is not None and kind.what == "class":
        return "class"
    if isinstance(node, ast.Call) or _word(node) == "__class__":
        return "class"  # type(x).wait(x, ...)
    return ("unknown", _word(node))


def _own(node: ast.expr, scope: Scope, receivers: Receivers) -> bool:
    """``self`` (or ``super()``): the call reaches the method as an instance's."""
    if isinstance(node, ast.Call):
        return isinstance(node.func, ast.Name) and node.func.id == "super"
    kind = receivers.kind_of(node, scope) if isinstance(node, ast.Name) else None
    return kind is not None and kind.what == "self"


def _call(name: str, call: ast.Call, receiver: object, site, receivers: Receivers) -> Call:
    spread = any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords)
    args = tuple(_value_token(a, site.scope, receivers) for a in call.args if not isinstance(a, ast.Starred))
    keywords = {k.arg: _value_token(k.value, site.scope, receivers) for k in call.keywords if k.arg is not None}
    return Call(name, receiver, args, keywords, spread)


def refuted(text: str, tree: ast.Module, wanted: set[tuple[str, str, str]]) -> set[tuple[str, str]]:
    """The (function name, parameter) of ``wanted`` this file alone proves unknown: what
    ``gather`` decides in its first round from this file's calls and definitions, whatever
    the other files say, so the tree is not searched for them (check_file, in its worker).

    Its first round already takes every parameter not decided yet at its best (PENDING),
    and a first-round unknown stays unknown (``settled``); the other files, and assignments
    from outside a class (not known here: none is assumed), can only add calls, definitions
    and escapes, each of which leaves an unknown unknown. A module of the tree re-exporting
    threading can make a value known: the caller uses these only when the tree has none.
    A call's arguments are read as the method's own (self's, or super()'s) or the function's.
    """
    from threadport.fixer.receivers import Receivers

    names = frozenset(name for name, _, _ in wanted)
    scan = FileScan(text, tree)
    shape = scan.shape(names, frozenset())

    def receivers_for(collected, text):
        receivers = Receivers(collected, text=text)
        receivers.params_pending = True  # as gather's first round: nothing decided yet
        return receivers

    found = scan.scan(names, frozenset(), names - shape.escapes, receivers_for)
    proved = set()
    for name, param, _ in wanted:
        defs = [d for d in found.definitions if d.name == name]
        taking = [d for d in defs if param in d.params]
        if name in shape.escapes or not all(d.plain for d in defs):
            proved.add((name, param))
            continue
        if not taking or len({d.method for d in taking}) != 1 or len({d.params.index(param) for d in taking}) != 1:
            if taking:
                proved.add((name, param))  # methods and functions, or the parameter at different places
            continue
        index, method = taking[0].params.index(param), taking[0].method
        for call in found.calls:
            if call.name != name:
                continue
            if call.spread:
                proved.add((name, param))
                break
            if method and not call.own:
                continue  # read as the method's own only when the receiver is self
            given = call.args[index] if index < len(call.args) else call.keywords.get(param, BOTTOM)
            if given is None:
                proved.add((name, param))
                break
    scan.collected(names).dispose()  # its walk annotated the tree the caller disposes of too
    return proved


# -- the tree ----------------------------------------------------------------------------
def decide(wanted: set[tuple[str, str]], scans: list[Scan]) -> dict[tuple[str, str], tuple | None]:
    """Each wanted (function name, parameter): the kind token every call gives it, or None."""
    definitions: dict[str, list[Definition]] = {}
    calls: dict[str, list[Call]] = {}
    escapes: set[str] = set()
    class_escapes: set[str] = set()
    bases: dict[str, set[str]] = {}
    for found in scans:
        for definition in found.definitions:
            definitions.setdefault(definition.name, []).append(definition)
        for call in found.calls:
            calls.setdefault(call.name, []).append(call)
        escapes |= found.escapes
        class_escapes |= found.class_escapes
        for cls, words in found.bases:
            bases.setdefault(cls, set()).update(words)
    return {key: _decide(key, definitions, calls, escapes, class_escapes, bases) for key in wanted}


def owners(name: str, definitions: dict[str, list[Definition]], bases: dict[str, set[str]]) -> set[str]:
    """The classes defining method ``name``, and the tree's classes deriving from them (by name)."""
    found = {d.owner for d in definitions.get(name, ()) if d.owner}
    grew = True
    while grew:
        more = {cls for cls, words in bases.items() if cls not in found and words & found}
        found |= more
        grew = bool(more)
    return found


def _decide(key, definitions, calls, escapes, class_escapes, bases) -> tuple | None:
    name, param = key
    # The defs taking the parameter: every call of the name is looked at, whichever def it
    # reaches (one without the parameter, a test's own helper, only adds calls to look at).
    defs = [d for d in definitions.get(name, []) if param in d.params]
    if not defs or name in escapes or not all(d.plain for d in definitions.get(name, [])):
        return None
    if len({d.method for d in defs}) != 1 or len({d.params.index(param) for d in defs}) != 1:
        return None  # methods and functions, or the parameter at different places
    index = defs[0].params.index(param)
    method = defs[0].method
    classes = owners(name, {name: defs}, bases) if method else set()
    hidden = bool(classes & class_escapes)  # a class of it stored under another name
    defaults = {d.defaults.get(param, NONE) for d in defs}  # no default: a call omitting it fails alike
    given = set()
    for call in calls.get(name, ()):
        if call.spread:
            return None
        readings = ["instance"] if method else ["function"]
        if method and call.receiver == "class":
            readings = ["class"]
        elif method and call.receiver == "function":
            readings = ["class"]  # a bare name reaching a method: only its own function, self given
        elif method and isinstance(call.receiver, tuple):
            if hidden or call.receiver[1] in classes:
                readings = ["instance", "class"]
        for reading in readings:
            at = index + 1 if reading == "class" else index
            if at < len(call.args):
                given.add(call.args[at])
            elif param in call.keywords:
                given.add(call.keywords[param])
            else:
                given |= defaults
    given.discard(BOTTOM)
    if not given:  # no call in the tree (then outside callers are all there is), or none decided yet
        return BOTTOM if calls.get(name) else None
    objects = given - {NONE}
    if None in objects or len(objects) > 1:
        return None
    return objects.pop() if objects else NONE  # NONE: only ever None (an attribute reset, say)


def gather(
    paths: list[Path],
    wanted: set[tuple[str, str]],
    receivers_for: Callable[[object, str, Path, dict], Receivers],
    scan_attributes: Callable[[set[str]], None],
    classes: Iterable[str] = (),
) -> dict[tuple[str, str], tuple | None]:
    """Answers for ``wanted`` (and the parameters they lean on), from the files in ``paths``.

    ``receivers_for(collected, text, path, answers)`` makes a file's Receivers with the
    answers so far; ``scan_attributes(attrs)`` has the tree searched for outside
    assignments of attributes an argument's kind relied on. A round that relied on an
    attribute not yet searched for starts the rounds again from nothing known, so no
    answer rests on an optimistic one.
    """
    scanned: set[str] = set()
    answers: dict[tuple[str, str], tuple | None] = {}
    files = Files(paths)
    hinted = set(classes) - {""}  # the classes of the methods asked about: read for in the same pass
    for _ in range(ROUNDS * 2):
        settled = {key for key, value in answers.items() if value is None}  # unknown stays unknown
        scans = _scans(wanted, settled, files, functools.partial(_with_answers, receivers_for, answers), hinted)
        if scans is None:
            return {}
        relied = {attr for found in scans for attr in found.assumed} - scanned
        more = {w[:2] for found in scans for w in found.wanted} - wanted
        hinted |= {w[2] for found in scans for w in found.wanted} - {""}
        new = decide(wanted - settled, scans)
        new.update((key, None) for key in settled)
        if relied:
            scan_attributes(relied)
            scanned |= relied
            answers = {}  # what rested on those attributes is worked out again
            wanted |= more
            continue
        new = {key: value for key, value in new.items() if value != BOTTOM}  # absent: BOTTOM
        if new == answers and not more:
            return {key: value for key, value in answers.items() if value is not None}
        answers = new
        wanted |= more
    return {}  # no fixed point in reach: nothing is proved


def _with_answers(receivers_for, answers, collected, text, *, path):
    return receivers_for(collected, text, path, answers)


def _scans(wanted, settled, files: Files, receivers_for, hinted: set[str]) -> list[Scan] | None:
    """Every file mentioning a name still open, or a class defining one (or deriving from one).

    A name read other than as a callee anywhere is settled first, from the files' shapes,
    so the arguments of its calls (``write``, ``read``: everywhere) are never worked out."""
    names = frozenset(name for name, _ in wanted - settled)
    files.mentioning(names | hinted)  # one pass over the tree for both (each pass reads every file)
    names = frozenset(name for name in names if len(files.mentioning({name})) <= MOST_FILES_PER_FUNCTION)
    classes: frozenset[str] = frozenset()
    while True:
        mentioning = files.mentioning(names | classes)
        if any(files.scan_of(path) is None for path in mentioning):
            return None  # a file that cannot be parsed says nothing: nothing is proved
        escaped = set().union(*(files.scan_of(path).shape(names, classes).escapes for path in mentioning))
        open_names = names - escaped
        scans = [
            files.scan_of(path).scan(names, classes, open_names, functools.partial(receivers_for, path=path))
            for path in mentioning
        ]
        crowded = {cls for cls in classes if len(files.mentioning({cls})) > MOST_FILES_PER_CLASS}
        if crowded and scans:
            scans[0].class_escapes = scans[0].class_escapes | crowded  # not looked at: may be anywhere
        definitions: dict[str, list[Definition]] = {}
        bases: dict[str, set[str]] = {}
        for found in scans:
            for definition in found.definitions:
                definitions.setdefault(definition.name, []).append(definition)
            for cls, words in found.bases:
                bases.setdefault(cls, set()).update(words)
        grown = frozenset().union(*(owners(name, definitions, bases) for name in open_names))
        if grown <= classes:
            return scans
        classes |= grown


class Files:
    """The tree's files: which mention a word (every file read once per new batch of words),
    and each one's FileScan (parsed once, when first needed; None when it cannot be)."""

    def __init__(self, paths: list[Path]) -> None:
        self.paths = paths
        self.by_word: dict[str, list[Path]] = {}
        self.scans: dict[Path, FileScan | None] = {}

    def mentioning(self, words: Iterable[str]) -> list[Path]:
        words = set(words)
        new = sorted(words - self.by_word.keys())
        if new:
            for word in new:
                self.by_word[word] = []
            patterns = [(word, word.encode(), re.compile(rb"\b" + re.escape(word.encode()) + rb"\b")) for word in new]
            for path in self.paths:
                try:
                    data = read_bytes(path)
                except SourceError:
                    continue  # reported by the command that reads it
                for word, literal, pattern in patterns:
                    if literal in data and pattern.search(data):  # a memchr-speed test first
                        self.by_word[word].append(path)
        found = {path for word in words for path in self.by_word[word]}
        return [path for path in self.paths if path in found]

    def scan_of(self, path: Path) -> FileScan | None:
        if path not in self.scans:
            try:
                self.scans[path] = FileScan(decode(read_bytes(path))[0])
            except Exception:  # noqa: BLE001 - unreadable or unparsable: the caller proves nothing
                self.scans[path] = None
        return self.scans[path]
