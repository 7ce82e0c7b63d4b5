# The rest of threadport's child (clock/child.py): one run's main(), and the fork server's
# _serve(). child.py defines all of this in its own module, __main__, as if written there
# (see child.py for why), so read it as child.py's second half.
#
# Written in the common subset of Python 2.7 and 3.6+, as child.py.

import os
import sys

THREAD_PREFIX = "Thread(target="


def _text(value):
    try:
        return str(value)
    except UnicodeError:  # Python 2: a unicode message that ASCII cannot carry
        return repr(value)


def _version():
    # A free-threaded build (PEP 703: ABI flag "t") is a row of its own: "3.14.0t", as
    # discovery names it. Python 2 has no sys.abiflags.
    free_threaded = "t" in getattr(sys, "abiflags", "")
    return ".".join(str(part) for part in sys.version_info[:3]) + ("t" if free_threaded else "")


def _write_result(path, result):
    # Binary mode: text mode may import a codec, and this also runs inside the
    # clock's deadlock report, where an import would wait on the clock. Python 2's
    # repr() is ASCII bytes already (anything else escaped): encoding it again would
    # import encodings.ascii (0.3-0.4 ms of a forked 2.7 run), as _serve's replies say.
    # Through the descriptor: a file object (3.x's io: a FileIO and a buffer) cost a forked
    # run more than the write, in objects made on pages it shares with the fork server.
    text = repr(result)
    _write_file(path, text if str is bytes else text.encode("ascii", "backslashreplace"))  # noqa: F821 - child.py's


RUN_MARK = "THREADPORT_RUN"  # threadport.processes.RUN_MARK
REQUEST_FIELDS = 10


def _read_request(fd, pending):
    """The next request: REQUEST_FIELDS byte strings, each ended by NUL; None at EOF."""
    while pending[0].count(b"\0") < REQUEST_FIELDS:
        data = os.read(fd, 65536)
        if not data:
            return None
        pending[0] += data
    fields = pending[0].split(b"\0")
    pending[0] = b"\0".join(fields[REQUEST_FIELDS:])
    return fields[:REQUEST_FIELDS]


def _started(pid):
    # The child's start time in clock ticks (threadport.processes.started), read here
    # because this process reaps it: the runner may look only after it is gone. Read while
    # the run lives, on pages this process shares with it copy-on-write: one read of at most
    # 4 KB (the line is a few hundred bytes), the field found without splitting the line.
    # Through child.py's _read_file (a 64 KB buffer, sized for sources) and split() (a list of
    # the line's 52 fields), the server took 14-19 more page faults a run while its run lived.
    try:
        fd = os.open(b"/proc/%d/stat" % pid, os.O_RDONLY)
        try:
            stat = os.read(fd, STAT_READ)
        finally:
            os.close(fd)
        at = stat.rindex(b")") + 2  # after the name, which may hold spaces and parentheses
        for _ in range(STARTTIME_FIELD):
            at = stat.index(b" ", at) + 1
        return stat[at : stat.index(b" ", at)]
    except Exception:  # any failure: unknown
        return b"-"


STAT_READ = 4096  # /proc/PID/stat: the name (16 bytes at most) and 50 numbers
STARTTIME_FIELD = 19  # the fields after the name: state, ppid, ... starttime (proc(5)'s 22nd)


# The fork server's compiled sources: path -> (the bytes compiled, the code). A forked run
# of a source the server compiled before starts with the code (the bytes read for the run
# still the same); compiling in the child cost a forked run more than the same compile in
# the server (its allocations copy the server's pages), and the catalogue runs most
# sources more than once.
_compiled = {}


def _compile_ahead(source_path, folder):
    """In the fork server, before the fork: the run's code, from the source's bytes read now,
    for this run, as main() would get them (_snippet_code, or earlier from the same bytes),
    and whether the code is new to this server. A source that cannot be read, does not
    compile, or warns while it compiles (a SyntaxWarning must reach the run's own stderr) is
    left to main(), which shows what a fresh run shows: (None, False)."""
    try:
        source = _read_file(source_path)  # noqa: F821 - child.py's
    except Exception:  # any failure: main() reports it
        return None, False
    known = _compiled.get(source_path)
    if known is not None and known[0] == source:
        return known[1], False
    _compiled.pop(source_path, None)
    code = _snippet_code(source_path, source, folder)
    if code is None:
        return None, False
    _compiled[source_path] = (source, code)
    return code, True


