# The ledger's probe: runs as a script on Python 2.7 and on every Python 3 alike
# (keep it in that common subset: no f-strings, no annotations), with -S -E -s so
# that nothing from site-packages (the `future` backports of queue/_thread on 2.7)
# can fake an answer. It prints one JSON document on stdout; threadport.ledger
# reads it. It is never imported by threadport itself.
#
# Each probe USES the name exactly as old code did (calls the method on a real,
# started Thread; imports the module; compiles the syntax) with every warning
# turned into an error, and is then one of:
#   exists  it worked, no warning;
#   warns   it raised a Warning (category recorded): it would have worked, warning;
#   gone    AttributeError, ImportError, NameError, TypeError or SyntaxError;
#   error   anything else: a bug in the probe, which the tests refuse.
# "behaviour" probes return True/False: True is recorded as exists, False as gone.
from __future__ import print_function

import gc
import json
import platform
import sys
import threading
import warnings

GONE = (AttributeError, ImportError, NameError, TypeError, SyntaxError)
PROBES = []  # (name, kind, function), in the order the table shows them


def probe(name, kind="name"):
    def register(function):
        PROBES.append((name, kind, function))
        return function

    return register


def noop():
    return None


def started_thread():
    thread = threading.Thread(target=noop)
    thread.start()
    thread.join()
    return thread


def call_method(obj, name, *args):
    """Call obj.name(*args); the value is the defining function's own name
    (2.7's Thread.is_alive answers isAlive: there is_alive is the alias)."""
    method = getattr(obj, name)
    method(*args)
    return getattr(method, "__name__", name)


def low_level_thread():
    """The low-level module: `thread` on 2.7, `_thread` on 3."""
    try:
        import _thread as module
    except ImportError:
        import thread as module
    return module


def fresh_import(name):
    """Import as if for the first time (a warning fires on first import only)."""
    saved = dict((key, sys.modules.pop(key)) for key in list(sys.modules) if key == name or key.startswith(name + "."))
    try:
        __import__(name)
        return name
    finally:
        for key in list(sys.modules):
            if key == name or key.startswith(name + "."):
                del sys.modules[key]
        sys.modules.update(saved)


def compiles(source):
    compile(source, "<probe>", "exec", 0, True)  # dont_inherit: not this file's print_function
    return True


# --- Thread: the seed's "methods defined on thread", old and new spellings ---
for _method in ("isAlive", "is_alive", "getName", "isDaemon", "join", "run", "start"):

    def _call(method=_method):
        if method == "start":
            return call_method(threading.Thread(target=noop), "start")
        if method == "run":
            return call_method(threading.Thread(target=noop), "run")
        return call_method(started_thread(), method)

    probe("Thread." + _method)(_call)


@probe("Thread.setName")
def _set_name():
    return call_method(started_thread(), "setName", "probe")


@probe("Thread.setDaemon")
def _set_daemon():
    return call_method(threading.Thread(target=noop), "setDaemon", True)


for _attribute in ("name", "daemon", "ident"):

    def _read(attribute=_attribute):
        thread = started_thread()
        if attribute not in dir(type(thread)):  # a property, not a stray instance attribute
            raise AttributeError(attribute)
        getattr(thread, attribute)
        return attribute

    probe("Thread." + _attribute)(_read)


@probe("Thread(daemon=...)")
def _daemon_keyword():
    return str(threading.Thread(target=noop, daemon=True).daemon)


@probe("Thread default name names the target", "behaviour")
def _default_name():
    def worker():
        return None

    return threading.Thread(target=worker).name.endswith(" (worker)")


# --- module-level functions ---
for _function in ("currentThread", "current_thread", "activeCount", "active_count", "main_thread"):

    def _module_call(function=_function):
        return call_method(threading, function)

    probe("threading." + _function)(_module_call)


for _private in ("_Timer", "_Event"):

    def _private_class(private=_private):
        getattr(threading, private)
        return private

    probe("threading." + _private)(_private_class)


# --- Event, Condition, locks ---
@probe("Event.isSet")
def _is_set_old():
    return call_method(threading.Event(), "isSet")


@probe("Event.is_set")
def _is_set():
    return call_method(threading.Event(), "is_set")


@probe("Event.wait() returns the flag", "behaviour")
def _event_wait_result():
    event = threading.Event()
    event.set()
    return event.wait(0) is True


