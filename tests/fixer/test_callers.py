"""A parameter of a public function is what every call in the tree passes it (callers.py).

paramiko's shape: an event passed to a public method, stored or waited on there. Each
rewrite has near misses that break the proof (another value passed, the method read as a
value, called through a string or with ``*args``, a class that may hide under another
name), and each test checks that `check`'s certain findings are exactly `fix`'s rewrites.
"""

from __future__ import annotations

import re

import pytest
from fixer_helpers import src

from threadport.cli import main
from threadport.fixer import CODES, rules
from threadport.fixer.callers import refuted
from threadport.fixer.engine import analyze
from threadport.fixer.tree import TreeFacts

LIB = src("""
    import threading

    class Waiter(object):
        def wait_for(self, event, timeout=None):
            while not event.isSet():
                event.wait(timeout)

    class Session(object):
        def __init__(self):
            self.done = None

        def start(self, event=None):
            if event is not None:
                self.done = event
                return
            self.done = threading.Event()

        def finished(self):
            return self.done.isSet()
    """)
APP = src("""
    import threading
    from lib import Waiter, Session

    def login(waiter):
        ev = threading.Event()
        waiter.wait_for(ev)
        {extra}

    def run(session):
        session.start()
        session.start(threading.Event())
    """)
REWRITTEN = ["        while not event.is_set():", "        return self.done.is_set()"]


def _project(tmp_path, **files):
    for name, text in files.items():
        (tmp_path / f"{name}.py").write_text(text)
    return tmp_path


def _check_then_fix(folder, capsys) -> tuple[set[tuple[str, int]], set[tuple[str, int]]]:
    """(file, line) of check's certain findings, and of the lines fix changed."""
    before = {path.name: path.read_text().split("\n") for path in folder.glob("*.py")}
    main(["check", "--exit-zero", str(folder)])
    certain = set()
    for line in capsys.readouterr().out.splitlines():
        found = re.match(r".*/(\w+\.py):(\d+):\d+: TP\d+ (?!\[)", line)
        if found:
            certain.add((found.group(1), int(found.group(2))))
    main(["fix", str(folder)])
    capsys.readouterr()
    changed = set()
    for name, lines in before.items():
        after = (folder / name).read_text().split("\n")
        changed |= {(name, number) for number, (a, b) in enumerate(zip(lines, after), 1) if a != b}
    return certain, changed


def test_parameters_every_caller_passes_an_event_are_events(tmp_path, capsys):
    folder = _project(tmp_path, lib=LIB, app=APP.format(extra=""))
    certain, changed = _check_then_fix(folder, capsys)
    assert certain == changed == {("lib.py", 5), ("lib.py", 19)}
    text = (folder / "lib.py").read_text()
    assert all(line in text.split("\n") for line in REWRITTEN)
    assert main(["fix", str(folder)]) == 0  # a second fix changes nothing


def test_an_event_passed_on_through_another_public_function(tmp_path, capsys):
    app = src("""
        import threading
        from lib import Waiter

        def login(waiter, ev=None):
            waiter.wait_for(ev)

        def main(waiter):
            login(waiter, threading.Event())
            login(waiter)
        """)
    folder = _project(tmp_path, lib=LIB, app=app)
    certain, changed = _check_then_fix(folder, capsys)
    assert ("lib.py", 5) in certain and certain == changed


