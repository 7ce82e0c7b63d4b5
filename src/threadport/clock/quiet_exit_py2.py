# The quiet exit of a forked Python 2.7 run (threadport.forkserver): quiet_exit.py's
# counterpart for the interpreter that has no gc.freeze.
#
# A forked 2.7 run ends through the interpreter's shutdown, as a fresh process does. There
# it deallocates the fork server's whole heap (a full gc collection, every module's
# dictionary cleared), writing to nearly every page of it that the run shares with the
# server copy-on-write: of a forked run of an empty entry point, about 5.5 ms and 520 page
# faults of 7.7 ms and 770. What that shutdown can show the world after main() is done:
#   - threads it waits for (threading._shutdown), sys.exitfunc (the atexit module's);
#   - a newline owed to sys.stdout by a `print x,` (its softspace), stdout and stderr flushed;
#   - code run by the teardown of objects: __del__ (of an old-style instance too, even one
#     set on the instance), weakref callbacks, generators closed inside try or with;
#   - open file objects: flushed, closed (a pclose waits for its process), "close failed in
#     file object destructor" when that fails; trace and profile functions, gc's debug output.
# checker() returns a function that says, at the end of main(), whether none of these can
# happen; only then does the run end with os._exit(status), which is what the shutdown
# would have shown (stdout and stderr are unbuffered: the runs have -u).
#
# 2.7 can neither freeze the server's objects nor list the run's apart from them: gc.get_objects()
# lists every object gc tracks, and its INCREF of each one copied every page of the server's
# heap that holds one (about 300 pages: with the rest of that check, 2-3 ms of a forked run).
# So the check first reads gc's two young generations itself (YoungObjects below), where every
# object made since the server settled (settle()) still is unless a collection of an older
# generation ran since (the sentinel tells); the modules the run loaded are among them. The
# server's older objects were judged when it settled, and what a run can change in them is
# read again: its classes' tp_del, its old-style instances, its weakrefs' callbacks' code,
# and the instances of a young class with a __del__ (one may have been given to an older
# object by __class__) among that class's referrers. Where that does not prove the run quiet,
# modules_known and the walk over every object (gc.get_objects) decide, as before.
# (YoungObjects' _ctypes made the GIL in the server: see _skip_after_fork and runner's
# _TELLS_APART.) And 2.7's file objects are not tracked by gc at all: an open one cannot be seen, so it must be proved
# that the run never made one. That is read from the run's code, once per source in the
# server (judge): no name of a function that makes a file or a descriptor's end (open, file,
# fdopen, popen, tmpfile, makefile, close, dup2...), none that reaches a function by a
# computed name or a namespace (getattr, vars, globals, eval, func_globals, f_globals,
# _getframe...), no dunder name but the methods and module facts of ALLOWED_DUNDERS
# (__dict__, __builtins__, __import__, __class__, __subclasses__... are refused), no exec
# statement; and, at the end, no module loaded but the server's, the run's own and the
# few of EXTRA_MODULES, which make no file. Anything else ends through the shutdown.
#
# Written in the common subset of Python 2.7 and 3.6+ like driver.py (the lint reads it as
# Python 3), but run on 2.7 only; driver.py imports it in the server and takes it out of
# sys.modules again (a fresh run never has it).

import os
import sys