def _compile_plainly(source, path):
    """(the code, whether it may be kept), as main() would compile it; (None, False) where
    compiling shows the run something: a warning (it must reach the run's own stderr every
    time, so main() compiles it again without this filter) or an error. Kept only if the
    compile imported nothing: a coding cookie's codec (encodings.cp1252, say) is imported
    by compile() (2.7 and 3.x alike), and a run from a kept entry would not have it."""
    import _warnings  # in sys.modules from the start, in every version

    modules = len(sys.modules)
    _warnings.filters.insert(0, ("error", None, Warning, None, 0))  # a warning: not compiled here
    try:
        code = compile(source, path, "exec", COMPILE_FLAGS, DONT_INHERIT)  # noqa: F821 - child.py's
    except Exception:
        return None, False
    finally:
        del _warnings.filters[0]
    return code, len(sys.modules) == modules


# The runs' entries have a folder of their own, pruned apart from the rest (threadport.cache.SNIPPETS):
# a test session's hundreds of scratch sources evicted every install's clock modules.
SNIPPET_FOLDER = "snippets"


def _snippet_code(source_path, source, folder):
    """The run's code for the bytes ``source`` of ``source_path``, as `import STEM` would run
    it but for -B: from threadport's cache folder (child.py's _cached_code, its key the path,
    the bytes, the interpreter's version and flags), else compiled and kept there. Fork
    servers (_compile_ahead) and fresh runs (main) alike: a compare's 10 sources on two
    interpreters were compiled again in every server and every fresh run. None where
    _compile_plainly leaves the compile to main(). No folder ("-"): compiled, kept nowhere."""
    if folder == "-":
        return _compile_plainly(source, source_path)[0]
    compiled = []

    def compile_source(source, path):
        compiled.append(path)
        return _compile_plainly(source, path)

    where = os.path.join(folder, SNIPPET_FOLDER)
    code = _cached_code("snippet", source_path, source, where, compile_source)  # noqa: F821 - child.py's
    if code is not None and not compiled:
        # What a process's first compile() makes besides the code (the ast module's classes:
        # 2.7 about 310 objects, 3.11 about 600, 3.13 about 900), a run from the cache has
        # too: gc's counts, and so when its collections run, are a fresh compile's. A fork
        # server made them at its start; in a fresh run this costs most of what the
        # compile would (1-2 ms): what the cache spares is the servers' compiles.
        compile("", "<threadport>", "exec")
    return code


# From 3.8 an import leaves the module last in sys.modules, after what it imported (3.6 and
# 3.7 leave it where it was put first; 2.7's dict has no order). A name, not a literal: the
# lint's upgrade tools take this file for 3.9+ only, and it runs on 2.7 and 3.6+.
MOVED_LAST_FROM = (3, 8)


def _import_cached(name, folder):
    """``import name`` (a module beside this file), with its code from the cache folder:
    the module is made as the import system makes it (its spec, loader and cached path
    on Python 3, its file on 2.7), so a forked run sees the same module a fresh run
    imports. No folder ("-"): a plain import."""
    if name in sys.modules:  # a forked run: the server's, without the import system's checks
        return sys.modules[name]
    if folder == "-":
        return __import__(name)
    bootstrap = sys.modules.get("_frozen_importlib")
    if bootstrap is not None:  # Python 3: the spec a plain import would find
        spec = sys.modules["_frozen_importlib_external"].PathFinder.find_spec(name, [sys.path[0]])
        if spec is None or not spec.has_location:
            return __import__(name)
        module, path = bootstrap.module_from_spec(spec), spec.origin
    else:  # Python 2.7: what its import gives a module compiled from source
        path = os.path.join(sys.path[0], name + ".py")
        module = type(sys)(name)
        module.__file__ = path
        module.__package__ = None
    source = _read_file(path)  # noqa: F821 - child.py's
    code = _cached_code("clock-" + name, path, source, folder)  # noqa: F821 - child.py's
    sys.modules[name] = module
    try:
        exec(code, module.__dict__)
    except BaseException:
        del sys.modules[name]
        raise
    if sys.version_info >= MOVED_LAST_FROM:
        sys.modules[name] = sys.modules.pop(name)
    return sys.modules[name]


def _close_inherited(kept):
    """Close the descriptors from 3 on, but ``kept``, that this process was given at its start:
    on Python 3 those without close-on-exec (everything Python 3 opens has it: PEP 446), on
    2.7 all of them (nothing of this process's own is open by now). Read from /proc/self/fd:
    os.closerange up to the limit is a close() per number on 2.7, a million with a high limit."""
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        return  # no /proc: left as it is
    inheritable = getattr(os, "get_inheritable", None)  # Python 3.4+
    for name in names:
        fd = int(name)
        if fd > 2 and fd not in kept:
            try:
                if inheritable is None or inheritable(fd):
                    os.close(fd)
            except OSError:
                pass  # the listing's own descriptor, closed already


