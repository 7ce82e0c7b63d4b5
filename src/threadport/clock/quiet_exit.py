# The quiet exit of a forked run (threadport.forkserver), Python 3.7+ only.
#
# A forked run ends as a fresh process does: sys.exit(), then the interpreter's shutdown
# (Py_FinalizeEx). In a child of the fork server that shutdown deallocates the server's
# whole heap, writing to (and so copying) every page of it: about 4 ms of a trivial run's
# 9. What the shutdown can show the world after main() is done is only this:
#   - threads it waits for, and code running in threads that are still ending;
#   - atexit callbacks, and the exit hooks of threading (concurrent.futures);
#   - sys.stdout and sys.stderr flushed (a failure makes the exit status 120);
#   - code run by the teardown of objects: __del__ (also a __del__ added later to a class
#     made before the fork, or a server object moved into a run's class), weakref callbacks,
#     generators' finally:, io buffers flushed, warnings (ResourceWarning), gc's reports
#     (gc.garbage, gc.set_debug), audit hooks.
# checker() returns a function that says, at the end of main(), whether none of these can
# happen; only then does the run end with os._exit(status) after flushing stdout and
# stderr, which is what the shutdown would have shown. Anything it cannot prove (a type
# it does not know, a weakref callback it does not know, a thread, an audit hook) sends
# the run through sys.exit and the whole shutdown, as before.
#
# Written in the common subset of Python 2.7 and 3.6+ like driver.py, which imports it in
# the server and takes it out of sys.modules again (a fresh run never has it).

import os
import sys

HEAP_TYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: a class made by a class statement (or type())
HAVE_GC = 1 << 14  # Py_TPFLAGS_HAVE_GC: its instances are tracked by gc
IMMUTABLE_TYPE = 1 << 8  # Py_TPFLAGS_IMMUTABLETYPE (3.10+): a C class whose attributes cannot be set
# Weakref callbacks that only take a dead entry out of a weak container.
SILENT_CALLBACKS = (("_weakrefset.py", "_remove"), ("weakref.py", "remove"))
# Classes whose teardown only warns (ResourceWarning: an iterator left open), where the
# warning filters ignore ResourceWarning, as a release build's defaults do.
WARN_ONLY = (("posix", "ScandirIterator"),)
# Loaded modules whose every class is a plain container, iterator or wrapper: nothing
# of theirs runs code or writes when it is deallocated.
PLAIN_MODULES = ("itertools", "_collections", "_functools", "_operator", "_abc", "_queue", "_contextvars", "_typing")
# From 3.10 atexit's callbacks are the interpreter's, not its module's (bpo-42639): the count
# of a module imported in the server answers for a module a run imports. On 3.8 and 3.9 each
# atexit module made has callbacks of its own, which gc lists as its referents (see checker).
# A name, not a literal, as driver.py's MOVED_LAST_FROM.
ATEXIT_PER_INTERPRETER = (3, 10)
# Any callback at all sends a run through the shutdown, even weakref.finalize's own exit hook
# (weakref.finalize._exitfunc, registered by the first finalizer a run makes: one a
# tempfile.TemporaryDirectory makes), which shows nothing once every finalizer has run. It
# cannot be told from another callback: from 3.10 atexit keeps each callback with its
# arguments in the interpreter's state, which gc does not see and no function lists
# (_ncallbacks counts, and counts a slot unregister emptied), and atexit.unregister(f) finds f
# by ==, which calls the registered object's own __eq__: run code, before the run is known to
# be quiet. A run that cleared the hook and registered it again with an argument (its shutdown
# prints a TypeError) shows the same count and flags (tests/test_forkserver.py, FINALIZE_HOOK).
# daemon_exit's modern demo ends through the shutdown for this from 3.10: 4-6 ms of a 3.11
# run's 63. (3.8 and 3.9 show the callbacks with their arguments: see holds_nothing.)


# Special methods of the main thread's classes that any attribute read or write on it would call,
# and the descriptor the check's own vars(main thread) reads.
ATTRIBUTE_HOOKS = ("__getattribute__", "__getattr__", "__setattr__", "__delattr__", "__dict__")


