"""TP002 currentThread / TP003 activeCount: module attributes, from-imports and their uses."""

import pytest
from fixer_helpers import findings, fix, severities

REWRITES = [
    pytest.param(
        "TP002",
        "import threading\nthreading.currentThread()\n",
        "import threading\nthreading.current_thread()\n",
        id="attr",
    ),
    pytest.param(
        "TP003",
        "import threading as th\nn = th.activeCount()\n",
        "import threading as th\nn = th.active_count()\n",
        id="alias",
    ),
    pytest.param(
        "TP002",
        "from threading import currentThread\ndef f():\n    return currentThread().name\n",
        "from threading import current_thread\ndef f():\n    return current_thread().name\n",
        id="from-import-and-uses",
    ),
    pytest.param(
        "TP002",
        "from threading import Lock, currentThread as ct\nct()\n",
        "from threading import Lock, current_thread as ct\nct()\n",
        id="from-import-aliased",
    ),
    pytest.param(
        "TP003",
        "import threading\nlog(threading.activeCount)\n",
        "import threading\nlog(threading.active_count)\n",
        id="reference",
    ),
    pytest.param(
        "TP002",
        "from threading import *\nprint currentThread().getName()\n",
        "from threading import *\nprint current_thread().getName()\n",
        id="star-import-python2",
    ),
]

NOOPS = [
    pytest.param("TP002", "import mythreads\nmythreads.currentThread()\n", id="other-module"),
    pytest.param("TP002", "def currentThread():\n    pass\ncurrentThread()\n", id="own-function"),
    pytest.param(
        "TP002",
        "from threading import currentThread\n__all__ = ['currentThread']\n",
        id="re-exported-by-name",
    ),
    pytest.param(
        "TP002",
        "from threading import currentThread\ndef f(currentThread):\n    return currentThread()\n",
        id="shadowed-by-a-parameter",
    ),
]


@pytest.mark.parametrize(("code", "source", "expected"), REWRITES)
def test_rewrites(code, source, expected):
    assert fix(source, code) == expected


@pytest.mark.parametrize(("code", "source"), NOOPS)
def test_noops(code, source):
    assert fix(source, code) == source


def test_rebound_name_is_reported_not_rewritten():
    source = "from threading import currentThread\ndef f(currentThread):\n    return currentThread()\n"
    reported = findings(source, "TP002")
    assert [f.line for f in reported] == [1] and not reported[0].fixable


def test_unknown_module_is_possible():
    assert severities("get_mod().currentThread()\n", "TP002") == ["possible"]
