"""The quiet exit of a forked Python 2.7 run (clock/quiet_exit_py2.py): taken only where the
interpreter's shutdown can show nothing, judged on real 2.7.

tests/test_forkserver.py runs the ways a run can end forked and fresh and compares them;
here each guard of the checker is asked directly, on a snippet that it alone must refuse,
beside one it must let through (else a checker refusing everything would pass).
"""

from __future__ import annotations

import os
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest

from threadport.clock import CHILD_SCRIPT, quiet_exit_py2

CLOCK = os.path.dirname(CHILD_SCRIPT)
# Everything here runs on python2.7: CI runs it once (the every-python env), not in each env.
pytestmark = pytest.mark.interpreter_free("the checker runs on python2.7; pytest's Python only reads its answers")

# As the fork server sets it up (clock/driver.py _serve: its objects collected, then settled
# before the fork), then one run of the snippet's main() in this very process, then the check
# main() makes at its end. The checker's gc counts its walks over every object
# (gc.get_objects): "walked" where the young generations alone did not prove the run quiet.
DRIVER = """
import gc, sys
sys.path[0] = CLOCK
import virtual
virtual.install()
import quiet_exit_py2
class Counting(object):
    walks = 0
    def __getattr__(self, name):
        return getattr(gc, name)
    def get_objects(self):
        Counting.walks += 1
        return gc.get_objects()
check = quiet_exit_py2.checker(Counting())
del sys.modules["quiet_exit_py2"], sys.modules["gc"]
path = sys.argv[1]
code = compile(open(path, "rb").read(), path, "exec", 0, True)
check.judge(code)
gc.collect()
check.settle()
walks = Counting.walks
module = type(sys)("snippet")
module.__file__ = path
sys.modules["snippet"] = module
exec(code, module.__dict__)
module.main()
answer = check(int(sys.argv[2]), code)
sys.__stdout__.write("\\nQUIET %s%s\\n" % (answer, " walked" if Counting.walks > walks else ""))
sys.__stdout__.write("UNREACHABLE %d\\n" % gc.collect())
"""

QUIET = {
    "nothing": "def main():\n    pass\n",
    # (no thread: one joined may still be ending in the kernel, and the check then takes the shutdown)
    "a lock, a Queue, an exception caught": (
        "import threading, Queue\n"
        "class Box(object):\n    def __init__(self):\n        self.lock = threading.Lock()\n"
        "def main():\n"
        "    box, q = Box(), Queue.Queue()\n"
        "    with box.lock:\n        q.put(1)\n"
        "    try:\n        raise ValueError('x')\n    except ValueError:\n        pass\n"
        "    print(q.get())\n"
    ),
    # names of properties of threading's classes, which the shutdown reads (see LOUD's)
    "a thread named, another made a daemon": (
        "import threading\n"
        "def main():\n"
        "    threading.current_thread().name = 'first'\n"
        "    threading.Thread(target=len).daemon = True\n"
    ),
    # the check's own wait for a thread still ending loads it
    "select loaded": "import select\ndef main():\n    select.select([], [], [], 0)\n",
    "a class whose __del__ no object reaches any more": (
        "class Gone(object):\n    def __del__(self):\n        print('gone')\ndef main():\n    Gone()\n"
    ),
    "a generator left open outside any try": (
        "def steps():\n    yield 1\n    yield 2\nopen_steps = steps()\nnext(open_steps)\ndef main():\n    pass\n"
    ),
}
# A quiet run that gc's young generations alone do not prove quiet: a module made by the run
# and still alive is refused there, where the walk over every object reads sys.modules
# (as before the young generations were read) and proves the run quiet.
QUIET["a module kept out of sys.modules"] = (
    "import sys\ndef main():\n    global kept\n    import colorsys as kept\n    del sys.modules['colorsys']\n"
)
WALKED = {"a module kept out of sys.modules"}

