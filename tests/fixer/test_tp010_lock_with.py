"""TP010: acquire() + try/finally release() -> with lock: (the exact shapes only).

REWRITES run at the default --min-python (2.6), REWRITES_27 at 2.7 (``with a, b:``);
NOOPS must stay as they are at both."""

import pytest
from fixer_helpers import findings, fix, src

NESTED = src("""
    import threading
    a = threading.Lock()
    b = threading.RLock()
    def f():
        a.acquire()
        try:
            b.acquire()
            try:
                # both held
                work('''text
        kept''')
                if x:
                    y()
            finally:
                b.release()
        finally:
            a.release()
        done()
    """)
FLAT = src("""
    import threading
    class Pair:
        def __init__(self):
            self._a = threading.Lock()
            self._b = threading.Lock()
        def swap(self):
            self._a.acquire()  # first
            self._b.acquire()
            try:
                self.x, self.y = self.y, self.x
            finally:
                self._b.release()
                self._a.release()
    """)

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
    pytest.param(
        src("""
            import threading
            lock = threading.Lock()
            def f():
                try:  # the lock guards the counter
                    lock.acquire()  # wait for it
                    count[0] += 1
                finally:
                    lock.release()
                done()
            """),
        src("""
            import threading
            lock = threading.Lock()
            def f():
                with lock:  # the lock guards the counter
                    # wait for it
                    count[0] += 1
                done()
            """),
        id="acquire-first-in-try",
    ),
    pytest.param(
        "import threading\nl = threading.Lock()\nl.acquire(True)\ntry:\n    a()\nfinally:\n    l.release()\n",
        "import threading\nl = threading.Lock()\nwith l:\n    a()\n",
        id="blocking-true-acquire",
    ),
    pytest.param(
        NESTED,
        src("""
            import threading
            a = threading.Lock()
            b = threading.RLock()
            def f():
                with a:
                    with b:
                        # both held
                        work('''text
                kept''')
                        if x:
                            y()
                done()
            """),
        id="nested-two-locks-before-2.7",
    ),
]

REWRITES_27 = [
    pytest.param(
        NESTED,
        src("""
            import threading
            a = threading.Lock()
            b = threading.RLock()
            def f():
                with a, b:
                    # both held
                    work('''text
                kept''')
                    if x:
                        y()
                done()
            """),
        id="nested-two-locks",
    ),
    pytest.param(
        FLAT,
        src("""
            import threading
            class Pair:
                def __init__(self):
                    self._a = threading.Lock()
                    self._b = threading.Lock()
                def swap(self):
                    with self._a, self._b:  # first
                        self.x, self.y = self.y, self.x
            """),
        id="flat-two-locks-before-try",
    ),
    pytest.param(
        "import threading\na = threading.Lock()\nb = threading.Lock()\n"
        "try:\n    a.acquire()\n    b.acquire()\n    w()\nfinally:\n    b.release()\n    a.release()\n",
        "import threading\na = threading.Lock()\nb = threading.Lock()\nwith a, b:\n    w()\n",
        id="flat-two-locks-in-try",
    ),
    pytest.param(
        "import threading\na = threading.Lock()\nb = threading.Lock()\n"
        "a.acquire()\ntry:\n    b.acquire()\n    w(1,\n      2)\nfinally:\n    b.release()\n    a.release()\n",
        "import threading\na = threading.Lock()\nb = threading.Lock()\nwith a, b:\n    w(1,\n      2)\n",
        id="flat-one-before-one-in-try",
    ),
    pytest.param(
        "import threading\na = threading.Lock()\nb = threading.Lock()\n"
        "a.acquire()\ntry:\n    try:\n        b.acquire()\n        w()\n    finally:\n        b.release()\n"
        "finally:\n    a.release()\n",
        "import threading\na = threading.Lock()\nb = threading.Lock()\nwith a, b:\n    w()\n",
        id="nested-inner-acquire-in-try",
    ),
    pytest.param(
        "import threading\na = threading.Lock()\nb = threading.Lock()\n"
        "a.acquire()\ntry:\n    x()\n    b.acquire()\n    try:\n        w()\n    finally:\n        b.release()\n"
        "finally:\n    a.release()\n",
        "import threading\na = threading.Lock()\nb = threading.Lock()\nwith a:\n    x()\n    with b:\n        w()\n",
        id="nested-with-code-between-stays-nested",
    ),
    pytest.param(
        "import threading\na = threading.Lock()\nb = threading.Lock()\n"
        "a.acquire()\ntry:\n    x()\n    try:\n        b.acquire()\n        w()\n    finally:\n        b.release()\n"
        "finally:\n    a.release()\n",
        "import threading\na = threading.Lock()\nb = threading.Lock()\nwith a:\n    x()\n    with b:\n        w()\n",
        id="nested-code-before-inner-try-stays-nested",
    ),
    pytest.param(
        "import threading\na = threading.RLock()\n"
        "a.acquire()\ntry:\n    a.acquire()\n    try:\n        w()\n    finally:\n        a.release()\n"
        "finally:\n    a.release()\n",
        "import threading\na = threading.RLock()\nwith a:\n    with a:\n        w()\n",
        id="same-rlock-twice-stays-nested",
    ),
    pytest.param(
        "import threading\na = threading.Lock()\nb = threading.Lock()\n"
        "a.acquire()\ntry:\n    b.acquire()\n    try:\n        w()\n    finally:\n        b.release()\n"
        "except E:\n    pass\nfinally:\n    a.release()\n",
        "import threading\na = threading.Lock()\nb = threading.Lock()\n"
        "a.acquire()\ntry:\n    with b:\n        w()\n"
        "except E:\n    pass\nfinally:\n    a.release()\n",
        id="nested-outer-with-except-only-inner",
    ),
    pytest.param(
        "import threading\na = threading.Lock()\nb = threading.Lock()\nc = threading.Lock()\n"
        "a.acquire()\ntry:\n    b.acquire()\n    try:\n        c.acquire()\n        try:\n            w()\n"
        "        finally:\n            c.release()\n    finally:\n        b.release()\nfinally:\n    a.release()\n",
        "import threading\na = threading.Lock()\nb = threading.Lock()\nc = threading.Lock()\n"
        "with a, b:\n    with c:\n        w()\n",
        id="three-nested-locks",
    ),
    pytest.param(
        "import threading\na = threading.Lock()\nb = threading.Lock()\n"
        "a.acquire()\ntry:\n    b.acquire()\n    try: w()\n    finally: b.release()\nfinally:\n    a.release()\n",
        "import threading\na = threading.Lock()\nb = threading.Lock()\nwith a:\n    with b: w()\n",
        id="one-line-inner-try-stays-nested",
    ),
]

