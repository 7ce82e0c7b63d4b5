"""TP010: acquire() + try/finally release() -> with lock: (that exact shape only)."""

import pytest
from fixer_helpers import findings, fix, src

REWRITES = [
    pytest.param(
        src("""
            import threading
            lock = threading.Lock()
            def f():
                lock.acquire()
                try:
                    work()
                finally:
                    lock.release()
                done()
            """),
        src("""
            import threading
            lock = threading.Lock()
            def f():
                with lock:
                    work()
                done()
            """),
        id="module-lock",
    ),
    pytest.param(
        src("""
            import threading
            class Box:
                def __init__(self):
                    self._lock = threading.RLock()
                def put(self, x):
                    self._lock.acquire()  # guard the list
                    try:
                        # append under the lock
                        self.items.append(x)
                        return len(self.items)
                    finally:
                        self._lock.release()
            """),
        src("""
            import threading
            class Box:
                def __init__(self):
                    self._lock = threading.RLock()
                def put(self, x):
                    with self._lock:  # guard the list
                        # append under the lock
                        self.items.append(x)
                        return len(self.items)
            """),
        id="self-attribute-rlock-comments",
    ),
    pytest.param(
        "import threading\nl = threading.Lock()\nl.acquire()\ntry:\n    print 'x'\nfinally: l.release()\n",
        "import threading\nl = threading.Lock()\nwith l:\n    print 'x'\n",
        id="python2-one-line-finally",
    ),
]

WITH_EXCEPT = (
    "import threading\nl = threading.Lock()\n"
    "l.acquire()\ntry:\n    a()\nexcept E:\n    b()\nfinally:\n    l.release()\n"
)

NOOPS = [
    pytest.param(
        WITH_EXCEPT,
        id="with-except",
    ),
    pytest.param(
        "import threading\nl = threading.Lock()\nl.acquire()\ntry:\n    a()\nfinally:\n    l.release()\n    log()\n",
        id="more-in-finally",
    ),
    pytest.param(
        "import threading\nl = threading.Lock()\ntry:\n    l.acquire()\n    a()\nfinally:\n    l.release()\n",
        id="acquire-inside-try",
    ),
    pytest.param(
        "import threading\nl = threading.Lock()\nl.acquire(False)\ntry:\n    a()\nfinally:\n    l.release()\n",
        id="non-blocking-acquire",
    ),
    pytest.param(
        src("""
            class Pool:
                def acquire(self): pass
                def release(self): pass
            p = Pool()
            p.acquire()
            try:
                a()
            finally:
                p.release()
            """),
        id="own-acquire-release",
    ),
    pytest.param(
        "import threading\na = threading.Lock()\nb = threading.Lock()\n"
        "a.acquire()\ntry:\n    x()\nfinally:\n    b.release()\n",
        id="different-locks",
    ),
]


@pytest.mark.parametrize(("source", "expected"), REWRITES)
def test_rewrites(source, expected):
    assert fix(source, "TP010") == expected


@pytest.mark.parametrize("source", NOOPS)
def test_noops(source):
    assert fix(source, "TP010") == source


def test_other_shapes_are_reported():
    with_except = WITH_EXCEPT
    (finding,) = findings(with_except, "TP010")
    assert not finding.possible and not finding.fixable
    (unknown,) = findings("l = get()\nl.acquire()\ntry:\n    a()\nfinally:\n    l.release()\n", "TP010")
    assert unknown.possible


@pytest.mark.parametrize(
    ("acquire", "args"),
    [("l.acquire(False)", "False"), ("ok = l.acquire(timeout=5)", "timeout=5"), ("l.acquire(0)", "0")],
)
def test_conditional_acquire_is_reported_with_why(tmp_path, acquire, args):
    from threadport.cli import main

    source = f"import threading\nl = threading.Lock()\n{acquire}\ntry:\n    a()\nfinally:\n    l.release()\n"
    (finding,) = findings(source, "TP010")
    assert not finding.fixable and f"l.acquire({args}) may not acquire the lock" in finding.message
    assert "`with l:` always blocks" in finding.message
    (tmp_path / "m.py").write_text(source)  # the prefilter lets it through when walking a folder
    assert main(["check", str(tmp_path)]) == 1


def test_acquire_inside_the_try_says_why_with_is_better():
    source = "import threading\nl = threading.Lock()\ntry:\n    l.acquire()\n    a()\nfinally:\n    l.release()\n"
    (finding,) = findings(source, "TP010")
    assert "finally would release a lock never taken" in finding.message