def _serve():
    """The fork server: warm up once, then fork one child per request.

    The warm-up is what every run of this mode does before the snippet (the clock
    installed under time and threading, in virtual mode; nothing in real mode), so
    a forked child is where a fresh `python child.py ...` process would be at that
    point. The child becomes the run: its own session, stdout and stderr on the
    run's FIFOs, the run's directory and marker, the fresh run's sys.argv; then it
    returns main's quiet and ahead, and main() runs it as in a fresh process, exit and
    interpreter shutdown included. This process waits for it and replies its pid, start
    time and status.
    """
    mode, request_fd, reply_fd, cache_folder, folder = sys.argv[2:7]
    request_fd, reply_fd = int(request_fd), int(reply_fd)
    # Started by os.posix_spawn (threadport.forkserver's _spawn), which neither sets a working
    # directory nor closes what the caller had open without close-on-exec, as subprocess did:
    # this folder is where the runner makes the runs' FIFOs, and a descriptor kept here would be
    # every forked run's, where a fresh run (Popen, close_fds) has none but 0, 1 and 2.
    os.chdir(folder)
    _close_inherited((request_fd, reply_fd))
    fork = os.fork
    if mode == "virtual":
        virtual = _import_cached("virtual", cache_folder)
        virtual.install()
        fork = virtual.fork
    # Python 3.7+: what the server made goes to gc's permanent generation, which the
    # collection at each run's exit does not walk: it would write to (and so copy) every
    # page of it. Only gc itself can tell (its counts, get_objects, get_freeze_count): a
    # source that names gc runs in a fresh process (threadport.runner). gc goes back out
    # of sys.modules, where a fresh run does not have it.
    import gc

    quiet = settle = None
    if hasattr(gc, "freeze"):  # the quiet exit needs a frozen heap (3.7+): 2.7 need not compile it
        # The first compile() of a process makes the ast module's classes (3.9-3.13: 630-1080
        # objects, no module imported). With the clock's modules from the cache folder that
        # was _compile_ahead's, after the freeze: objects every forked run's quiet exit
        # walked at its end (0.5 ms of a 3.11 run), and each collection in the run too.
        # Made now, they are the server's, frozen as the rest; a fresh run makes them
        # when main() compiles its source, and a forked run has them from the server either way.
        compile("", "<fork server>", "exec")
        quiet_exit = _import_cached("quiet_exit", cache_folder)  # out of sys.modules again below, as gc
        quiet = quiet_exit.checker(gc)
        del sys.modules["quiet_exit"]
        gc.freeze()
    elif str is bytes:  # Python 2.7
        # As above: with the clock's modules from the cache folder, nothing compiled before the
        # first run's source, and the ast classes (355 objects) came young into every run.
        compile("", "<fork server>", "exec")
        quiet = _import_cached("quiet_exit_py2", cache_folder).checker(gc)  # out of sys.modules again, as gc
        del sys.modules["quiet_exit_py2"]
        # The server's objects (the ast classes made just above too) to gc's oldest generation,
        # as 3.7+ freezes them: a run's young collections then never walk (and copy) their pages.
        gc.collect()
        if quiet is not None:
            settle = quiet.settle  # before each fork (see quiet_exit_py2.py)
    del sys.modules["gc"]
    os.write(reply_fd, b"ready\n")
    pending = [b""]
    # os.fsdecode's codec, without its Python-level call per field (Python 2: argv is bytes)
    codec = None if str is bytes else (sys.getfilesystemencoding(), sys.getfilesystemencodeerrors())
    out_path = err_path = None  # the last run's FIFOs: its runner keeps them for the next run
    while True:
        request = _read_request(request_fd, pending)
        if request is None:  # the runner is done with this server (or died)
            for path in (out_path, err_path):  # its runner may not live to remove them
                if path is not None:
                    try:
                        os.unlink(path)
                    except OSError:
                        pass  # removed by the runner, or never made
            try:
                os.rmdir(os.getcwd())  # the FIFOs' folder: its runner may not live to remove it
            except OSError:
                pass  # not empty (another file put there): left
            os._exit(0)
        fields = request if codec is None else [field.decode(*codec) for field in request]
        out_path, err_path, directory, token = fields[6:10]
        code, compiled = _compile_ahead(fields[1], fields[5])  # the run's cache folder, as main() has it
        if compiled:
            if hasattr(gc, "freeze"):
                # The code's objects (its constants, tuples, nested code) are the server's, frozen
                # as the rest: made after the freeze, every later run's quiet exit walked them at
                # its end (after the catalogue's ten modern sources, 273 objects where a run has 50 of its own).
                gc.freeze()
            elif quiet is not None:
                quiet.judge(code)  # 2.7: may a run of this code end quietly?
        if settle is not None:
            settle()  # 2.7: the server's objects judged before its runs (again after gc promoted some)
        out_fd = os.open(out_path, os.O_WRONLY)  # the runner holds the read ends open
        err_fd = os.open(err_path, os.O_WRONLY)
        pid = fork()
        if pid == 0:
            os.setsid()
            os.dup2(out_fd, 1)
            os.dup2(err_fd, 2)
            for fd in (out_fd, err_fd, request_fd, reply_fd):
                os.close(fd)
            os.chdir(directory)
            os.environ[RUN_MARK] = token
            sys.argv = [sys.argv[0]] + fields[:6]
            if hasattr(sys, "orig_argv"):  # Python 3.10+: the command line a fresh run has
                flags = sys.orig_argv[: len(sys.orig_argv) - 7]  # child.py --serve MODE FD FD CACHE FOLDER
                sys.orig_argv = flags + sys.argv
            if mode == "virtual":
                virtual.CLOCK.epoch = virtual._real_time()  # time.time() starts at the run's start
            return quiet, code
        os.close(out_fd)
        os.close(err_fd)
        # Replies made as bytes (PEP 461's % on 3.5+): on Python 2, str.encode("ascii") imports
        # encodings.ascii, and every run forked after the first would have that module, which
        # a fresh run has not.
        os.write(reply_fd, b"%d %s\n" % (pid, _started(pid)))
        status = os.waitpid(pid, 0)[1]
        os.write(reply_fd, b"%d\n" % (-os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)))