HEAP_TYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: a class made by a class statement (or type())
HAVE_GC = 1 << 14  # Py_TPFLAGS_HAVE_GC: its instances are tracked by gc
# Opcodes of 2.7 (opcode.opmap; tests/test_quiet_exit_py2.py checks them there).
HAVE_ARGUMENT = 90
EXEC_STMT = 85
STORE_ATTR, DELETE_ATTR = 95, 96
TRY_BLOCKS = (121, 122, 143)  # SETUP_EXCEPT, SETUP_FINALLY, SETUP_WITH: a generator's close runs them
# Names that make a file object (builtins, os, tempfile, subprocess, socket) or act on a
# descriptor a file object may hold (a failed close or flush at exit prints a complaint).
FILE_NAMES = frozenset(
    (
        "open", "file", "fdopen", "popen", "popen2", "popen3", "popen4", "tmpfile", "makefile",
        "TemporaryFile", "NamedTemporaryFile", "SpooledTemporaryFile", "Popen", "FileType",
        "close", "closerange", "dup", "dup2", "ftruncate", "fcntl",
    )
)  # fmt: skip
# Names that reach a function (or a namespace holding one) by a computed name, or make code
# (type: the class of an object, such as file from sys.stdout).
INDIRECT_NAMES = frozenset(
    (
        "type", "getattr", "setattr", "delattr", "vars", "globals", "locals", "eval", "execfile", "compile",
        "input", "reload", "attrgetter", "methodcaller", "import_module", "load", "loads",
        "func_globals", "func_closure", "func_code", "f_globals", "f_locals", "f_builtins", "f_back",
        "gi_frame", "tb_frame", "_getframe", "cell_contents", "FunctionType", "CodeType", "ModuleType",
    )
)  # fmt: skip
# Dunder names a run may use: methods a class defines, and facts of a module or a class.
ALLOWED_DUNDERS = frozenset(
    (
        "__init__", "__new__", "__del__", "__name__", "__module__", "__doc__", "__file__", "__main__",
        "__future__", "__metaclass__", "__slots__", "__all__", "__version__", "__author__",
        "__enter__", "__exit__", "__iter__", "__len__", "__call__", "__repr__", "__str__", "__unicode__",
        "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__hash__", "__cmp__", "__nonzero__",
        "__contains__", "__getitem__", "__setitem__", "__delitem__",
        "__add__", "__sub__", "__mul__", "__div__", "__iadd__", "__isub__",
    )
)  # fmt: skip
# Modules a run may load besides the server's: pure Python or plain C, none makes a file,
# keeps one, registers an exit function or defines a __del__.
# (select: the check's own wait for a thread still ending loads it.)
EXTRA_MODULES = frozenset(("Queue", "dis", "opcode", "bisect", "_bisect", "math", "functools", "_functools", "select"))
# Weakref callbacks that only take a dead entry out of a weak container.
SILENT_CALLBACKS = (("_weakrefset.py", "_remove"), ("weakref.py", "remove"))
# Loaded modules whose every class is a plain container, iterator, lock or wrapper.
# (_ast: the classes of the compiler's nodes, which 2.7's compile() makes, as heap types.)
PLAIN_MODULES = ("itertools", "_collections", "_functools", "operator", "thread", "_sre", "_bisect", "math", "_ast")


def _code_objects(code):
    found = [code]
    for one in found:
        found.extend(const for const in one.co_consts if type(const) is type(code))
    return found


def _instructions(code):
    """The (opcode, argument) pairs of a 2.7 code object: an opcode with an argument takes three
    bytes, its argument the last two (little-endian); None for one without."""
    raw, index, found = code.co_code, 0, []
    while index < len(raw):
        op = ord(raw[index : index + 1])
        if op >= HAVE_ARGUMENT:
            found.append((op, ord(raw[index + 1 : index + 2]) | ord(raw[index + 2 : index + 3]) << 8))
            index += 3
        else:
            found.append((op, None))
            index += 1
    return found


def _opcodes(code):
    """The opcodes of a 2.7 code object."""
    return [op for op, _ in _instructions(code)]


def plain_code(code):
    """True when ``code`` (a compiled source, its functions and classes within) names no way
    to make a file object or to reach one by a computed name (see the header)."""
    for one in _code_objects(code):
        for name in one.co_names:
            if name in FILE_NAMES or name in INDIRECT_NAMES:
                return False
            if name.startswith("__") and name.endswith("__") and name not in ALLOWED_DUNDERS:
                return False
        if EXEC_STMT in _opcodes(one):
            return False
    return True


def _attribute_stores(code):
    """The names a 2.7 code object stores or deletes as attributes (STORE_ATTR, DELETE_ATTR)."""
    return {code.co_names[argument] for op, argument in _instructions(code) if op in (STORE_ATTR, DELETE_ATTR)}