def _shutdown_reads(threading, stored_names):
    """What the shutdown runs of threading's (3.8-3.13): the Python functions threading._shutdown
    reaches through threading's globals and the main thread's classes (a property's getter; its
    setter and deleter where that code stores or deletes the name), by id, and every name their
    code reads or writes (co_names, of nested code too: the list comprehension of 3.9-3.11's
    _maintain_shutdown_locks). More names than it reads (attribute names are looked up as
    globals too, and the other way round): never fewer. Names None where it reaches a function
    of another module, whose globals the check does not read."""
    function_type = type(_shutdown_reads)
    classes = [klass for klass in type(threading._main_thread).__mro__ if klass is not object]
    namespace = vars(threading)
    functions, names, codes, pending = {}, set(ATTRIBUTE_HOOKS), [], [threading._shutdown]
    while pending:
        while pending:
            one = pending.pop()
            if type(one) is property:
                pending.append(one.fget)
            elif type(one) in (staticmethod, classmethod):
                pending.append(one.__func__)
            elif type(one) is function_type and id(one) not in functions:
                if one.__globals__ is not namespace:
                    return functions, None  # another module's (none in 3.8-3.13): its globals unwatched
                functions[id(one)] = one
                found = [one.__code__]
                for code in found:
                    found += [const for const in code.co_consts if type(const) is type(code)]
                    for name in code.co_names:
                        names.add(name)
                        pending.append(namespace.get(name))
                        pending += [vars(klass).get(name) for klass in classes]
                codes += found
        stored = stored_names(codes)
        if stored is None:
            return functions, None
        for name in stored:
            for klass in classes:
                setter = vars(klass).get(name)
                if type(setter) is property:
                    pending += [setter.fset, setter.fdel]  # (each function once: functions)
    return functions, names


def _stored_names(codes):
    """The names ``codes`` store or delete as attributes (STORE_ATTR, DELETE_ATTR, whose argument
    indexes co_names: 3.6-3.13 wordcode), or None where that cannot be read so. The two opcodes
    are read from samples compiled here, not from the opcode module: imported in the server, its
    objects cost every forked 3.11 run about 6 page faults."""

    def units(code):
        raw = code.co_code
        return [(raw[index], raw[index + 1]) for index in range(0, len(raw), 2)]

    ops = []
    for sample in ("z.y = x", "del x.y"):  # y: the only name whose index is its own (2, then 1)
        code = compile(sample, "<sample>", "exec")
        ops += [op for op, argument in units(code) if argument == code.co_names.index("y")]
    if len(ops) != 2 or any(len(code.co_names) > 255 for code in codes):  # (no EXTENDED_ARG read)
        return None
    return {code.co_names[argument] for code in codes for op, argument in units(code) if op in ops}