@probe("Condition.notifyAll")
def _notify_all_old():
    condition = threading.Condition()
    with condition:
        return call_method(condition, "notifyAll")


@probe("Condition.notify_all")
def _notify_all():
    condition = threading.Condition()
    with condition:
        return call_method(condition, "notify_all")


@probe("Condition.wait_for")
def _wait_for():
    condition = threading.Condition()
    with condition:
        return str(condition.wait_for(lambda: True, 0))


@probe("Condition.wait() returns a bool", "behaviour")
def _wait_result():
    condition = threading.Condition()
    with condition:
        return isinstance(condition.wait(0), bool)


@probe("timed waits poll with short sleeps", "behaviour")
def _timed_wait_polls():
    # 2.7's Condition.wait(timeout) loops on sleeps of up to 50 ms; since 3.2 it
    # blocks in a timed lock acquire. The function's own code says which.
    wait = getattr(threading, "_Condition", threading.Condition).wait
    code = getattr(wait, "__func__", wait).__code__
    return "_sleep" in code.co_names


@probe("Lock.acquire(blocking=False)")
def _acquire_keyword():
    lock = threading.Lock()
    got = lock.acquire(blocking=False)
    lock.release()
    return str(got)


@probe("Lock.acquire(timeout=...)")
def _acquire_timeout():
    lock = threading.Lock()
    got = lock.acquire(timeout=0.01)
    lock.release()
    return str(got)


@probe("with lock")
def _lock_with():
    lock = threading.Lock()
    with lock:
        return str(lock.locked())


@probe("with condition")
def _condition_with():
    condition = threading.Condition()
    with condition:
        return "Condition"


@probe("with open(...)")
def _open_with():
    with open(sys.executable, "rb") as stream:
        return str(len(stream.read(1)))


@probe("RLock(None) (arguments)")
def _rlock_arguments():
    threading.RLock(None)
    return "RLock"


# --- the low-level thread module ---
for _synonym in ("start_new_thread", "start_new", "allocate_lock", "allocate", "exit_thread"):

    def _low_level(synonym=_synonym):
        module = low_level_thread()
        function = getattr(module, synonym)
        if synonym.startswith("allocate"):
            function()
        elif synonym.startswith("start_new"):
            done = module.allocate_lock()
            done.acquire()
            function(done.release, ())
            done.acquire()  # returns once the new thread has run
        else:
            try:
                function()
            except SystemExit:
                pass
        return getattr(function, "__name__", synonym)

    probe("_thread." + _synonym)(_low_level)


# --- modules ---
for _module in ("thread", "_thread", "Queue", "queue", "dummy_threading", "dummy_thread", "_dummy_thread"):
    probe("import " + _module)(lambda module=_module: fresh_import(module))

probe("import concurrent.futures")(lambda: fresh_import("concurrent.futures"))


# --- sys ---
@probe("sys.setcheckinterval")
def _setcheckinterval():
    sys.setcheckinterval(100)  # 100 is 2.7's default, so the probe changes nothing
    return "setcheckinterval"


@probe("sys.getcheckinterval")
def _getcheckinterval():
    return str(sys.getcheckinterval())


@probe("sys._is_gil_enabled")
def _is_gil_enabled():
    return str(sys._is_gil_enabled())


@probe("sys.setswitchinterval")
def _setswitchinterval():
    sys.setswitchinterval(sys.getswitchinterval())
    return "setswitchinterval"


# --- other names the catalogue's notes rely on ---
@probe("time.monotonic")
def _monotonic():
    import time

    time.monotonic()
    return "monotonic"


@probe("tempfile.TemporaryDirectory")
def _temporary_directory():
    import tempfile

    with tempfile.TemporaryDirectory():
        return "TemporaryDirectory"


@probe("subprocess.run")
def _subprocess_run():
    import subprocess

    return str(subprocess.run([sys.executable, "-S", "-c", "pass"]).returncode)


@probe("subprocess.run(capture_output=..., text=...)")
def _subprocess_run_capture():
    import subprocess

    done = subprocess.run([sys.executable, "-S", "-c", "print(1)"], capture_output=True, text=True)
    return done.stdout.strip()


@probe("xrange")
def _xrange():
    return str(len(eval("xrange(3)")))