# Each refused by one guard of the checker.
LOUD = {
    "open (a file object gc cannot see)": "def main():\n    global f\n    f = open('kept', 'w')\n",
    "os.fdopen": "import os\ndef main():\n    global f\n    f = os.fdopen(os.dup(1), 'w')\n",
    "a computed name": (
        "import sys\ndef main():\n    global f\n    f = getattr(sys.modules['__builtin__'], 'op' + 'en')('kept', 'w')\n"
    ),
    "a namespace": "import os\ndef main():\n    os.__dict__['fd' + 'open']\n",
    "an exec statement": "def main():\n    exec('x = 1') in {}\n",
    "the class of a file object": (
        "import sys\ndef main():\n    global late\n    late = type(sys.stdout)('kept', 'w')\n    late.write('x')\n"
    ),
    "a standard stream opened again in place": "import sys\ndef main():\n    sys.stderr.__init__('kept', 'w')\n",
    "a descriptor closed under a file": "import os\ndef main():\n    os.close(os.dup(1))\n",
    "a __del__ left to the shutdown": (
        "class Loud(object):\n    def __del__(self):\n        print('gone')\nkept = Loud()\ndef main():\n    pass\n"
    ),
    "an old-style instance's __del__": (
        "class Old:\n    def __del__(self):\n        print('gone')\nkept = Old()\ndef main():\n    pass\n"
    ),
    "a __del__ set on an old-style instance": (
        "class Old:\n    pass\nkept = Old()\nkept.__del__ = lambda: None\ndef main():\n    pass\n"
    ),
    "a __del__ of a class whose instances gc does not track": (
        "class Slots(object):\n    __slots__ = ()\n    def __del__(self):\n        print('gone')\n"
        "kept = [Slots()]\ndef main():\n    pass\n"
    ),
    "a weakref callback": (  # _weakref: loaded by the server, as weakref is not
        "import _weakref\nclass T(object):\n    pass\n"
        "def main():\n    global r, t\n    t = T()\n    r = _weakref.ref(t, lambda ref: None)\n"
    ),
    "a generator paused in a try": (
        "def steps():\n    try:\n        yield 1\n    finally:\n        print('closed')\n"
        "paused = steps()\nnext(paused)\ndef main():\n    pass\n"
    ),
    "a thread still running": (  # started by thread: threading does not know it
        "import thread, threading\nevent = threading.Event()\n"
        "def main():\n    thread.start_new_thread(event.wait, ())\n"
    ),
    "a thread object in threading's registry": (
        "import threading\nclass Asked(threading.Thread):\n    def is_alive(self):\n        print('asked')\n"
        "def main():\n    threading._active[-1] = Asked()\n"
    ),
    "threading's main thread made verbose": (
        "import threading\ndef main():\n    threading.current_thread()._Verbose__verbose = True\n"
    ),
    "sys.exitfunc": "import sys\ndef main():\n    sys.exitfunc = lambda: None\n",
    "a newline owed to stdout (softspace)": (
        "import sys\ndef main():\n    sys.stdout.write('a')\n    sys.stdout.softspace = 1\n"
    ),
    "stdout replaced": (
        "import sys\nclass Sink(object):\n    write = lambda self, text: None\ndef main():\n    sys.stdout = Sink()\n"
    ),
    "a trace function": "import sys\ndef main():\n    sys.settrace(lambda *args: None)\n",
    "threading._shutdown replaced": "import threading\ndef main():\n    threading._shutdown = lambda: None\n",
    # What threading._shutdown runs (its _exitfunc's code, through threading's globals and the
    # classes): a name of it stored or deleted as an attribute, a private name of it used at all,
    # a property of its classes replaced (tests/test_forkserver.py SHUTDOWN_CHANGED shows each).
    "a method the shutdown calls replaced": (
        "import threading\ndef main():\n    threading.Thread._Thread__stop = lambda self: None\n"
    ),
    "a global the shutdown calls replaced": ("import threading\ndef main():\n    threading.enumerate = list\n"),
    "a private name the shutdown uses": "import threading\ndef main():\n    print(len(threading._active))\n",
    "a property the shutdown reads replaced": (
        "import threading\ndef main():\n    threading.Thread.daemon = property(lambda self: False)\n"
    ),
    "a property the shutdown reads hidden by one of a subclass": (
        "import threading\ndef main():\n    threading._MainThread.daemon = property(lambda self: False)\n"
    ),
    "a module outside the few allowed": "def main():\n    import string\n",
    # (the young generations tell the modules made since the server settled by their names)
    "a module outside the few allowed, named as one of them": (
        "def main():\n    import colorsys\n    colorsys.__name__ = 'math'\n"
    ),
    # What a run changes in the server's older objects, which the young generations do not
    # hold (clock/quiet_exit_py2.py settle): a __del__ given to one of its classes, to one of
    # its old-style instances, another class given to one of its objects (functools sets
    # __class__ from a name the source holds as a string), another function's code given to a
    # callback of one of its weakrefs; and an object moved to the oldest generation by the
    # run's own collections.
    "a __del__ given to a class of the server's": (
        "import threading\ndef main():\n    threading._MainThread.__del__ = lambda self: None\n"
    ),
    "a __del__ set on the server's old-style instance": (
        "import os\ndef main():\n    os.environ.__del__ = lambda: None\n"
    ),
    "a class with a __del__ given to the server's main thread": (
        "import functools, threading, types\n"
        "class Loud(threading._MainThread):\n    def __del__(self):\n        print('gone')\n"
        "def main():\n"
        "    holder = types.ClassType('Holder', (), {'__class__': Loud})\n"
        "    functools.update_wrapper(threading.current_thread(), holder, ('__class__',), ())\n"
    ),
    "another function's code given to a weakref callback of the server's": (
        "import collections, functools\n"
        "def _remove(item, selfref=None):\n    print('gone')\n"
        "def main():\n"
        "    callback = collections.Iterable._abc_registry._remove\n"
        "    functools.update_wrapper(callback, _remove, ('func_code',), ())\n"
    ),
    "a __del__ moved to the oldest generation by the run's collections": (
        "class Loud(object):\n    def __del__(self):\n        print('gone')\n"
        "def main():\n    global kept, many\n    kept = Loud()\n    many = [[] for _ in range(20000)]\n"
    ),
    # plain_code reads every code object of the source: a name in a method of a class in a
    # function counts as one at the top
    "a file made deep inside": (
        "def outer():\n    class Inner:\n        def method(self, sock):\n            return sock.makefile()\n"
        "    return Inner\ndef main():\n    pass\n"
    ),
}