def _shutdown_names(threading, main_thread):
    """What 2.7's shutdown runs (threading._shutdown: the main thread's _exitfunc): the names its
    code uses, through threading's globals and the classes of the main thread, of its own objects
    (its Condition, its Event) and of _DummyThread; and those classes. quiet_exit.py's
    _shutdown_reads for 2.7, where every name of a property is followed to its setter too."""
    classes = list(type(main_thread).__mro__ + threading._DummyThread.__mro__)
    for value in list(vars(main_thread).values()):
        classes += type(value).__mro__ if type(value).__flags__ & HEAP_TYPE else ()
    classes = [klass for index, klass in enumerate(classes) if klass is not object and klass not in classes[:index]]
    function_type = type(_compress)
    seen, names, pending = set(), set(), [threading._shutdown.__func__]
    while pending:
        one = pending.pop()
        if type(one) is property:
            pending += [one.fget, one.fset, one.fdel]
        elif type(one) is type(threading._shutdown):  # a method (2.7's unbound ones too)
            pending.append(one.__func__)
        elif type(one) is dict and id(one) not in seen:  # (the clock's _original: Thread.join's own)
            seen.add(id(one))
            pending += list(one.values())
        elif type(one) is function_type and id(one) not in seen:
            seen.add(id(one))
            for code in _code_objects(one.__code__):
                names.update(code.co_names)
                pending += [one.__globals__.get(name) for name in code.co_names]  # (the clock's, too)
                pending += [vars(klass).get(name) for klass in classes for name in code.co_names]
    return names, classes


def _compress(data, selectors):  # itertools.compress, where the server has not loaded itertools
    return [one for one, selected in zip(data, selectors) if selected]


def _has_try(code):
    return any(op in TRY_BLOCKS for op in _opcodes(code))


def _plain_types():
    """Built-in types whose instances' teardown runs no code of their own."""

    def cell_of(value):
        return (lambda: value).__closure__[0]

    probe = type("Probe", (object,), {"method": lambda self: None})  # new-style on 2.7
    try:
        raise ValueError
    except ValueError:
        traceback = sys.exc_info()[2]
    samples = [
        {}, [], (), set(), frozenset(), bytearray(), len, probe.method, probe().method, _OldStyle,
        _OldStyle.method, _OldStyle().method, sys, cell_of(0), classmethod(len), staticmethod(len),
        property(), slice(0), object.__init__, str.join, dict.__dict__["fromkeys"],
        type.__dict__["__dict__"], type.__dict__["__basicsize__"], object().__str__, type.__dict__,
        sys._getframe(), traceback, _code_objects, _code_objects.__code__, iter([]), iter(()), iter({}), iter(set()),
        iter(""), reversed([]), iter(range(0)), enumerate(()), range(0), sys.flags, sys.version_info,
        {}.keys(), {}.values(), {}.items(), iter({}.values()), iter({}.items()),
    ]  # fmt: skip
    kinds = {type(sample) for sample in samples}
    builtins = __builtins__ if isinstance(__builtins__, dict) else vars(__builtins__)
    for name in ("xrange", "buffer"):  # 2.7's
        if name in builtins:
            kinds.add(type(builtins[name](0) if name == "xrange" else builtins[name]("")))
    return kinds


class _OldStyle:  # an old-style class on 2.7 (a class statement without a base)
    def method(self):
        pass


# CPython 2.7's gc keeps each generation as a list of the objects' PyGC_Head (gc_next,
# gc_prev, gc_refs, then the object); _PyGC_generation0 points to the first of its three
# `struct gc_generation` (the list's head, then threshold and count: two ints). Read through
# _ctypes, and only where YoungObjects checked this layout against gc itself (its thresholds,
# and a list made just then found where generation 0 ends).
FLAGS_WORD = 21  # tp_flags, to check the count of words before tp_del
FUNC_CODE_WORD = 2  # PyFunctionObject's func_code, after the object's head (checked too)
TP_DEL_WORD = 47  # the word of PyTypeObject (2.7, Include/object.h) that holds tp_del (checked too)