def test_a_method_passing_its_own_parameter_on_is_still_decided_by_the_other_calls(tmp_path, capsys):
    lib = LIB.replace("            event.wait(timeout)", "            self.wait_for(event, timeout)")
    folder = _project(tmp_path, lib=lib, app=APP.format(extra=""))
    certain, changed = _check_then_fix(folder, capsys)
    assert ("lib.py", 5) in certain and certain == changed


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param("waiter.wait_for(Flag())", id="another-value-passed"),
        pytest.param("waiter.wait_for(ev)\n    later = waiter.wait_for", id="read-as-a-value"),
        pytest.param("getattr(waiter, 'wait_for')(ev)", id="named-in-a-string"),
        pytest.param("waiter.wait_for(*events)", id="spread-arguments"),
        pytest.param("Waiter.wait_for(ev, Flag())", id="called-on-the-class"),
        pytest.param("kind = Waiter\n    holder.wait_for(ev, 0.5)", id="class-stored-under-another-name"),
        pytest.param("kind = getattr(lib, 'Waiter')\n    holder.wait_for(ev, 0.5)", id="class-fetched-by-name"),
    ],
)
def test_near_misses_leave_the_parameter_unknown(tmp_path, capsys, extra):
    folder = _project(tmp_path, lib=LIB, app=APP.format(extra=extra))
    certain, changed = _check_then_fix(folder, capsys)
    assert ("lib.py", 5) not in certain and certain == changed == {("lib.py", 19)}
    assert "while not event.isSet():" in (folder / "lib.py").read_text()


def test_without_the_stored_class_both_readings_pass(tmp_path, capsys):
    folder = _project(tmp_path, lib=LIB, app=APP.format(extra="holder.wait_for(ev, 0.5)"))
    certain, changed = _check_then_fix(folder, capsys)
    assert certain == changed == {("lib.py", 5), ("lib.py", 19)}


@pytest.mark.parametrize(
    "lib",
    [
        pytest.param(LIB.replace("    def wait_for(", "    @logged\n    def wait_for("), id="decorated"),
        pytest.param(LIB + "\ndef wait_for(timeout, event):\n    pass\n", id="a-function-of-the-same-name"),
        pytest.param(
            LIB + "\ndef check():\n    Waiter.wait_for(threading.Event(), Flag())\n", id="called-on-the-class-itself"
        ),
    ],
)
def test_definitions_that_break_the_reading_of_calls(tmp_path, capsys, lib):
    folder = _project(tmp_path, lib=lib, app=APP.format(extra=""))
    certain, changed = _check_then_fix(folder, capsys)
    assert "while not event.isSet():" in (folder / "lib.py").read_text()
    assert certain == changed


def test_no_call_in_the_tree_proves_nothing(tmp_path, capsys):
    folder = _project(tmp_path, lib=LIB)
    certain, changed = _check_then_fix(folder, capsys)
    assert certain == changed == set()  # start() is never called here: done may be anything given


def test_a_method_of_the_same_name_taking_it_elsewhere(tmp_path, capsys):
    other = "class Other(object):\n    def wait_for(self, timeout, event):\n        pass\n"
    folder = _project(tmp_path, lib=LIB, app=APP.format(extra=""), zz_other=other)  # read after lib.py
    certain, changed = _check_then_fix(folder, capsys)
    assert "while not event.isSet():" in (folder / "lib.py").read_text()
    assert certain == changed == {("lib.py", 19)}


def _asked(text: str) -> set[tuple[str, str, str]]:
    """The public parameters a file's analysis asks the tree about (what callers.py gathers)."""
    context, _ = analyze(src(text), rules(CODES), TreeFacts())
    return set(context.receivers.wanted)


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        pytest.param(
            "def wait(event):\n    while not event.isSet():\n        pass\n", {("wait", "event", "")}, id="the-receiver"
        ),
        pytest.param(LIB, {("start", "event", "Session"), ("wait_for", "event", "Waiter")}, id="stored-then-read"),
        pytest.param(
            # the name's answer for the owner is remembered first; the receiver's must ask
            "class C(object):\n    def start(self, ev):\n        ev.holder.isSet()\n        self.done = ev\n\n"
            "    def finished(self):\n        return self.done.isSet()\n",
            {("start", "ev", "C")},
            id="read-both-ways-opaque-first",
        ),
        pytest.param(
            # bound twice: a None given drops out beside the list, so the answer may help
            "def flush(handlers=None):\n    if handlers is None:\n        handlers = []\n"
            "    for h in handlers[:]:\n        h.isSet()\n",
            {("flush", "handlers", "")},
            id="rebound-then-subscripted",
        ),
        pytest.param(
            # logging's shutdown(): a threading object or None cannot be sliced into handlers
            "def shutdown(handlerList):\n    for wr in reversed(handlerList[:]):\n"
            "        h = wr()\n        h.isSet()\n",
            set(),
            id="sliced",
        ),
        pytest.param("def setUp(self):\n    self.evt.isSet()\n", set(), id="an-attribute-owner"),
        pytest.param("def run(make):\n    make().isSet()\n", set(), id="called"),
        pytest.param("def run(events):\n    for e in events:\n        e.isSet()\n", set(), id="iterated"),
    ],
)
def test_only_parameters_an_answer_could_help_are_asked_about(text, asked):
    assert _asked(text) == asked


