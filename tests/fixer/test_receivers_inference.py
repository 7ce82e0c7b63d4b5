"""Receiver inference beyond direct bindings: containers, factories, globals, private bases, the
statement just before. Each rewrite has a no-op twin that breaks the proof."""

import pytest
from fixer_helpers import fix, severities, src

POOL = """
    import threading

    class Worker(threading.Thread):
        pass

    class Pool(object):
        def __init__(self):
            self._threads = []

        def grow(self, n):
            for i in range(n):
                self._threads.append(Worker())
            {extra}

        def alive(self):
            return [t for t in self._threads if t.isAlive()]
    """

# web.py's experimental/background.py: ``threading`` read, never imported nor bound.
FREE_THREADING = """
    from web import utils
    def background(func):
        def internal(*a, **kw):
            key = threading.currentThread()
            t = threading.Thread(target=func)
            t.start()
            return key
        return internal
    {extra}
    """

CYCLE_TEMPLATE = """
    import threading
    def shutdown(workers):
        ts = [threading.Thread() for _ in range(3)]
        hung = []
        for w in ts:
            if w.isAlive():
                hung.append(w){extra}
        for w in hung:
            w.join()
    """

REWRITES = [
    pytest.param(
        "TP002", src(FREE_THREADING.format(extra="")), "key = threading.current_thread()", id="threading-never-bound"
    ),
    pytest.param("TP001", src(POOL.format(extra="pass")), "t.is_alive()", id="list-of-threads-attribute"),
    pytest.param("TP001", src(CYCLE_TEMPLATE.format(extra="")), "w.is_alive()", id="name-and-list-in-a-cycle"),
    pytest.param(
        "TP009",
        src("""
            import threading
            _threads = {}
            def setup():
                for i in range(3):
                    _threads[i] = threading.Thread(target=f)
                for t in _threads.values():
                    t.setDaemon(True)
            """),
        "t.daemon = True",
        id="dict-values-of-threads",
    ),
    pytest.param(
        "TP005",
        src("""
            import threading
            class Client(object):
                def event_object(self):
                    return threading.Event()
                def wait(self):
                    ev = self.event_object()
                    return ev.isSet()
            """),
        "ev.is_set()",
        id="factory-method",
    ),
    pytest.param(
        "TP001",
        src("""
            import threading
            def make():
                return threading.Thread()
            print(make().isAlive())
            """),
        "make().is_alive()",
        id="factory-function",
    ),
    pytest.param(
        "TP001",
        src("""
            import threading
            def start():
                global worker
                worker = threading.Thread()
            def running():
                return worker.isAlive()
            """),
        "worker.is_alive()",
        id="global-name",
    ),
    pytest.param(
        "TP001",
        src("""
            import threading
            class Ticker(threading._Timer):
                def running(self):
                    return self.isAlive()
            """),
        "self.is_alive()",
        id="private-2.7-base",
    ),
    pytest.param(
        "TP005",
        src("""
            import threading
            class Repeater(threading._Timer):
                def run(self):
                    while not self.finished.isSet():
                        self.function()
            """),
        "self.finished.is_set()",
        id="attribute-inherited-from-timer",
    ),
    pytest.param(
        "TP009",
        src("""
            import threading
            _threads = {}
            def setup(i):
                _threads[i] = threading.Thread(target=f)
                _threads[i].setDaemon(True)
            """),
        "_threads[i].daemon = True",
        id="bound-in-the-statement-before",
    ),
    pytest.param(
        "TP007",
        src("""
            from threading import Thread
            def run(f, t):
                t = Thread(target=f)
                t.start()
                t.setName("x")
            """),
        't.name = "x"',
        id="bound-before-calls-on-it",
    ),
]


NOOPS = [
    pytest.param("TP002", src(FREE_THREADING.format(extra="from web.utils import *")), id="free-name-star-import"),
    pytest.param("TP002", src(FREE_THREADING.format(extra="from .compat import *")), id="free-name-relative-star"),
    pytest.param(
        "TP002", src(FREE_THREADING.format(extra="def setup(threading):\n        pass")), id="free-name-bound-elsewhere"
    ),
    pytest.param(
        "TP002", src(FREE_THREADING.format(extra="globals()['threading'] = utils.green")), id="free-name-via-globals"
    ),
    pytest.param("TP002", src(FREE_THREADING.format(extra="exec(utils.setup)")), id="free-name-exec"),
    pytest.param("TP002", src(FREE_THREADING.format(extra="exec utils.setup in ns")), id="free-name-exec-statement"),
    pytest.param(
        "TP002",
        src(FREE_THREADING.format(extra="import sys\n    sys.modules[__name__].threading = utils.green")),
        id="free-name-set-on-the-module",
    ),
    pytest.param(
        "TP005",
        src("""
            import threading
            class Ticker(threading._Timer):
                def __init__(self):
                    threading._Timer.__init__(self, 1, f)
                    self.finished = Flag()
                def run(self):
                    return self.finished.isSet()
            """),
        id="inherited-attribute-replaced",
    ),
    pytest.param(
        "TP001", src(CYCLE_TEMPLATE.format(extra="\n                hung.append(object())")), id="cycle-with-a-stranger"
    ),
    pytest.param("TP001", src(POOL.format(extra="self._threads.append(object())")), id="list-with-a-stranger"),
    pytest.param("TP001", src(POOL.format(extra="fill(self._threads)")), id="list-handed-to-other-code"),
    pytest.param("TP001", src(POOL.format(extra="alias = self._threads")), id="list-aliased"),
    pytest.param(
        "TP001", src(POOL.format(extra="pass")) + "p = Pool()\np._threads.append(object())\n", id="filled-outside"
    ),
    pytest.param(
        "TP001",
        src("""
            import threading
            _threads = {}
            def setup(i):
                _threads[i] = threading.Thread()
                for k in _threads:
                    k.isAlive()
            """),
        id="dict-keys-are-not-threads",
    ),
    pytest.param(
        "TP005",
        src("""
            import threading
            def event_object(fake):
                if fake:
                    return FakeEvent()
                return threading.Event()
            print(event_object(1).isSet())
            """),
        id="factory-with-another-return",
    ),
    pytest.param(
        "TP001",
        src("""
            import threading
            def threads():
                yield threading.Thread()
                return threading.Thread()
            print(threads().isAlive())
            """),
        id="generator-is-not-a-factory",
    ),
    pytest.param(
        "TP007",
        src("""
            from threading import Thread
            def run(f, t):
                t = Thread(target=f)
                t = other(t)
                t.setName("x")
            """),
        id="rebound-before",
    ),
    pytest.param(
        "TP007",
        src("""
            from threading import Thread
            def run(f):
                global t
                t = Thread(target=f)
                reset()
                t.setName("x")
            def reset():
                global t
                t = Other()
            """),
        id="a-call-between-may-rebind-a-global",
    ),
]


@pytest.mark.parametrize(("code", "source", "expected"), REWRITES)
def test_rewrites(code, source, expected):
    assert severities(source, code) == ["certain"]
    assert expected in fix(source, code)


@pytest.mark.parametrize(("code", "source"), NOOPS)
def test_noops(code, source):
    assert severities(source, code) == ["possible"]
    assert fix(source, code) == source