class YoungObjects:
    """In the fork server: a reader of gc's generations 0 and 1. ``young()`` (in a run, at its
    end) lists their objects, or None where ``sentinel`` is not among them (a collection of an
    older generation ran since it was made: it moves every young object to the oldest).
    ``has_del(addresses)``: whether any of these classes' tp_del is set (they have a __del__).
    Nothing read allocates an object gc tracks (a _ctypes object read from an address would:
    linked at the end of generation 0 as the walk reaches it)."""

    def __init__(self, gc, ctypes):
        class Word(ctypes._SimpleCData):
            _type_ = "P"

        class WordPointer(ctypes._Pointer):
            _type_ = Word

        class Number(ctypes._SimpleCData):
            _type_ = "i"

        self.gc, self.object_at = gc, ctypes.PyObj_FromPtr
        # One word to point with (its value set to an address) and a pointer stored in it:
        # pointer[0] is the word at that address.
        self.cell = Word()
        self.pointer = WordPointer.from_address(ctypes.addressof(self.cell))
        self.head_size = sys.getsizeof([]) - [].__sizeof__()  # sys.getsizeof counts the PyGC_Head
        self.word_size = ctypes.sizeof(Word)
        generation_size = self.head_size + 2 * ctypes.sizeof(Number)
        first = Word.from_address(ctypes.dlsym(ctypes.dlopen(None), "_PyGC_generation0")).value
        self.heads = [first + generation_size * number for number in range(3)]
        thresholds = [Number.from_address(head + self.head_size).value for head in self.heads]
        if thresholds != list(gc.get_threshold()):
            self.valid = False  # not the layout read below: nothing is read from the lists
            return
        # The newest object gc tracks is the last of generation 0's list: read with no call
        # (a frame) and no store in this instance (its dictionary, tracked again) before.
        cell, pointer, head = self.cell, self.pointer, self.heads[0]
        sentinel = []
        cell.value = head + self.word_size
        last = pointer[0]  # generation 0's gc_prev
        cell.value = last
        after = pointer[0]  # the last one's gc_next
        self.sentinel = sentinel
        self.valid = (
            last == id(sentinel) - self.head_size
            and after == head
            and self.object_at(last + self.head_size) is sentinel
            and self.word(id(_WithDel) + FLAGS_WORD * self.word_size) == _WithDel.__flags__
            and self.has_del([id(_WithDel)])
            and not self.has_del([id(_WithoutDel)])
            and self.same_code([(_probe, _probe.__code__)])
            and not self.same_code([(_probe, self.young.__code__)])
        )

    def word(self, address):
        self.cell.value = address
        return self.pointer[0]

    def young(self):
        enabled = self.gc.isenabled()
        self.gc.disable()  # a collection would move the lists under the walk
        try:
            found, seen = [], False
            # No call of Python code in the walk: its frame, an object gc tracks, would be
            # linked after the last node while that node's gc_next is read.
            add, cell, pointer, object_at = found.append, self.cell, self.pointer, self.object_at
            head_size = self.head_size
            sentinel = id(self.sentinel) - head_size
            for head in self.heads[:2]:
                cell.value = head
                node = pointer[0]
                while node != head:
                    seen = seen or node == sentinel
                    add(object_at(node + head_size))
                    cell.value = node
                    node = pointer[0]
            if not seen:
                del found[:]  # (see unhold)
                return None
            return found
        finally:
            if enabled:
                self.gc.enable()

    @staticmethod
    def unhold(found):
        """Empty what young() listed: it holds the frames of the walk and of its callers, which
        hold the list, a cycle that would keep every young object alive until a collection
        (and change what a shutdown after a refusal tears down, and when)."""
        del found[:]

    def has_del(self, addresses):
        cell, pointer, offset = self.cell, self.pointer, TP_DEL_WORD * self.word_size
        for address in addresses:  # (a loop here: a call a class was most of the time)
            cell.value = address + offset
            if pointer[0]:
                return True
        return False

    def same_code(self, functions):
        """Whether each of these (function, code) pairs still has that code as its func_code
        (read in place: a reference to each function was a page written and copied)."""
        cell, pointer, offset = self.cell, self.pointer, FUNC_CODE_WORD * self.word_size
        for function, code in functions:
            cell.value = id(function) + offset
            if pointer[0] != id(code):
                return False
        return True


def _probe():  # a function, to check where func_code is read
    pass