def _shutdown_watch(threading, _thread):
    """In the server: (the functions the shutdown runs, by id, for the audit hook; a function that
    says at a run's end whether what their code looks up is as here). See checker."""
    functions, names = _shutdown_reads(threading, _stored_names)
    if names is None:  # _stored_names could not tell, or another module's function: never quiet
        return functions, lambda: False
    missing = functions  # a value no name has
    # Nothing here holds the main thread: a run's shutdown frees it as a fresh run's does (a
    # __del__ the run gave its class runs then), so it is threading._main_thread at the run's end,
    # of the server's class (another object of it meets the same checks).
    main_thread = threading._main_thread
    main_class = type(main_thread)
    lock_type = _thread.LockType  # (under the clock _thread is its copy, whose allocate_lock is virtual)
    remade = (lock_type, set, bool, int, type(None))  # what _after_fork may bind again: the type tells
    namespace = vars(threading)
    builtins = namespace.get("__builtins__")
    builtins = builtins if type(builtins) is dict else vars(builtins)
    names.add("__builtins__")
    # What is read at each run's end is laid out for few pages: a forked run copies each page of
    # the server's whose reference counts it writes. Copies of the names made here, side by side
    # (the code's own are spread over threading's code objects), and a tuple of values per
    # dictionary (not a tuple per name). What this check adds to a forked 3.11 run: 14-26 page
    # faults (an empty entry 421 -> 435-439, thread_api's tour 506 -> 531; 31 as first landed,
    # with the opcode module and a tuple per name), and about 15-20 us of CPU (a loop over a
    # tuple of ids made with map was 3-4 times slower: an int object per id).
    names = tuple(sorted(name.encode().decode() for name in names))
    views = tuple(vars(klass) for klass in main_class.__mro__ if klass is not object)
    class_values = tuple(tuple(view.get(name, missing) for name in names) for view in views)
    of_main_class = main_class  # (in global_values: any object of it)
    global_values = tuple(of_main_class if name == "_main_thread" else namespace.get(name, missing) for name in names)
    builtin_values = tuple(builtins.get(name, missing) for name in names)
    own = vars(main_thread)
    # The main thread's own attributes of those names: their types (None where it has none), and
    # their values where flags.
    own_kinds = tuple(type(own[name]) if name in own else None for name in names)
    own_flags = tuple(own[name] if type(own.get(name)) is bool else None for name in names)
    if any(kind and kind.__flags__ & HEAP_TYPE and not kind.__flags__ & IMMUTABLE_TYPE for kind in own_kinds):
        return functions, lambda: False  # one of a kind whose methods may change: never quiet
    del main_thread, own

    def free_lock(one):
        return type(one) is lock_type and not one.locked()

    def unchanged():
        for view, values in zip(views, class_values):
            for name, value in zip(names, values):
                if view.get(name, missing) is not value:
                    return False
        for name, value in zip(names, global_values):
            now = namespace.get(name, missing)
            if now is not value:
                if value is of_main_class:
                    if type(now) is not main_class:
                        return False
                elif type(value) not in remade or type(now) is not type(value):
                    return False
                elif type(now) is lock_type and now.locked():
                    return False
                elif type(now) is set and not all(map(free_lock, now)):
                    return False
        for name, value in zip(names, builtin_values):
            if builtins.get(name, missing) is not value:
                return False
        main_thread = namespace.get("_main_thread")
        if type(main_thread) is not main_class:
            return False
        own = vars(main_thread)  # (its class's own __dict__, checked above: ATTRIBUTE_HOOKS)
        for name, kind, flag in zip(names, own_kinds, own_flags):
            now = own.get(name, missing)
            if kind is None:
                if now is not missing:
                    return False  # (one that hides a method of its class: main_thread()._stop = f)
            elif type(now) is not kind or (flag is not None and now is not flag):
                return False
            elif kind is lock_type and not now.locked():
                return False
        return True

    return functions, unchanged


def _plain_types():
    """Built-in types whose instances' teardown runs no code of their own."""

    class Probe:
        def method(self):
            pass

    def cell_of(value):
        return (lambda: value).__closure__[0]

    try:
        raise ValueError
    except ValueError:
        traceback = sys.exc_info()[2]
    samples = [
        {},
        [],
        (),
        set(),
        frozenset(),
        bytearray(),
        len,
        Probe.method,
        Probe().method,
        sys,
        cell_of(0),
        classmethod(len),
        staticmethod(len),
        property(),
        super(Probe),
        slice(0),
        object.__init__,
        str.join,
        dict.__dict__["fromkeys"],
        type.__dict__["__dict__"],
        type.__dict__["__basicsize__"],
        object().__str__,
        type.__dict__,
        sys._getframe(),
        traceback,
        iter([]),
        iter(()),
        iter({}),
        iter(set()),
        iter(""),
        iter("\xe9"),
        iter(b""),
        reversed([]),
        iter(range(0)),
        {}.keys(),
        {}.values(),
        {}.items(),
        iter({}.values()),
        iter({}.items()),
        enumerate(()),
        zip(),
        map(len, ()),
        filter(None, ()),
        range(0),
        sys.implementation,
    ]
    kinds = {type(sample) for sample in samples}
    for generic in ("list[int]", "int | str"):  # types.GenericAlias (3.9+), types.UnionType (3.10+)
        try:
            kinds.add(type(eval(generic)))
        except TypeError:
            pass
    patterns = sys.modules.get("re")
    if patterns is not None:
        kinds.update(getattr(patterns, name) for name in ("Pattern", "Match") if hasattr(patterns, name))
    thread = sys.modules.get("_thread")
    if thread is not None:
        kinds.update(kind for kind in (getattr(thread, "_local", None), getattr(thread, "RLock", None)) if kind)
    return kinds