def verdict(legacy_python, folder, name, source, status=0, show="QUIET "):
    path = os.path.join(folder, "".join(c if c.isalnum() else "_" for c in name) + ".py")
    with open(path, "w") as handle:
        handle.write(source)
    done = subprocess.run(
        [legacy_python, "-S", "-B", "-u", "-c", DRIVER.replace("CLOCK", repr(CLOCK)), path, str(status)],
        capture_output=True,
        text=True,
        cwd=folder,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return [line for line in done.stdout.splitlines() if line.startswith(show)][-1]


@pytest.mark.legacy
def test_the_checker_refuses_each_way_the_2_7_shutdown_could_show_something(legacy_python, tmp_path):
    # A quiet run is proved so from the young generations, but for WALKED; a refusal may come
    # with a walk or without one (a guard before the objects refused it).
    cases = [(name, source, "QUIET True" + (" walked" if name in WALKED else "")) for name, source in QUIET.items()]
    cases += [(name, source, "QUIET False") for name, source in LOUD.items()]
    cases.append(("an exit status the shutdown would cut to 8 bits", QUIET["nothing"], "QUIET False"))
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        answers = list(
            pool.map(
                lambda case: verdict(legacy_python, str(tmp_path), case[0], case[1], 256 if "8 bits" in case[0] else 0),
                cases,
            )
        )
    refused = [answer.replace(" walked", "") if answer.startswith("QUIET False") else answer for answer in answers]
    wrong = [(name, answer) for (name, _, expected), answer in zip(cases, refused) if answer != expected]
    assert wrong == []


@pytest.mark.legacy
@pytest.mark.parametrize("name", ["nothing", "a module kept out of sys.modules"])
def test_the_check_leaves_no_cycle_of_the_objects_it_read(legacy_python, tmp_path, name):
    # The young generations' list holds the frames of the check (which hold the list): left
    # as it was, it kept every young object alive until a collection, through the shutdown
    # that follows a refusal (the second snippet: refused by the young generations, then
    # proved quiet by the walk over every object).
    assert verdict(legacy_python, str(tmp_path), name, QUIET[name], show="UNREACHABLE ") == "UNREACHABLE 0"


def run_with_clock(legacy_python, script):
    """What ``script`` prints run by 2.7 (-S -B), with CLOCK in it the clock's folder."""
    done = subprocess.run(
        [legacy_python, "-S", "-B", "-c", script.replace("CLOCK", repr(CLOCK))], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


# The server's reader of gc's lists checks their layout at its start by reading where the newest
# object is, not by walking the young generations, which then held every object made since
# the interpreter started (each read as an object: a server's start cost 25-40 ms more).
READER_START = """
import gc, sys
sys.path[0] = CLOCK
import _ctypes, quiet_exit_py2
class Counting(object):
    reads = 0
    def __getattr__(self, name):
        return getattr(_ctypes, name)
    def PyObj_FromPtr(self, address):
        Counting.reads += 1
        return _ctypes.PyObj_FromPtr(address)
young = [[] for _ in range(1000)]
reader = quiet_exit_py2.YoungObjects(gc, Counting())
print("%s %d" % (reader.valid, Counting.reads))
"""


@pytest.mark.legacy
def test_the_young_generations_reader_starts_without_walking_them(legacy_python):
    shown = run_with_clock(legacy_python, READER_START)
    assert shown.split() == ["True", "1"]


# The settled classes' tp_del is read in place at a run's end (no reference to each): settle
# moves the server's objects to the oldest generation first, so that none of them is freed
# by a young collection of the run's (a class is in a cycle: only a collection frees it).
SETTLED_OLD = """
import gc, sys
sys.path[0] = CLOCK
import quiet_exit_py2
check = quiet_exit_py2.checker(gc)
gc.collect()
Late = type("Late", (object,), {})
check.settle()
def closed(function, name):  # a name the function's closure holds
    return dict(zip(function.func_code.co_freevars, [cell.cell_contents for cell in function.func_closure]))[name]
reader = closed(closed(closed(check, "quiet_objects"), "young_quiet"), "young")
young = reader.young()
print("%d %s" % (len(young), any(one is Late for one in young)))
reader.unhold(young)
"""


@pytest.mark.legacy
def test_the_settled_classes_are_in_the_oldest_generation(legacy_python):
    shown = run_with_clock(legacy_python, SETTLED_OLD)
    young, late_is_young = shown.split()
    assert int(young) > 0  # (the walk found the young objects: the sentinel among them)
    assert late_is_young == "False"


@pytest.mark.legacy
def test_the_opcodes_the_checker_reads_are_2_7s(legacy_python):
    shown = subprocess.run(
        [legacy_python, "-S", "-c", "import opcode; print([opcode.opmap[n] for n in "
         "('EXEC_STMT', 'SETUP_EXCEPT', 'SETUP_FINALLY', 'SETUP_WITH')] + [opcode.HAVE_ARGUMENT])"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert shown.split() != []
    assert eval(shown) == [quiet_exit_py2.EXEC_STMT, *quiet_exit_py2.TRY_BLOCKS, quiet_exit_py2.HAVE_ARGUMENT]