# Two classes (new-style on 2.7) to check where tp_del is read.
_WithDel = type("_WithDel", (object,), {"__del__": lambda self: None})
_WithoutDel = type("_WithoutDel", (object,), {})


def _instances_are_referrers(gc):
    """Whether an instance of a class is among the class's referrers (see any_instance)."""
    probe = _WithoutDel()
    return any(one is probe for one in gc.get_referrers(_WithoutDel))


def _young_objects(gc):
    """A YoungObjects for this interpreter, or None where there is none to trust (no _ctypes,
    or gc's layout not the one read). _ctypes goes back out of sys.modules, where a fresh
    run does not have it (its import made the GIL, PyEval_InitThreads: a run that starts
    a thread makes it too)."""
    loaded = "_ctypes" in sys.modules
    try:
        import _ctypes
    except ImportError:
        return None
    finally:
        if not loaded:
            sys.modules.pop("_ctypes", None)
    _skip_after_fork(sys.modules.get("threading"))
    reader = YoungObjects(gc, _ctypes)
    return reader if reader.valid else None


def _skip_after_fork(threading):
    """Importing _ctypes made the GIL (init_ctypes calls PyEval_InitThreads), and where there is
    one, each fork calls threading._after_fork in the child (PyOS_AfterFork ->
    PyEval_ReInitThreads), which a forked run did not before (2.7 makes the GIL at a first
    thread, which the server never starts), nor does a fresh one: 70 page faults and 0.3 ms of
    a forked run. So the server's threading has a stand-in, which each child replaces by the
    original as its fork calls it; the server never calls it."""
    if threading is None:
        return
    original = threading._after_fork

    def after_fork():
        threading._after_fork = original

    threading._after_fork = after_fork


def _reader_kinds(gc, reader):
    """The built-in kinds of the reader's own objects (its _ctypes classes' dicts are StgDicts,
    its objects' bases _SimpleCData, _Pointer and _CData): their teardown frees memory only."""
    classes = (type(reader.cell), type(reader.pointer))
    kinds = {type(one) for one in gc.get_referents(*classes) if isinstance(one, dict)}
    for klass in classes:
        kinds.update(base for base in klass.__mro__ if not base.__flags__ & HEAP_TYPE and base not in (object, type))
    return kinds