def _refuted(text: str) -> set[tuple[str, str]]:
    context, _ = analyze(src(text), rules(CODES), TreeFacts())
    return refuted(context.text, context.tree, set(context.receivers.wanted))


WAITER = """
    import threading

    class Waiter(object):
        def wait_for(self, event):
            return event.isSet()

        def run(self, make):
            {call}
    """


@pytest.mark.parametrize(
    ("call", "proved"),
    [
        pytest.param("self.wait_for(make())", {("wait_for", "event")}, id="self-passes-an-unknown"),
        pytest.param("super(Waiter, self).wait_for(make())", {("wait_for", "event")}, id="super-passes-an-unknown"),
        pytest.param("self.wait_for(event=make())", {("wait_for", "event")}, id="by-keyword"),
        pytest.param("self.wait_for(*make())", {("wait_for", "event")}, id="spread"),
        pytest.param("callback = self.wait_for", {("wait_for", "event")}, id="read-as-a-value"),
        pytest.param("self.wait_for(threading.Event())", set(), id="self-passes-an-event"),
        pytest.param("self.wait_for(None)", set(), id="self-passes-none"),
        pytest.param("self.wait_for(self.wait_for)", {("wait_for", "event")}, id="the-method-itself"),
        # another receiver may be the class (self given first): the tree decides the reading
        pytest.param("other.wait_for(make())", set(), id="another-receiver"),
        # ``make`` is a public parameter not decided yet: the next round may know it
        pytest.param("self.wait_for(make)", set(), id="a-parameter-pending"),
    ],
)
def test_what_one_file_proves_unknown_is_not_searched_for(call, proved):
    assert _refuted(WAITER.format(call=call)) == proved


def test_a_parameter_the_file_proves_unknown_is_not_gathered(tmp_path, monkeypatch, capsys):
    from threadport.fixer import callers

    asked = []
    monkeypatch.setattr(callers, "gather", lambda paths, wanted, *rest: asked.append(wanted) or {})
    lib = src(WAITER.format(call="self.wait_for(make())"))
    folder = _project(tmp_path, lib=lib, app=APP.format(extra=""))
    main(["check", "--exit-zero", str(folder)])
    assert asked == [] and "lib.py:5:" in capsys.readouterr().out  # reported possible, as gathered
    (folder / "lib.py").write_text(lib.replace("self.wait_for(make())", "self.wait_for(threading.Event())"))
    main(["check", "--exit-zero", str(folder)])
    assert asked == [{("wait_for", "event")}]


def test_with_a_module_re_exporting_threading_the_tree_is_searched_all_the_same(tmp_path, monkeypatch, capsys):
    from threadport.fixer import callers

    asked = []
    monkeypatch.setattr(callers, "gather", lambda paths, wanted, *rest: asked.append(wanted) or {})
    lib = src(WAITER.format(call="self.wait_for(make())"))
    folder = _project(tmp_path, lib=lib, app=APP.format(extra=""), threadutil="from threading import *\n")
    main(["check", "--exit-zero", str(folder)])
    capsys.readouterr()
    assert asked == [{("wait_for", "event")}]  # make() may be threadutil's, which the file cannot know