def _plain_modules():
    """The PLAIN_MODULES loaded now (by the server or by the run), as module objects."""
    return tuple(sys.modules.get(name) for name in PLAIN_MODULES)


def _module_types(modules):
    """The classes of those modules."""
    kinds = set()
    for module in modules:
        if module is not None:
            kinds.update(value for value in vars(module).values() if isinstance(value, type))
    return kinds


def checker(gc):
    """In the server, before gc.freeze(): a check(status) for the end of each forked run,
    or None where the quiet exit is never taken (no gc.freeze, -W options, a server object
    of a kind it does not know)."""
    if not hasattr(gc, "freeze") or sys.warnoptions or not hasattr(sys, "addaudithook"):
        return None
    import _thread
    import _warnings
    import _weakref

    weak_kinds = (_weakref.ReferenceType, _weakref.ProxyType, _weakref.CallableProxyType)
    plain = _plain_types()
    filters = list(_warnings.filters)
    resource = [one for one in filters if issubclass(ResourceWarning, one[2])]
    resource_ignored = bool(resource) and resource[0][0] == "ignore" and resource[0][1] is resource[0][3] is None

    def warns_only(kind):
        return resource_ignored and (getattr(kind, "__module__", ""), kind.__name__) in WARN_ONLY

    def has_del(kind):
        return any("__del__" in vars(klass) for klass in kind.__mro__)

    io = sys.modules["_io"]
    # io objects: one already closed finalizes to nothing (iobase_finalize looks at .closed
    # first); a FileIO only closes its descriptor (and warns, ignored); in-memory ones
    # only free their memory. An open buffered or text file would flush: not quiet.
    memory_io = (io.BytesIO, io.StringIO)
    layers = {io.TextIOWrapper: "buffer", io.BufferedReader: "raw", io.BufferedWriter: "raw", io.BufferedRandom: "raw"}

    def closed_file(one):
        while type(one) in layers:
            one = getattr(one, layers[type(one)])
        return type(one) is io.FileIO and one.closed

    def plain_kind(kind):
        if kind in plain:
            return True
        # A loaded module's C class (a class statement can make a class that claims such a
        # module as its own: those are judged as any class of the run's).
        return kind in module_types[0] and (not kind.__flags__ & HEAP_TYPE or verdict_of_heap(kind))

    # The server's plain modules and their classes; a run that imports another one (an import
    # the audit hook below sees) gets them scanned again at its end, with what it then has under
    # their names (a module object it put there without an import is not looked at: its classes
    # are judged as any other).
    server_modules = _plain_modules()
    module_types = [_module_types(server_modules)]
    server_module_types = module_types[0]

    def verdict(kind):
        """'plain', 'weak' (depends on the callback), 'class' (its own __del__, if its
        instances are not tracked), 'file' (if closed), or None: its teardown may run code."""
        if issubclass(kind, weak_kinds):
            return "weak"
        if kind in layers:
            return "file"
        if kind in memory_io or (kind is io.FileIO and resource_ignored):
            return "plain"
        if issubclass(kind, type):
            return "class" if kind is type or verdict_of_heap(kind) else None
        if plain_kind(kind) or warns_only(kind) or (kind.__module__, kind.__name__) == ("builtins", "builtin_method"):
            return "plain"  # builtin_method: a bound C method (PyCMethod, 3.9+), as builtin_function_or_method
        if kind.__flags__ & HEAP_TYPE:
            return "plain" if verdict_of_heap(kind) else None
        if issubclass(kind, (BaseException, tuple)):  # built-in exceptions, struct sequences
            return "plain"
        return None

    def verdict_of_heap(kind):
        for klass in kind.__mro__:
            if "__del__" in vars(klass):
                return False
            if not klass.__flags__ & HEAP_TYPE and not plain_kind(klass) and klass is not object:
                if not issubclass(klass, (BaseException, tuple, int, float, str, bytes, type)):
                    return False
        return True

    def silent(callback):
        if callback is None or type(callback) is type(len):  # none, or a C bookkeeping function
            return True
        code = getattr(callback, "__code__", None)
        if code is None or type(callback) is not type(has_del):
            return False
        return (os.path.basename(code.co_filename), code.co_name) in SILENT_CALLBACKS

    def quiet_objects(objects, exempt=()):
        """Do these objects (all of one generation) die without running code?"""
        verdicts = {}
        for kind in set(map(type, objects)):
            found = static_verdicts[kind] if kind in static_verdicts else verdict(kind)
            if found != "plain":
                verdicts[kind] = found
        # The objects of the kinds to look at, by their own type, in one pass (a pass over all
        # of them per kind was most of a 3.11 server's start-up check). A kind's subclasses
        # get no easier verdict than the kind itself, so each object is judged by its own.
        of_kind = {}
        for one in objects:
            if type(one) in verdicts:
                of_kind.setdefault(type(one), []).append(one)
        for kind, found in verdicts.items():
            ones = of_kind[kind]
            if found is None:
                if exempt and all(id(one) in exempt for one in ones):
                    continue
                return False
            if found == "weak":
                # Their callbacks (a weakref's referents: its callback alone), each once, found
                # in one call: a look per weakref was most of a 3.11 server's start-up check
                # (about 750 weakrefs, most with the same few callbacks). By identity: a
                # callback may be unhashable.
                callbacks = {id(one): one for one in filter(callable, gc.get_referents(*ones))}
                if not all(silent(one) for one in callbacks.values()):
                    return False
            elif found == "file":
                try:
                    if not all(closed_file(one) for one in ones):
                        if exempt and all(id(one) in exempt for one in ones):
                            continue
                        return False
                except ValueError:  # a detached wrapper
                    return False
            elif found == "class":
                for klass in ones:
                    if not klass.__flags__ & HAVE_GC and has_del(klass) and not warns_only(klass):
                        return False  # its instances are not tracked: not seen below
        return True

    streams = [sys.__stdin__, sys.__stdout__, sys.__stderr__]
    for stream in list(streams):
        streams += [getattr(stream, "buffer", None), getattr(getattr(stream, "buffer", None), "raw", None)]
    stream_ids = tuple(id(stream) for stream in streams)
    server = gc.get_objects()
    static_verdicts = {}
    if not quiet_objects(server, exempt=stream_ids):
        return None
    # The verdicts of the server's built-in (static) kinds, which a run cannot change (a static
    # type's attributes cannot be set), asked once here: at each run's end its objects' kinds
    # are mostly these (functions, tuples, dicts, cells). None is not kept: a plain module the
    # run imports may make a kind plain.
    for kind in set(map(type, server)):
        if not kind.__flags__ & HEAP_TYPE:
            found = verdict(kind)
            if found is not None:
                static_verdicts[kind] = found
    # Classes a run may give a __del__ to that the scan of the run's objects would miss:
    # those of the server's own (frozen) objects, but the standard streams' (immutable
    # types, flushed below), and those whose instances gc does not track.
    stream_kinds = {type(stream) for stream in streams}
    watched = [kind for kind in set(map(type, server)) if kind.__flags__ & HEAP_TYPE and kind not in stream_kinds]
    watched += [
        one
        for one in filter(type.__instancecheck__.__get__(type), server)
        if one.__flags__ & HEAP_TYPE and not one.__flags__ & HAVE_GC and not warns_only(one)
    ]
    del server
    # What has_del would look at in each watched class's MRO, each class once: only heap
    # types, since a static type's attributes cannot be set (none has a __del__ now: the
    # server's objects were judged quiet above). One look per class at each run's end
    # instead of a walk of every watched class's MRO (0.8 ms of a forked 3.11 run's 4.8).
    watched = tuple({klass for kind in watched for klass in kind.__mro__ if klass.__flags__ & HEAP_TYPE})
    # Each class's own namespace as a read-only view, made here: a view shows what is set on
    # the class later, and looking into it reads the class's dict without writing to it or
    # to the class. vars(klass) at each run's end wrote to both (reference counts), and a
    # forked run copies every page it writes: 0.3 ms and 42 page faults of a 3.11 run for
    # 73 classes, where the views the server made sit together on a page or two.
    namespaces = tuple(vars(klass) for klass in watched)
    del watched
    count_threads = _thread._count
    # atexit's count of callbacks, asked at each run's end: imported there, the module cost a
    # forked 3.11 run 41 of the check's 73 page faults (importlib's objects are the server's).
    # Taken out of sys.modules again, as gc is: a fresh run has no atexit module.
    atexit_callbacks = None
    if sys.version_info >= ATEXIT_PER_INTERPRETER:
        loaded = "atexit" in sys.modules
        import atexit

        atexit_callbacks = atexit._ncallbacks
        if not loaded:
            del sys.modules["atexit"]
    # 3.8 and 3.9: the shutdown runs the callbacks of the atexit module made last. Imported at
    # the run's end, atexit was a new module, made last, whose count (asked through an attribute
    # the run could replace) was 0, while the run's own, taken out of sys.modules, went
    # unheard even through the shutdown. The module's callbacks are its referents in gc (its
    # traverse visits them), so the run's modules (and the server's atexit, if it had one) are
    # looked at instead: each callback is a function, a tuple of its arguments and maybe a dict,
    # so a module that refers to no tuple (but through its dictionary) holds none; one that does
    # (a C module's state, at worst) sends the run through the shutdown. But for
    # weakref.finalize's own exit hook, which can be told here (not from 3.10: see
    # ATEXIT_PER_INTERPRETER): a bound method and an empty tuple, one callback with no arguments.
    module_type = type(sys)
    server_atexit = [sys.modules["atexit"]] if "atexit" in sys.modules else []
    dictionary_of = module_type.__dict__["__dict__"].__get__
    method_type = type(_plain_types.__get__(0))  # types.MethodType, without importing types

    def finalizers_hook(method):
        """Is ``method`` weakref.finalize's exit hook (its _exitfunc, bound to the class) with no
        finalizer left? It then only sets finalize._shutdown, which nothing reads after it."""
        if type(method) is not method_type or type(method.__self__) is not type:
            return False  # (a metaclass's __getattribute__ or __setattr__ would run code)
        finalize, function = method.__self__, method.__func__
        names = vars(finalize)
        hook, registry = names.get("_exitfunc"), names.get("_registry")
        if type(hook) is not classmethod or hook.__func__ is not function or type(function) is not type(checker):
            return False
        code, namespace = function.__code__, function.__globals__
        if (os.path.basename(code.co_filename), code.co_name) != ("weakref.py", "_exitfunc"):
            return False
        if type(registry) is not dict or registry or type(namespace) is not dict:
            return False
        return namespace.get("finalize") is finalize  # what the hook sets _shutdown on

    def holds_nothing(objects):
        """3.8 and 3.9: no module among the run's objects holds an atexit callback, but
        weakref.finalize's exit hook with no finalizer left."""
        for module in server_atexit + list(filter(module_type.__instancecheck__, objects)):
            if type(module) is not module_type:
                return False  # a subclass's instance: its own traverse
            names = dictionary_of(module)
            held = [referent for referent in gc.get_referents(module) if referent is not names]
            arguments = [referent for referent in held if type(referent) is tuple]
            if not arguments:
                continue
            if len(held) != 2 or len(arguments) != 1 or arguments[0]:
                return False
            if not finalizers_hook(held[0] if held[1] is arguments[0] else held[1]):
                return False
        return True

    # The shutdown calls threading._shutdown (wait_for_thread_shutdown): a run that put
    # another function there, or another module under the name, would see it called.
    threading_module = sys.modules.get("threading")
    shutdown = getattr(threading_module, "_shutdown", None)
    # And what that function runs: a run may change any of it, and a fresh run's shutdown shows
    # it (tests/test_forkserver.py, SHUTDOWN_CHANGED). The code of the functions it reaches (a
    # __code__, __defaults__ or __kwdefaults__ set raises object.__setattr__: the audit hook);
    # what their code looks up, read again at the run's end: the methods and attributes of the
    # main thread's classes (Thread, _MainThread), the same objects as here (setting or deleting
    # a class's attribute raises no audit event: only its special ones do, typeobject.c's
    # check_set_special_type_attr, 3.8-3.13); threading's globals and the builtins, the same
    # objects, or (what threading._after_fork makes again in each child: a lock, a set of them,
    # a flag) of the same built-in type, where a lock is free and the set holds only free locks
    # (a held one hangs the shutdown); the main thread's own attributes of those names, of the
    # same built-in type (its lock held as here, its flags as here), and no other (one that hides
    # a method: main_thread()._stop = f). A run that reaches threading's functions or classes'
    # dictionaries through gc (gc.get_referents) runs in a fresh process (threadport.runner).
    shutdown_functions, shutdown_unchanged = {}, None
    if type(shutdown) is type(checker) and hasattr(threading_module, "_main_thread"):
        shutdown_functions, shutdown_unchanged = _shutdown_watch(threading_module, _thread)
    refused = []
    imported = []

    def watch(event, args):
        if event == "import" and args[0] in PLAIN_MODULES:
            imported.append(True)  # a plain module loaded by the run: scanned again at its end
        elif event == "sys.addaudithook":
            refused.append(True)  # from now on every look below would call the run's hooks
        elif event == "object.__setattr__" and (args[1] == "__class__" or id(args[0]) in shutdown_functions):
            # An object moved into another class (obj.__class__ = Kind): a server object moved
            # into a class of the run's with a __del__ would run it at exit, and the scan of the
            # run's objects does not list the server's (frozen) ones. Any such move: the shutdown.
            # So does a function the shutdown runs given other code or defaults.
            refused.append(True)
        elif event.startswith("ctypes."):
            # ctypes writes memory past every audit event above (a function's code, a class's
            # dictionary): a run that loads it (ctypes.dlopen, at its import) ends through the shutdown.
            refused.append(True)

    sys.addaudithook(watch)

    def check(status, code=None):
        """True when os._exit(status) ends this run as the shutdown would; stdout and
        stderr are flushed then. ``code`` (what the run executed) is quiet_exit_py2's to judge."""
        if refused or type(status) is not int or not 0 <= status <= 255:
            return False
        if count_threads():
            return False  # a thread still runs
        for _ in range(20):  # a thread may still be ending (its thread state being cleared)
            if len(os.listdir("/proc/self/task")) == 1:
                break
            os.sched_yield()
        else:
            return False
        threading = sys.modules.get("threading")
        if threading is not threading_module or getattr(threading, "_shutdown", None) is not shutdown:
            return False
        if shutdown_unchanged is not None and not shutdown_unchanged():
            return False  # (before _threading_atexits is asked: it may be the run's object)
        callbacks = 0 if atexit_callbacks is None else atexit_callbacks()  # 3.8, 3.9: holds_nothing
        if callbacks or (threading and getattr(threading, "_threading_atexits", None)):
            return False
        if sys.warnoptions or _warnings.filters != filters or gc.garbage or gc.get_debug():
            return False
        current = [sys.__stdin__, sys.__stdout__, sys.__stderr__]
        if tuple(id(stream) for stream in current) != stream_ids[:3]:
            return False
        if sys.stdout is not sys.__stdout__ or sys.stderr is not sys.__stderr__:
            return False
        if any("__del__" in namespace for namespace in namespaces):
            return False
        if imported:
            # Looked at only then: the look wrote to the reference counts of the eight module
            # objects (on as many pages the run shares with the server): about 10 of the check's 36
            # page faults in a forked 3.11 run that imported none.
            loaded = _plain_modules()  # with the modules the run imported
            module_types[0] = server_module_types if loaded == server_modules else _module_types(loaded)
        objects = gc.get_objects()  # the run's own: the server's are frozen
        if atexit_callbacks is None and not holds_nothing(objects):
            return False
        if not quiet_objects(objects):
            return False
        del objects
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except Exception:
            return False
        return True

    return check
