"""TP011 dummy_threading, TP012 sys.setcheckinterval, TP013 RLock(args), TP014 _thread synonyms.

Each rule's FACTS (its "since") are checked against the deprecation ledger, which probes
every interpreter here."""

import pytest
from availability import unavailable
from fixer_helpers import findings, fix, src

from threadport import ledger
from threadport.fixer import rule

REWRITES = [
    pytest.param("TP011", "import dummy_threading\n", "import threading as dummy_threading\n", id="bare-import"),
    pytest.param("TP011", "import dummy_threading as t\n", "import threading as t\n", id="aliased-import"),
    pytest.param("TP011", "import os, dummy_threading\n", "import os, threading as dummy_threading\n", id="in-a-list"),
    pytest.param(
        "TP011", "from dummy_threading import Thread, Lock\n", "from threading import Thread, Lock\n", id="from-import"
    ),
    pytest.param(
        "TP014", "import thread\nl = thread.allocate()\n", "import thread\nl = thread.allocate_lock()\n", id="allocate"
    ),
    pytest.param(
        "TP014",
        "import _thread as t\nt.start_new(f, ())\nt.exit_thread()\n",
        "import _thread as t\nt.start_new_thread(f, ())\nt.exit()\n",
        id="start_new-exit_thread",
    ),
    pytest.param(
        "TP014",
        "from thread import start_new, allocate as alloc, get_ident\nstart_new(f, ())\nl = alloc()\n",
        "from thread import start_new_thread as start_new, allocate_lock as alloc, get_ident\n"
        "start_new(f, ())\nl = alloc()\n",
        id="from-thread-import",
    ),
    pytest.param(
        "TP014",
        "from _thread import (exit_thread,  # leave\n    get_ident)\n",
        "from _thread import (exit as exit_thread,  # leave\n    get_ident)\n",
        id="from-_thread-import-parenthesized",
    ),
    pytest.param(
        "TP014",
        "from thread import exit_thread as allocate\n",
        "from thread import exit as allocate\n",
        id="local-name-like-a-synonym",
    ),
]

NOOPS = [
    pytest.param("TP011", "x = 'dummy_threading'\n", id="in-a-string"),
    pytest.param(
        "TP011",
        src("""
            try:
                import threading
            except ImportError:
                import dummy_threading as threading
            """),
        id="the-classic-fallback",
    ),
    pytest.param("TP014", "import pool\npool.allocate()\n", id="not-the-thread-module"),
    pytest.param("TP014", "thread = Worker()\nthread.start_new(f)\n", id="a-variable-named-thread"),
    pytest.param("TP014", "from pool import allocate\nallocate()\n", id="from-another-module"),
    pytest.param("TP014", "from thread import start_new_thread as start_new\n", id="already-the-documented-name"),
]

REPORTS = [
    pytest.param(
        "TP012",
        "import sys\nsys.setcheckinterval(10)\n",
        "setswitchinterval(seconds) is not the same knob",
        id="setcheckinterval",
    ),
    pytest.param("TP012", "import sys\nn = sys.getcheckinterval()\n", "removed in Python 3.9", id="getcheckinterval"),
    pytest.param("TP012", "from sys import setcheckinterval\n", "removed in Python 3.9", id="from-sys-import"),
    pytest.param("TP013", "import threading\nr = threading.RLock(None)\n", "warns since Python 3.13", id="rlock-arg"),
    pytest.param("TP013", "from threading import RLock\nr = RLock(blocking=1)\n", "fails from 3.15", id="rlock-kw"),
]

NOT_REPORTED = [
    pytest.param("TP012", "import mysys as sys\nsys.setcheckinterval(10)\n", id="not-sys"),
    pytest.param("TP013", "import threading\nr = threading.RLock()\n", id="rlock-no-arguments"),
    pytest.param("TP013", "from mylocks import RLock\nr = RLock(None)\n", id="another-rlock"),
]


@pytest.mark.parametrize(("code", "source", "expected"), REWRITES)
def test_rewrites(code, source, expected):
    assert fix(source, code) == expected


@pytest.mark.parametrize(("code", "source"), NOOPS)
def test_noops(code, source):
    assert fix(source, code) == source


@pytest.mark.parametrize(("code", "source", "says"), REPORTS)
def test_reported_never_rewritten(code, source, says):
    found = findings(source, code)
    assert len(found) == 1 and not found[0].fixes and says in found[0].message
    assert fix(source, code) == source


@pytest.mark.parametrize(("code", "source"), NOT_REPORTED)
def test_not_reported(code, source):
    assert findings(source, code) == []


def test_a_synonym_imported_under_another_name_is_found_walking_a_folder(tmp_path):
    from threadport.cli import main

    (tmp_path / "m.py").write_text("from thread import allocate as new_lock\nl = new_lock()\n")
    assert main(["check", str(tmp_path)]) == 1


@pytest.fixture(scope="module")
def book():
    found = ledger.load()
    have = {".".join(map(str, c.version_tuple[:2])) for c in found.columns if not c.free_threaded}
    missing = [v for v in ("2.7", "3.8", "3.9", "3.12", "3.13") if v not in have]
    if missing:
        unavailable(f"the ledger lacks Python {', '.join(missing)}", "THREADPORT_REQUIRE_PYTHONS")
    return found


@pytest.mark.parametrize("code", ["TP011", "TP012", "TP013", "TP014"])
def test_since_matches_the_ledger(code, book):
    facts = rule(code).FACTS
    assert facts and ledger.check_facts(facts, book) == []


def test_a_wrong_since_is_caught(book):
    wrong = [ledger.Fact("import dummy_threading", "removed_in", "3.10")]
    assert ledger.check_facts(wrong, book)


WAIT_USED = [
    pytest.param("import threading\nc = threading.Condition()\nwith c:\n    ok = c.wait(1)\n", 1, id="assigned"),
    pytest.param(
        "import threading\nc = threading.Condition()\nwith c:\n    if c.wait(1) is None:\n        x()\n", 1, id="tested"
    ),
    pytest.param("import threading\nc = threading.Condition()\nwith c:\n    c.wait(1)\n", 0, id="value-unused"),
    pytest.param("import threading\ne = threading.Event()\nok = e.wait(1)\n", 0, id="event-wait-returned-the-flag"),
    pytest.param(
        "import threading\nclass Q(threading.Condition):\n    def get(self):\n        return self.wait(1)\n",
        1,
        id="condition-subclass",
    ),
]


@pytest.mark.parametrize(("source", "count"), WAIT_USED)
def test_condition_wait_value_is_reported(source, count):
    found = findings(source, "TP015")
    assert len(found) == count
    assert all("returned None on Python 2" in f.message and not f.fixes for f in found)
    assert fix(source, "TP015") == source


def test_tp015_since_matches_the_ledger(book):
    assert ledger.check_facts(rule("TP015").FACTS, book) == []