# Shapes `with` would do exactly, in a layout the token edit refuses: reported by hand.
refused_layouts = [
    "import threading\nl = threading.Lock()\ntry:\n    l.acquire(); a()\nfinally:\n    l.release()\n",
    "import threading\nl = threading.Lock()\ntry: l.acquire(); a()\nfinally: l.release()\n",
    "import threading\nl = threading.Lock()\nl.acquire()\ntry:\n    a()\nfinally:\n    l.release()  # unlock\n",
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
        "import threading\nl = threading.Lock()\n"
        "try:\n    l.acquire()\n    a()\nexcept E:\n    b()\nfinally:\n    l.release()\n",
        id="acquire-in-try-with-except",
    ),
    pytest.param(
        "import threading\nl = threading.Lock()\ntry:\n    x()\n    l.acquire()\n    a()\nfinally:\n    l.release()\n",
        id="code-in-try-before-acquire",
    ),
    pytest.param(
        "import threading\nl = threading.Lock()\ntry:\n    l.acquire()\nfinally:\n    l.release()\n",
        id="nothing-left-to-guard",
    ),
    pytest.param(refused_layouts[0], id="acquire-shares-its-line"),
    pytest.param(refused_layouts[1], id="one-line-try"),
    pytest.param(refused_layouts[2], id="comment-beside-release"),
    pytest.param(
        "import threading\nl = threading.Lock()\nl.acquire()\nx = f()\ntry:\n    a()\nfinally:\n    l.release()\n",
        id="code-between-acquire-and-try",
    ),
    pytest.param(
        "import threading\nl = threading.Lock()\n"
        "l.acquire()\ntry:\n    a()\n    l.release()\nexcept E:\n    l.release()\n",
        id="release-not-in-finally",
    ),
    pytest.param(
        "import threading\na = threading.Lock()\nb = threading.Lock()\n"
        "a.acquire()\nb.acquire()\ntry:\n    w()\nfinally:\n    a.release()\n    b.release()\n",
        id="two-locks-released-in-acquire-order",
    ),
    pytest.param(
        "import threading\na = threading.Lock()\nb = threading.Lock()\n"
        "a.acquire()\nx()\nb.acquire()\ntry:\n    w()\nfinally:\n    b.release()\n    a.release()\n",
        id="two-locks-code-between-acquires",
    ),
    pytest.param(
        "import threading\na = threading.Lock()\nb = threading.Lock()\nc = threading.Lock()\n"
        "a.acquire()\nb.acquire()\ntry:\n    w()\nfinally:\n    c.release()\n    a.release()\n",
        id="two-locks-another-released",
    ),
    pytest.param(
        "import threading\na = threading.Lock()\nb = threading.Lock()\n"
        "a.acquire()\nb.acquire(False)\ntry:\n    w()\nfinally:\n    b.release()\n    a.release()\n",
        id="two-locks-one-non-blocking",
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


@pytest.mark.parametrize(("source", "expected"), REWRITES_27)
def test_rewrites_from_python_2_7(source, expected):
    assert fix(source, "TP010", min_python=(2, 7)) == expected


@pytest.mark.parametrize("source", NOOPS)
@pytest.mark.parametrize("min_python", [(2, 6), (2, 7)])
def test_noops(source, min_python):
    assert fix(source, "TP010", min_python=min_python) == source


@pytest.mark.parametrize("source", refused_layouts)
def test_a_layout_the_edit_refuses_is_reported_by_hand_at_check_time(source):
    (finding,) = findings(source, "TP010")
    assert not finding.fixable and not finding.possible and "(by hand: " in finding.message


def test_flat_two_locks_need_python_2_7():
    (finding,) = findings(FLAT, "TP010")
    assert not finding.fixable and "needs Python 2.7; --min-python is 2.6" in finding.message
    assert fix(FLAT, "TP010") == FLAT
    (finding,) = findings(FLAT, "TP010", min_python=(2, 7))
    assert finding.fixable and "-> with self._a, self._b:" in finding.message


def test_nested_two_locks_are_one_finding_from_2_7():
    assert len(findings(NESTED, "TP010")) == 2  # two nested `with`s below 2.7
    (finding,) = findings(NESTED, "TP010", min_python=(2, 7))
    assert finding.fixable and "-> with a, b:" in finding.message


def test_two_locks_of_unknown_kind_are_possible():
    source = (
        "a = get()\nb = get()\na.acquire()\nb.acquire()\ntry:\n    w()\nfinally:\n    b.release()\n    a.release()\n"
    )
    (finding,) = findings(source, "TP010", min_python=(2, 7))
    assert finding.possible and not finding.fixable


def test_other_shapes_are_reported():
    with_except = WITH_EXCEPT
    (finding,) = findings(with_except, "TP010")
    assert not finding.possible and not finding.fixable
    (unknown,) = findings("l = get()\nl.acquire()\ntry:\n    a()\nfinally:\n    l.release()\n", "TP010")
    assert unknown.possible


@pytest.mark.parametrize(
    ("acquire", "args"),
    [
        ("l.acquire(False)", "False"),
        ("ok = l.acquire(timeout=5)", "timeout=5"),
        ("l.acquire(0)", "0"),
        ("l.acquire(blocking=False)", "blocking=False"),
        ("l.acquire(True, 5)", "True, 5"),
        ("if not l.acquire(False):\n    raise Busy()", "False"),
    ],
)
def test_conditional_acquire_is_reported_with_why(tmp_path, acquire, args):
    from threadport.cli import main

    source = f"import threading\nl = threading.Lock()\n{acquire}\ntry:\n    a()\nfinally:\n    l.release()\n"
    (finding,) = findings(source, "TP010")
    assert not finding.fixable and f"l.acquire({args}) may not acquire the lock" in finding.message
    assert "`with l:` always blocks" in finding.message
    (tmp_path / "m.py").write_text(source)  # the prefilter lets it through when walking a folder
    assert main(["check", str(tmp_path)]) == 1


def test_conditional_acquire_guarding_the_try_is_reported(tmp_path):
    from threadport.cli import main

    source = src("""
        import threading
        l = threading.Lock()
        if l.acquire(False):
            try:
                a()
            finally:
                l.release()
        """)
    (finding,) = findings(source, "TP010")
    assert not finding.fixable and "l.acquire(False) may not acquire the lock" in finding.message
    assert fix(source, "TP010") == source
    (tmp_path / "m.py").write_text(source)  # the prefilter lets it through
    assert main(["check", str(tmp_path)]) == 1


def test_acquire_inside_the_try_says_why_with_is_better():
    source = "import threading\nl = threading.Lock()\ntry:\n    l.acquire()\n    a()\nfinally:\n    l.release()\n"
    (finding,) = findings(source, "TP010")
    assert finding.fixable and "finally would have released a lock never taken" in finding.message
    assert (finding.line, finding.col) == (4, 4)  # at the acquire, as before the shape was rewritten