def main(quiet=None, ahead=None):
    """One run; ``quiet`` (forked runs only, see quiet_exit.py and quiet_exit_py2.py) may end
    it with os._exit where that is provably what the interpreter's shutdown would show.
    ``ahead`` (forked runs only): the run's code, which the fork server compiled from the
    bytes it read for this run (_compile_ahead); read again here, the source cost a forked
    run a file object and 30-35 page faults, for the bytes the server had just read."""
    result_path, source_path, entry, args_literal, mode, cache_folder = sys.argv[1:7]
    result = {
        "python": _version(),
        "exception": None,
        "deadlock": False,
        "virtual_seconds": None,
    }
    clock = None
    if mode == "virtual":
        # Beside this file (sys.path[0] is this folder), with its code from the cache folder as
        # in the fork server (a forked run has it already): the run has -B, so a plain import
        # compiled it at every fresh start where the install holds no .pyc of it (uv and tox
        # install none): 20-26 ms of a fresh 3.11 run's 41 ms, 3-4 ms of 2.7's.
        virtual = _import_cached("virtual", cache_folder)

        clock = virtual.install()

        def on_deadlock():
            result["deadlock"] = True
            result["virtual_seconds"] = clock.now
            _write_result(result_path, result)
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(124)

        clock.on_deadlock = on_deadlock

    # Look like `import STEM` from the source's folder: its siblings import, and
    # `if __name__ == "__main__"` blocks stay quiet.
    sys.path[0] = os.path.dirname(os.path.abspath(source_path))
    sys.argv = [source_path]
    stem = os.path.splitext(os.path.basename(source_path))[0]
    module = type(sys)(stem)
    module.__file__ = source_path
    sys.modules[stem] = module

    status = 0
    code = None
    try:
        code = ahead
        if code is None:
            with open(source_path, "rb") as handle:
                source = handle.read()
            code = _snippet_code(source_path, source, cache_folder)
            if code is None:  # it warns, or fails: compiled here, so that the run shows it
                code = compile(source, source_path, "exec", COMPILE_FLAGS, DONT_INHERIT)  # noqa: F821
        exec(code, module.__dict__)
        # The runner's literal of JSON's values; Python 2's True and False are names. No
        # arguments (most entry points): no eval, which compiled "[]" at every run.
        args = []
        if args_literal != "[]":
            args = eval(args_literal, {"__builtins__": {}, "True": True, "False": False, "None": None})
        if entry.startswith(THREAD_PREFIX) and entry.endswith(")"):
            # "Thread(target=NAME)": run it as the seed's comments do,
            # t = threading.Thread(target=NAME, args=ARGS); t.start(); t.join()
            import threading

            target = getattr(module, entry[len(THREAD_PREFIX) : -1])
            thread = threading.Thread(target=target, args=tuple(args))
            thread.start()
            thread.join()
        else:
            getattr(module, entry)(*args)
    except SystemExit as exit_request:
        code = exit_request.code
        if code is None:
            status = 0
        elif isinstance(code, int):
            status = code
        else:
            sys.stderr.write(_text(code) + "\n")
            status = 1
    except BaseException:
        import traceback

        # Skip main's own frame: the traceback starts in the snippet.
        error_type, value, tb = sys.exc_info()
        traceback.print_exception(error_type, value, tb.tb_next)
        result["exception"] = {"type": error_type.__name__, "message": _text(value)}
        status = 1

    if clock is not None:
        virtual.finish_main()
        result["virtual_seconds"] = clock.now
    _write_result(result_path, result)
    sys.stdout.flush()
    if quiet is not None and quiet(status, code):
        os._exit(status)
    sys.exit(status)
