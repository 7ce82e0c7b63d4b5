"""TP006 getName, TP007 setName, TP008 isDaemon, TP009 setDaemon -> the name/daemon attributes."""

import pytest
from fixer_helpers import findings, fix, src

REWRITES = [
    pytest.param(
        "TP006",
        "import threading\nt = threading.Thread()\nprint(t.getName())\n",
        "import threading\nt = threading.Thread()\nprint(t.name)\n",
        id="getName",
    ),
    pytest.param(
        "TP006",
        "import threading\nlog(threading.currentThread().getName())\n",
        "import threading\nlog(threading.currentThread().name)\n",
        id="getName-current-thread",
    ),
    pytest.param(
        "TP008",
        "import threading\nt = threading.Thread()\nif t.isDaemon(): pass\n",
        "import threading\nt = threading.Thread()\nif t.daemon: pass\n",
        id="isDaemon",
    ),
    pytest.param(
        "TP007",
        "import threading\nt = threading.Thread()\nt.setName('worker-%d' % n)\n",
        "import threading\nt = threading.Thread()\nt.name = 'worker-%d' % n\n",
        id="setName",
    ),
    pytest.param(
        "TP007",
        "import threading\nt = threading.Thread()\nt.setName(\n    'long',\n)\n",
        "import threading\nt = threading.Thread()\nt.name = (\n    'long'\n)\n",
        id="setName-multiline-trailing-comma",
    ),
    pytest.param(
        "TP009",
        "import threading\nt = threading.Thread()\nt.setDaemon(True); t.start()\n",
        "import threading\nt = threading.Thread()\nt.daemon = True; t.start()\n",
        id="setDaemon-semicolon",
    ),
    pytest.param(
        "TP009",
        "import threading\nt = threading.Thread()\nif x: t.setDaemon(x,)\n",
        "import threading\nt = threading.Thread()\nif x: t.daemon = x\n",
        id="setDaemon-one-line-if",
    ),
    pytest.param(
        "TP009",
        src("""
            import threading
            class W(threading.Thread):
                def __init__(self):
                    threading.Thread.__init__(self)
                    self.setDaemon(True)
            """),
        src("""
            import threading
            class W(threading.Thread):
                def __init__(self):
                    threading.Thread.__init__(self)
                    self.daemon = True
            """),
        id="setDaemon-self",
    ),
    pytest.param(
        "TP009",
        "import threading\nt = threading.Thread()\nt.setDaemon(1)\nprint t\n",
        "import threading\nt = threading.Thread()\nt.daemon = 1\nprint t\n",
        id="python2",
    ),
]

NOOPS = [
    pytest.param("TP006", "import logging\nlogger = logging.getLogger()\nlogger.getName()\n", id="not-a-thread"),
    pytest.param("TP006", "class Named:\n    def getName(self): return 'n'\nNamed().getName()\n", id="own-getName"),
    pytest.param("TP007", "import threading\nt = threading.Thread()\nok = t.setName('x')\n", id="setName-value-used"),
    pytest.param(
        "TP009", "class Svc:\n    def setDaemon(self, v): pass\ns = Svc()\ns.setDaemon(True)\n", id="own-setDaemon"
    ),
    pytest.param("TP009", "import threading\nt = threading.Thread()\nt.setDaemon(*flags)\n", id="starred"),
    pytest.param("TP006", "import threading\nt = threading.Thread()\nget = t.getName\n", id="getter-reference"),
    pytest.param(
        "TP006",
        "import threading\nt = threading.Thread()\nprint(t.getName(  # why\n))\n",
        id="comment-inside-the-call-is-kept",
    ),
]


@pytest.mark.parametrize(("code", "source", "expected"), REWRITES)
def test_rewrites(code, source, expected):
    assert fix(source, code) == expected


@pytest.mark.parametrize(("code", "source"), NOOPS)
def test_noops(code, source):
    assert fix(source, code) == source


def test_reference_without_method_equivalent_is_reported_only():
    (finding,) = findings("import threading\nt = threading.Thread()\nget = t.getName\n", "TP006")
    assert not finding.possible and not finding.fixable


def test_setter_used_as_value_is_reported_only():
    (finding,) = findings("import threading\nt = threading.Thread()\nok = t.setName('x')\n", "TP007")
    assert not finding.possible and not finding.fixable
