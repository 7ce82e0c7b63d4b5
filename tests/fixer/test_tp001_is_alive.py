"""TP001 isAlive -> is_alive: rewrite cases, no-op cases, possible cases."""

import pytest
from fixer_helpers import fix, severities, src

REWRITES = [
    pytest.param(
        "import threading\nt = threading.Thread(target=f)\nt.isAlive()\n",
        "import threading\nt = threading.Thread(target=f)\nt.is_alive()\n",
        id="module-level-name",
    ),
    pytest.param(
        "import threading as th\ndef f():\n    t = th.Thread()\n    return t.isAlive()  # keep me\n",
        "import threading as th\ndef f():\n    t = th.Thread()\n    return t.is_alive()  # keep me\n",
        id="module-alias-and-comment",
    ),
    pytest.param(
        "from threading import Thread\nt = Thread()\nwhile t.isAlive ( ):\n    pass\n",
        "from threading import Thread\nt = Thread()\nwhile t.is_alive ( ):\n    pass\n",
        id="from-import-odd-spacing",
    ),
    pytest.param(
        src("""
            import threading
            class Worker(threading.Thread):
                def busy(self):
                    return self.isAlive()
            """),
        src("""
            import threading
            class Worker(threading.Thread):
                def busy(self):
                    return self.is_alive()
            """),
        id="self-in-thread-subclass",
    ),
    pytest.param(
        src("""
            import threading
            class Pool:
                def __init__(self):
                    self._t = threading.Thread(target=self.run)
                def alive(self):
                    return self._t.isAlive()
            """),
        src("""
            import threading
            class Pool:
                def __init__(self):
                    self._t = threading.Thread(target=self.run)
                def alive(self):
                    return self._t.is_alive()
            """),
        id="attribute-assigned-in-init",
    ),
    pytest.param(
        "import threading\nalive = [t for t in threading.enumerate() if t.isAlive()]\n",
        "import threading\nalive = [t for t in threading.enumerate() if t.is_alive()]\n",
        id="enumerate-loop-variable",
    ),
    pytest.param(
        "import threading\nts = [threading.Thread(target=f) for _ in range(3)]\nn = [t for t in ts if t.isAlive()]\n",
        "import threading\nts = [threading.Thread(target=f) for _ in range(3)]\nn = [t for t in ts if t.is_alive()]\n",
        id="list-comprehension-of-threads",
    ),
    pytest.param(
        "import threading\nthreading.current_thread().isAlive()\n",
        "import threading\nthreading.current_thread().is_alive()\n",
        id="current-thread-result",
    ),
    pytest.param(
        "import threading\nt = threading.Thread()\ncheck = t.isAlive\n",
        "import threading\nt = threading.Thread()\ncheck = t.is_alive\n",
        id="bound-method-reference",
    ),
    pytest.param(
        "import threading\nt = threading.Thread()\nprint t.isAlive(), `t`\n",
        "import threading\nt = threading.Thread()\nprint t.is_alive(), `t`\n",
        id="python2-stays-python2",
    ),
]

NOOPS = [
    pytest.param("t = get_thread()\nt.isAlive()\n", id="unknown-receiver"),
    pytest.param(
        "import threading\nt = threading.Thread()\nt = Other()\nt.isAlive()\n", id="rebound-to-something-else"
    ),
    pytest.param(
        src("""
            class Job:
                def isAlive(self):
                    return True
            j = Job()
            j.isAlive()
            """),
        id="own-class-with-isAlive",
    ),
    pytest.param(
        src("""
            import threading
            class Custom(threading.Thread):
                def isAlive(self):
                    return 'mine'
                def check(self):
                    return self.isAlive()
            """),
        id="thread-subclass-overrides-isAlive",
    ),
    pytest.param("import threading\nt = threading.Thread()\nx = 't.isAlive()'\n", id="in-a-string"),
    pytest.param("ts = [make() for _ in range(3)]\nfor t in ts:\n    t.isAlive()\n", id="list-of-unknowns"),
    pytest.param("import threading\nt = threading.Thread()\n# t.isAlive()\n", id="in-a-comment"),
    pytest.param("class Plain:\n    pass\np = Plain()\np.isAlive()\n", id="local-class-known-not-a-thread"),
]


@pytest.mark.parametrize(("source", "expected"), REWRITES)
def test_rewrites(source, expected):
    assert fix(source, "TP001") == expected


@pytest.mark.parametrize("source", NOOPS)
def test_noops(source):
    assert fix(source, "TP001") == source


def test_unknown_receiver_is_possible_and_aggressive_rewrites_it():
    source = "t = get_thread()\nt.isAlive()\n"
    assert severities(source, "TP001") == ["possible"]
    assert fix(source, "TP001", aggressive=True) == "t = get_thread()\nt.is_alive()\n"


def test_own_method_is_not_reported():
    assert severities("class Job:\n    def isAlive(self): pass\nJob().isAlive()\n", "TP001") == []