@probe("long")
def _long():
    return str(eval("long(3)"))


@probe("typing")
def _typing():
    return fresh_import("typing")


@probe("__del__ in a reference cycle is collected (PEP 442)", "behaviour")
def _cycle_finalized():
    ran = []

    class Finalized(object):
        def __del__(self):
            ran.append(True)

    obj = Finalized()
    obj.cycle = obj
    del obj
    gc.collect()
    leaked = [o for o in gc.garbage if isinstance(o, Finalized)]
    for o in leaked:  # 2.7 parks it in gc.garbage: break the cycle, leave no trace
        gc.garbage.remove(o)
        o.cycle = None
    return bool(ran) and not leaked


# --- syntax ---
SYNTAX = (
    ("print statement", "print 'x'"),
    ("except E, name", "try:\n    pass\nexcept Exception, error:\n    pass\n"),
    ("f-string", "f'{1}'"),
    ("assignment expression (:=)", "(x := 1)"),
    ("nonlocal", "def f():\n    x = 1\n    def g():\n        nonlocal x\n"),
    ("function annotations", "def f(a: int) -> None:\n    pass\n"),
)
for _label, _source in SYNTAX:
    probe("syntax: " + _label, "syntax")(lambda source=_source: str(compiles(source)))


@probe("frame.f_trace_opcodes")
def _f_trace_opcodes():
    return str(sys._getframe().f_trace_opcodes)


@probe("opcode events on a function's first traced call", "behaviour")
def _first_call_opcode_events():
    # The way a stepping harness asks for them: the global tracer sets
    # f_trace_opcodes on the 'call' event of a function never traced before and
    # returns a separate local tracer. (3.12 and 3.13.0 send that first call no
    # opcode events; the same tracer returned as its own local tracer gets them
    # on 3.13.0, so the probe copies the harness exactly.)
    events = []

    def target():
        value = 1
        return value

    def step(frame, event, arg):
        events.append(event)
        return step

    def on_call(frame, event, arg):
        if frame.f_code is target.__code__:
            frame.f_trace_opcodes = True
            return step
        return None

    sys.settrace(on_call)
    try:
        target()
    finally:
        sys.settrace(None)
    return "opcode" in events


@probe("UTF-8 source without a coding cookie", "behaviour")
def _utf8_source():
    # PEP 263 on 2.7: a file with non-ASCII bytes and no cookie is a SyntaxError.
    import os
    import subprocess
    import tempfile

    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "curly.py")
    try:
        with open(path, "wb") as stream:
            stream.write(b"# \xe2\x80\x9cdaemon thread\xe2\x80\x9d\nx = 1\n")
        with open(os.devnull, "wb") as quiet:
            status = subprocess.call([sys.executable, "-S", "-E", path], stdout=quiet, stderr=quiet)
        return status == 0
    finally:
        os.remove(path)
        os.rmdir(folder)


@probe("super() without arguments")
def _zero_argument_super():
    namespace = {}
    exec(
        compile("class A(object):\n    def f(self):\n        return super().__class__\n", "<probe>", "exec"), namespace
    )
    namespace["A"]().f()
    return "super"


def run_probe(name, kind, function):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            value = function()
        except Warning as warning:
            return {"status": "warns", "category": type(warning).__name__, "detail": str(warning)}
        except GONE as error:
            return {"status": "gone", "detail": "%s: %s" % (type(error).__name__, error)}
        except Exception as error:  # a probe bug: recorded, and refused by the tests
            return {"status": "error", "detail": "%s: %s" % (type(error).__name__, error)}
    if kind == "behaviour":
        return {"status": "exists" if value else "gone", "detail": "yes" if value else "no"}
    return {"status": "exists", "detail": str(value)}


def free_threaded():
    import sysconfig

    return bool(sysconfig.get_config_var("Py_GIL_DISABLED"))


def main():
    results = []
    for name, kind, function in PROBES:
        result = run_probe(name, kind, function)
        result["name"] = name
        result["kind"] = kind
        results.append(result)
    document = {
        "version": "%d.%d.%d" % tuple(sys.version_info[:3]),
        "implementation": platform.python_implementation(),
        "free_threaded": free_threaded(),
        "executable": sys.executable,
        "results": results,
    }
    sys.stdout.write(json.dumps(document, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