def checker(gc):
    """In the server: a check(status, code) for the end of each forked run and a judge(code)
    for each source the server compiles, or None where the quiet exit is never taken."""
    if hasattr(gc, "freeze") or sys.warnoptions or not hasattr(sys, "exc_clear"):
        return None  # quiet_exit.py's case (3.7+), or -W options: always the shutdown
    import _weakref

    young = _young_objects(gc)

    count_threads = __import__("thread")._count  # 2.7's _thread (a name the lint reads as a third party's)

    file_type = type(sys.__stdout__)
    weak_kinds = (_weakref.ReferenceType, _weakref.ProxyType, _weakref.CallableProxyType)
    generator_type = type((lambda: (yield))())
    instance_type = type(_OldStyle())
    class_type = type(_OldStyle)
    plain = _plain_types() | {class_type, type(sys.exc_info)}
    if young is not None:
        plain |= _reader_kinds(gc, young)
    for name in PLAIN_MODULES:
        module = sys.modules.get(name)
        if module is not None:
            plain.update(value for value in vars(module).values() if isinstance(value, type))
    streams = (sys.stdin, sys.stdout, sys.stderr)

    def stream_state():
        # A standard stream opened again in place (sys.stdout.__init__(path, "w")) is the same
        # object with another file, buffered: its name, mode or descriptor tell.
        return [(one.name, one.mode, one.closed, one.closed or one.fileno()) for one in streams]

    streams_as_served = stream_state()
    server_modules = dict(sys.modules)
    threading_module = sys.modules.get("threading")
    shutdown = getattr(threading_module, "_shutdown", None)
    main_thread = getattr(shutdown, "__self__", None)
    judged = {}
    # What the shutdown runs (threading._shutdown, the main thread's _exitfunc), which a run may
    # change: a code that names a private name of it (threading._active, main._Thread__block) or
    # stores or deletes an attribute of one of its names (threading.Thread._Thread__stop = f,
    # threading._pickSomeNonDaemonThread = f, threading.hasattr = f, main.is_alive = f) is not
    # judged quiet (plain_code already refuses every other way to set an attribute: setattr,
    # __dict__, vars, __builtin__...). But for the names of its classes' properties (name,
    # daemon), which runs set on their threads: their properties are looked at again at the end.
    # (tests/test_forkserver.py, SHUTDOWN_CHANGED)
    shutdown_private = shutdown_public = frozenset()
    property_views = property_names = property_values = ()
    if main_thread is not None:
        used, classes = _shutdown_names(threading_module, main_thread)
        shutdown_private = frozenset(name for name in used if name[:1] == "_" and name[:2] + name[-2:] != "____")
        named = frozenset(name for klass in classes for name in used if type(vars(klass).get(name)) is property)
        shutdown_public = frozenset(used) - shutdown_private - named
        # (each name on every class: one set on _MainThread would hide Thread's)
        properties = [(vars(klass), name) for klass in classes for name in named]
        # Read at each run's end: flat tuples and copies of the names made side by side, for few
        # pages to copy (a tuple per property and threading's own names: 10 page faults a run).
        property_views = tuple(view for view, _ in properties)
        property_names = tuple(name[:1] + name[1:] for _, name in properties)
        property_values = tuple(view.get(name) for view, name in properties)

    def touches_shutdown(code):
        for one in _code_objects(code):
            if shutdown_private.intersection(one.co_names) or shutdown_public.intersection(_attribute_stores(one)):
                return True
        return False

    def judge(code):
        """Called in the server for the code it compiled: a run of it may end quietly."""
        if plain_code(code) and not touches_shutdown(code):
            judged[id(code)] = code

    def old_style_del(klass):
        if "__del__" in klass.__dict__:
            return True
        return any(old_style_del(base) for base in klass.__bases__)

    def new_style_del(kind):
        for klass in kind.__mro__:
            if "__del__" in klass.__dict__:
                return True
        return False

    def plain_kind(kind):
        return kind in plain or (not kind.__flags__ & HEAP_TYPE and getattr(kind, "__module__", "") in PLAIN_MODULES)

    def verdict(kind):
        """'plain', 'weak', 'class', 'instance', 'generator', 'file' or None (not quiet)."""
        if plain_kind(kind):
            return "plain"
        if issubclass(kind, weak_kinds):
            return "weak"
        if kind is generator_type:
            return "generator"
        if kind is instance_type:
            return "instance"
        if issubclass(kind, type):
            return "class" if not new_style_del(kind) else None
        if kind.__flags__ & HEAP_TYPE:
            if new_style_del(kind):
                return None
            for klass in kind.__mro__:
                if klass is file_type:
                    return "file"
                if not klass.__flags__ & HEAP_TYPE and klass is not object and not plain_kind(klass):
                    if not issubclass(klass, (BaseException, tuple, int, float, str, type)):
                        return None
            return "plain"
        if issubclass(kind, BaseException):
            return "plain"
        return None

    def silent(callback):
        if callback is None or type(callback) is type(len):
            return True
        code = getattr(callback, "__code__", None)
        if code is None or type(callback) is not type(silent):
            return False
        return (os.path.basename(code.co_filename), code.co_name) in SILENT_CALLBACKS

    def modules_known(code):
        for name, module in list(sys.modules.items()):
            if module is None or server_modules.get(name) is module:
                continue
            if type(module) is type(sys) and getattr(module, "__file__", None) == code.co_filename:
                continue  # the run's own (driver.py main: the source's stem)
            if name in EXTRA_MODULES and type(module) is type(sys):
                continue
            return False
        return True

    module_type = type(sys)

    def young_modules_known(objects, code):
        """modules_known, read from the young generations (``objects``): a module the server did
        not load was made after it settled, so it is among them (the server's under other names,
        or out of sys.modules, made no file). sys.modules is not read through: its every module
        (a reference each) was a page written and copied."""
        for module in [one for one in objects if type(one) is module_type]:
            if getattr(module, "__file__", None) == code.co_filename:
                continue  # the run's own (driver.py main: the source's stem)
            name = getattr(module, "__name__", None)  # (a run may set it: then it must be that entry)
            if type(name) is str and name in EXTRA_MODULES and sys.modules.get(name) is module:
                continue
            return False
        return True

    def objects_quiet(objects, finalized=None, looked_at=None):
        """Do these objects (gc's) die without running code? ``finalized`` (a list; young objects
        only) gets the classes among them that have a __del__: one may have been given to an
        older object by a __class__ assignment, and that object is not among them (see
        young_quiet). ``looked_at`` (a dict) gets the objects of each kind that is not plain,
        by kind."""
        kinds = list(map(type, objects))  # a type() call each is most of the check: made once
        verdicts = {}
        for kind in set(kinds):
            found = static_verdicts[kind] if kind in static_verdicts else verdict(kind)
            if found is None:
                return False
            if found != "plain":
                verdicts[kind] = found
        # The objects of the kinds to look at, by their own type: picked in C (compress), not
        # by a loop over every object (a third of a 2.7 run's check).
        of_kind = {}
        for one in compress(objects, map(verdicts.__contains__, kinds)):
            of_kind.setdefault(type(one), []).append(one)
        del objects, kinds
        if looked_at is not None:
            looked_at.update(of_kind)
        for kind, ones in of_kind.items():
            found = verdicts[kind]
            if found == "weak":  # their callbacks, each once (a weakref's referents: its callback alone)
                # By identity: a set of them raised TypeError at the run's exit for an
                # unhashable callback (a class with __hash__ = None), which a fresh run never shows.
                callbacks = {id(one): one for one in filter(callable, gc.get_referents(*ones))}
                if not all(silent(callback) for callback in callbacks.values()):
                    return False
                continue
            for one in ones:
                if found == "generator":
                    if one.gi_frame is not None and _has_try(one.gi_code):
                        return False
                elif found == "instance":
                    if "__del__" in one.__dict__ or old_style_del(one.__class__):
                        return False
                elif found == "file":
                    if not one.closed:
                        return False
                elif not one.__flags__ & HAVE_GC and new_style_del(one):  # a class
                    return False  # its instances are not tracked: not seen above
                elif finalized is not None and new_style_del(one):
                    finalized.append(one)
        return True

    # What the server's objects were when it last settled (settle): the addresses of its classes
    # (their tp_del read again at a run's end), its old-style instances and file objects (looked
    # at again: a run may set a __del__ on one, or open one again) and its weakrefs' callbacks
    # with their code (compared again: a run may give one another function's).
    settled = {}

    def settle():
        """In the server, before each fork: judge the server's objects and make the young
        generations' sentinel, again only where a collection of generation 1 or 2 ran since
        (it moved the sentinel to the oldest: every later run would walk every object)."""
        if young is None or settled.get("counts", (None,) * 3)[2] == gc.get_count()[2]:
            return
        settled.clear()
        enabled = gc.isenabled()
        gc.disable()  # no collection while settling: what is not walked here stays young
        try:
            # Every object of the server's to the oldest generation first: a settled class is
            # read in place at a run's end, so none may be freed by a young collection of the run's.
            gc.collect()
            young.sentinel = []  # objects made after this stay young while this one does
            looked_at = {}  # kind -> its objects, for the kinds that are not plain (a class is not)
            if objects_quiet(gc.get_objects(), None, looked_at):
                classes = [one for kind in looked_at if issubclass(kind, type) for one in looked_at[kind]]
                settled["classes"] = tuple(
                    id(one) for one in classes if one.__flags__ & HEAP_TYPE and one is not _WithDel
                )
                # (a file object may be opened again: file.__init__)
                kinds = [kind for kind in looked_at if issubclass(kind, (instance_type, file_type))]
                settled["instances"] = [one for kind in kinds for one in looked_at[kind]]
                weakrefs = [one for kind in looked_at if issubclass(kind, weak_kinds) for one in looked_at[kind]]
                callbacks = filter(callable, gc.get_referents(*weakrefs))
                # The functions among them with their code (both held: no other function or code
                # is made at that address), all silent (or objects_quiet refused): only another
                # code makes one loud. (A built-in one cannot change.)
                functions = {id(one): one for one in callbacks if type(one) is type(_probe)}.values()
                settled["callbacks"] = [(one, one.__code__) for one in functions]
            settled["counts"] = gc.get_count()
        finally:
            if enabled:
                gc.enable()

    def young_quiet(code):
        """The young generations and what a run can change in the settled objects: quiet?"""
        if "classes" not in settled:
            return False  # never settled, or the server's own objects are not quiet
        objects = young.young()
        if objects is None:  # an older generation was collected: the run's objects may be there
            return False
        try:
            if not young_modules_known(objects, code):
                return False
            # The settled classes are read only now: a class is in a reference cycle (its __mro__
            # holds it), freed only by a collection of the oldest generation, which the sentinel
            # found young above rules out.
            if young.has_del(settled["classes"]):
                return False
            if not young.same_code(settled["callbacks"]):
                return False
            if not objects_quiet(settled["instances"]):
                return False
            finalized = []
            if not objects_quiet(objects, finalized):
                return False
            return not finalized or (referrers_seen and not any_instance(finalized))
        finally:
            young.unhold(objects)

    def any_instance(classes):
        """Whether any object gc tracks is of one of these classes (or of a subclass): each is
        among its class's referrers (subtype_traverse visits a heap type's instances' type),
        found by gc.get_referrers, which reads every object but writes none it does not find.
        By identity along each referrer's MRO: no __instancecheck__ (ABCMeta's) or __eq__ runs."""
        ids = set(map(id, classes))
        return any(id(klass) in ids for one in gc.get_referrers(*classes) for klass in type(one).__mro__)

    def quiet_objects(code):
        """No module but the known ones, and all the objects gc tracks (the server's and the
        run's) die without running code?"""
        return young_quiet(code) or (modules_known(code) and objects_quiet(gc.get_objects()))

    # The verdicts of the server's built-in (static) kinds, which cannot change: a class
    # statement cannot set an attribute of one, so a run can give none a __del__.
    static_verdicts = {}
    for kind in set(map(type, gc.get_objects())):
        if not kind.__flags__ & HEAP_TYPE:
            static_verdicts[kind] = verdict(kind)
    compress = sys.modules["itertools"].compress if "itertools" in sys.modules else _compress
    referrers_seen = _instances_are_referrers(gc)

    def check(status, code):
        """True when os._exit(status) ends this run as the shutdown would."""
        if type(status) is not int or not 0 <= status <= 255:
            return False
        if code is None or judged.get(id(code)) is not code:
            return False  # the source did not compile, or not from the bytes the server judged
        if count_threads():
            return False  # a thread still runs
        for _ in range(20):  # a thread may still be ending (its thread state being cleared)
            if len(os.listdir("/proc/self/task")) == 1:
                break
            # A real wait (time.sleep is the virtual clock's): the ending thread gets a core.
            # select is loaded only here, at the run's end; what a shutdown with it shows is the same.
            __import__("select").select([], [], [], 0.0002)
        else:
            return False
        if hasattr(sys, "exitfunc") or sys.gettrace() is not None or sys.getprofile() is not None:
            return False
        if (sys.stdin, sys.stdout, sys.stderr) != streams or (sys.__stdin__, sys.__stdout__, sys.__stderr__) != streams:
            return False
        if getattr(sys.stdout, "softspace", 0) or gc.garbage or gc.get_debug():
            return False
        if stream_state() != streams_as_served:
            return False
        threading = sys.modules.get("threading")
        if threading is not threading_module or getattr(threading, "_shutdown", None) is not shutdown:
            return False
        for view, name, value in zip(property_views, property_names, property_values):
            if view.get(name) is not value:
                return False
        if threading is not None:
            if getattr(main_thread, "_Verbose__verbose", True) or threading._limbo:
                return False
            dummy = threading._DummyThread  # a thread not made by threading: left in _active, daemon
            if any(one is not main_thread and type(one) is not dummy for one in threading._active.values()):
                return False
        return quiet_objects(code)

    check.judge = judge
    check.settle = settle
    return check
