"""The prefilter never costs a finding: every rule run with and without it must agree.

The prefilter (each rule's TRIGGER, trigger.py) decides from a file's bytes whether to
parse it at all; a trigger tighter than its rule loses findings in silence. So every
fixture, every code snippet the rule tests use, and the shapes that once slipped through
are analysed twice: as a file named on the command line (always parsed) and as a file
found in a folder (parsed only if the prefilter lets it through), one rule selected at a
time (``--select TP010`` must not lose what the full set finds either).
benchmarks/prefilter_recall.py does the same over whole standard libraries.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest
from fixer_helpers import assert_screens_as_each_trigger

from threadport.fixer import CODES, engine, rule
from threadport.fixer.files import Prefilter, check_file
from threadport.fixer.tree import threading_reexport

ROOT = Path(__file__).resolve().parents[2]
# The words whose definitions fix asks the tree about (ctx.defined: --aggressive's reach).
CONSULTED = {rule(code).RULE.old for code in CODES if hasattr(rule(code), "RULE")}

CONDITION = "import threading\nc = threading.Condition()\n"
LOCK = "import threading\nl = threading.Lock()\nl.acquire()\n"
# Each was a finding the prefilter once dropped (the code it must give, the source).
SLIPPED = {
    "value of wait() passed on": ("TP015", "import threading\nc = threading.Condition()\nprint(c.wait(1))\n"),
    "value of wait() asserted": ("TP015", "import threading\nc = threading.Condition()\nassert c.wait(1)\n"),
    "wait() in a 2.7 _Condition subclass": (
        "TP015",
        "import threading\nclass C(threading._Condition):\n    def f(self):\n        print(self.wait(1))\n",
    ),
    "acquire();": (
        "TP010",
        "import threading\nl = threading.Lock()\nl.acquire();\ntry:\n    pass\nfinally:\n    l.release()\n",
    ),
    "try: on the acquire's line": (
        "TP010",
        "import threading\nl = threading.Lock()\ntry: l.acquire()\nfinally:\n    l.release()\n",
    ),
    "acquire(f(x))": (
        "TP010",
        "import threading\nl = threading.Lock()\nl.acquire(timeout=max(1, 2))\n"
        "try:\n    pass\nfinally:\n    l.release()\n",
    ),
    "acquire( over two lines )": (
        "TP010",
        "import threading\nl = threading.Lock()\nl.acquire(\n)\ntry:\n    pass\nfinally:\n    l.release()\n",
    ),
    "acquire() and a line continuation": (
        "TP010",
        "import threading\nl = threading.Lock()\nl.acquire()\\\n\ntry:\n    pass\nfinally:\n    l.release()\n",
    ),
    "thread.allocate not called": ("TP014", "import thread\nf = thread.allocate\n"),
    "RLock, continuation, (": ("TP013", "import threading\nr = threading.RLock\\\n(None)\n"),
    # and shapes any tightening must keep
    "x . isAlive ()": ("TP001", "import threading\nt = threading.Thread()\nt . isAlive ()\n"),
    "x.\\ isAlive": ("TP001", "import threading\nt = threading.Thread()\nt.\\\nisAlive()\n"),
    "(x.  # comment\\n isAlive)": ("TP001", "import threading\nt = threading.Thread()\n(t.  # c\n isAlive)()\n"),
    "thread.\\ allocate": ("TP014", "import thread\nf = thread.\\\n    allocate\n"),
    "(l.  # comment\\n acquire)": (
        "TP010",
        "import threading\nl = threading.Lock()\n(l.  # c\n  acquire)()\ntry:\n    pass\nfinally:\n    l.release()\n",
    ),
    "from thread \\ import allocate": ("TP014", "from thread \\\n    import allocate as a\n"),
    "from thread import\\ allocate": ("TP014", "from thread import\\\n    allocate as a\n"),
    "from _thread import (x,  # comment\\n allocate)": (
        "TP014",
        "from _thread import (get_ident,  # why\n    error, allocate as a)\n",  # not first on its line
    ),
    "from _thread import (x,  # comment\\r\\n allocate)": (
        "TP014",
        "from _thread import (get_ident,  # why\r\n    error, allocate as a)\r\n",
    ),
    "from thread import(allocate)": ("TP014", "from thread import(allocate)\n"),
    "RLock( # comment": ("TP013", "import threading\nr = threading.RLock(  # why\n    None)\n"),
    "release  ( )": (
        "TP010",
        "import threading\nl = threading.Lock()\nl . acquire ()\ntry:\n    pass\nfinally :\n    l . release ( )\n",
    ),
    "after a comment line with quotes": (
        "TP002",
        "import threading\n# it's 'here'\nx = threading.currentThread()  # currentThread\n",
    ),
    "a # in a string before it": ("TP001", 'import threading\nt = threading.Thread()\nprint("#"); t.isAlive()\n'),
    "CRLF line ends": ("TP002", "import threading\r\n# a comment\r\nx = threading.currentThread()\r\n"),
    # wait() alone on its line, but not a statement (trigger.statement_call must not skip them)
    "wait() an argument on a line of its own": ("TP015", CONDITION + "print(1,\n      c.wait(1)\n)\n"),
    "wait() after a line continuation": ("TP015", CONDITION + "x = \\\n    c.wait(1)\n"),
    "wait() after a keyword": ("TP015", CONDITION + "x = (1 if c else\n     c.wait(1)\n)\n"),
    "wait() after a lambda's colon": ("TP015", CONDITION + "f = (lambda:\n     c.wait(1)\n)\nf()\n"),
    "wait() a dict value after if/else": ("TP015", CONDITION + "d = {1\n     if c else 2:\n     c.wait(1)\n}\n"),
    "wait() a slice's bound, after an if's open bracket": (
        "TP015",
        CONDITION + "if [1][1:\n      c.wait(1)\n]:\n    pass\n",
    ),
    "wait() a dict value after a colon": ("TP015", CONDITION + "d = {\n    1:\n    c.wait(1)\n}\n"),
    "wait() first on its line, its value used after it": ("TP015", CONDITION + "c.wait(1) or print(1)\n"),
    "wait() after a comment line closing a string": (
        "TP015",
        CONDITION + "x = print('''\n# text ''',\n      c.wait(1)\n)\n",
    ),
    "wait() in an open bracket of a def": ("TP015", CONDITION + "def f(x=\n      c.wait(1)\n): pass\n"),
    "wait() after a comment line with a quote": ("TP015", CONDITION + "print(1,\n# it's\n      c.wait(1)\n)\n"),
    "wait() after a # in a string": ("TP015", CONDITION + 'print("#",\n      c.wait(1)\n)\n'),
    "wait first on its line, after x.": ("TP015", CONDITION + "print((c.\n    wait)(1))\n"),
    "wait first on its line, after x. and a comment": ("TP015", CONDITION + "print((c.  # why\n    wait)(1))\n"),
    "wait() with CRLF line ends": ("TP015", CONDITION.replace("\n", "\r\n") + "print(1,\r\n    c.wait(1)\r\n)\r\n"),
    # release() in the finally block (trigger.InFinally): where the block may go on
    "release() after a comment line with a quote": (
        "TP010",
        LOCK + "try:\n    pass\nfinally:\n    # it's\n    l.release()\n",
    ),
    "release() after a string in the finally": (
        "TP010",
        LOCK + "try:\n    pass\nfinally:\n    print(')')\n    l.release()\n    print(1)\n",
    ),
    "release() after a bracket open over a dedented line": (
        "TP010",
        LOCK + "try:\n    pass\nfinally:\n    print(1,\n2)\n    l.release()\n",
    ),
    "release() after a continued line": (
        "TP010",
        LOCK + "try:\n    pass\nfinally:\n    x = 1 + \\\n2\n    l.release()\n",
    ),
    "release() on the finally's line": ("TP010", LOCK + "try:\n    pass\nfinally: l.release()\n"),
    "release() in an outer finally after an inner one": (
        "TP010",
        LOCK + "try:\n    try:\n        pass\n    finally:\n        pass\nfinally:\n    l.release()\n",
    ),
    "release() in a finally indented by tabs": (
        "TP010",
        "import threading\nl = threading.Lock()\nif 1:\n\tl.acquire()\n\ttry:\n\t\tpass\n\tfinally:\n\t\tl.release()\n",
    ),
    "release() in a finally, CRLF line ends": (
        "TP010",
        (LOCK + "try:\n    pass\nfinally:\n\n    l.release()\n").replace("\n", "\r\n"),
    ),
    "release() after a comment line in the finally": (
        "TP010",
        LOCK + "try:\n    pass\nfinally:\n# flush left\n    l.release()\n",
    ),
}


def findings_both_ways(path: Path, codes: tuple[str, ...]) -> tuple[list, list, set, set]:
    """(findings without the prefilter, with it, consulted words defined without it, with it)."""
    pattern = Prefilter(codes)
    every, through = check_file(path, True, codes, pattern), check_file(path, False, codes, pattern)
    rows = [[(f.code, f.line, f.col, f.message, f.possible) for f in o.findings] for o in (every, through)]
    return rows[0], rows[1], every.defined & CONSULTED, through.defined & CONSULTED


def assert_nothing_lost(path: Path) -> set[str]:
    """Every rule alone and all together: the same findings either way. Returns the codes found."""
    found: set[str] = set()
    for codes in (CODES, *((code,) for code in CODES)):
        every, through, defined, defined_through = findings_both_ways(path, codes)
        assert every == through, f"{path.name} --select {','.join(codes)}: the prefilter lost findings"
        # fix reads the tree's definitions of rule words (tree.py) from the same outcomes
        assert defined == defined_through, f"{path.name} --select {','.join(codes)}: the prefilter lost a definition"
        found |= {row[0] for row in every}
    return found


@pytest.mark.parametrize("name", sorted(SLIPPED))
def test_shapes_that_slipped_through_are_let_through(tmp_path, name):
    code, text = SLIPPED[name]
    path = tmp_path / "shape.py"
    path.write_bytes(text.encode())
    assert code in assert_nothing_lost(path)  # the rule does report it: the case is not empty


@pytest.mark.parametrize(
    "text",
    [
        "from _thread import get_ident\n# Cannot allocate memory\n",  # test_socket.py's shape, 261 KB
        'from _thread import get_ident\nx = "allocate"\n',
        "from _thread import get_ident; allocate()\n",
        "import _thread\nthread_allocate = 1\n",
    ],
)
def test_a_synonym_outside_an_import_of_thread_is_no_reason_to_parse(text):
    assert not Prefilter(("TP014",)).search(text.encode())


@pytest.mark.parametrize(
    "text",
    [
        # importlib/_bootstrap.py's shape: a release() after a finally block, not in it
        LOCK + "try:\n    pass\nfinally:\n    pass\nl.release()\n",
        LOCK + "try:\n    pass\nfinally:\n    if x:\n        pass\nelse:\n    l.release()\n",
        LOCK + "try:\n    try:\n        pass\n    finally:\n        pass\n    l.release()\nexcept E:\n    pass\n",
        LOCK + "def f():\n    try:\n        pass\n    finally:  # why\n        pass\n\n    # then\n    l.release()\n",
    ],
)
def test_a_release_after_a_finally_block_is_no_reason_to_parse(text):
    assert not Prefilter(("TP010",)).search(text.encode())


@pytest.mark.parametrize(
    "text",
    [
        "with c:\n    while not ready():\n        c.wait(1)  # why\n",  # queue.py's shape
        "if ready():\n    pass\nelse:\n    self._cond.wait(timeout)\n",
        "while True:\n    if left <= 0:\n        break\n    self.wait(left)\n",
        "with c:\r\n    c.wait()\r\n",
        "x = f(y)\n\n# a comment\nc.wait(1)\n",
        'def clear(self):\n    """Then tasks calling\n    wait() will block"""\n',  # not an attribute
        "def f(sentinels):\n    wait(sentinels, timeout=1)\n",  # not an attribute either
    ],
)
def test_a_wait_whose_line_proves_it_a_statement_is_no_reason_to_parse(text):
    assert not Prefilter(("TP015",)).search((CONDITION + text).encode())


def test_a_wait_on_the_first_line_is_a_statement_too():
    assert not Prefilter(("TP015",)).search(b"c.wait(1)\n" + CONDITION.encode())


@pytest.mark.parametrize(
    "text",
    [
        "import thread\nthread.start_new(f, ())\n",
        "import _thread\nlock = _thread.allocate()\n",
        "import _thread\n_thread.exit_thread()\n",
        "from thread import exit_thread\n",
    ],
)
def test_each_synonym_alone_is_an_anchor_of_tp014(text):
    # TP014's patterns run only in files holding one of its anchors (Trigger.anchors)
    assert Prefilter(("TP014",)).search(text.encode())


# Texts holding the guards' words (files.GUARDS), and a module that re-exports threading.
GROUPED = [
    "import threading\nt = threading.Thread()\nt.getName()\nt.setName('x')\n",
    "import threading\nt = threading.Thread()\nt.setDaemon(True)\nprint(t.isDaemon())\n",
    "def getName(self):\n    pass\n",
    "import dummy_threading\n",
    "from threading import *\n",
    "import _thread\n_thread.allocate()\n",
    "threading = 1  # thread\n",
    "x = 'Daemon etName'\n",
]


def test_the_grouped_screening_answers_as_each_trigger_alone(tmp_path):
    """Prefilter scans a group's guard before its literals (files.GUARDS) and _screen shares its
    THREAD scan with the re-export test: the answers must be the triggers' own, one by one."""
    texts = [text.encode() for _, text in SLIPPED.values()] + [text.encode() for text in GROUPED]
    texts += [path.read_bytes() for path in sorted((ROOT / "tests" / "fixtures").rglob("*.py"))]
    assert_screens_as_each_trigger(tmp_path, texts)
    assert threading_reexport(b"from threading import *\n") is not None  # the re-export case is one


def snippets() -> list[str]:
    """Every string in the rule tests that parses as a module mentioning threading words."""
    found = []
    for test in sorted((ROOT / "tests" / "fixer").glob("test_*.py")):
        for node in ast.walk(ast.parse(test.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "\n" in node.value:
                text = textwrap.dedent(node.value).lstrip("\n")
                try:
                    compile(text, "snippet", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
                except (SyntaxError, ValueError):
                    continue
                found.append(text)
    return found


@pytest.fixture
def parsed_once(monkeypatch) -> dict:
    """Each text parsed once for all its analyses (every selection, with and without the
    prefilter: a third of this test's CPU was parsing the same texts again), not once per
    analysis. Sound while an analysis changes nothing in its tree that another could see:
    scopes.Collector.dispose takes off what its walk hung on the nodes, but two marks that
    every walk sets on the same nodes before anything reads them (a yield's function, a
    call that is a statement: the walk visits every node, whatever rules are selected).
    Checked at the end: any other mark left on a node fails the test."""
    made: dict = {}
    real_parse = engine.parse

    def parse_once(text):
        if text not in made:
            made[text] = real_parse(text)
        return made[text]

    monkeypatch.setattr(engine, "parse", parse_once)
    yield made
    left = {name for parsed in made.values() for node in ast.walk(parsed.tree) for name in vars(node)}
    marks = {name for name in left if name.startswith("_threadport")}
    assert marks <= {"_threadport_generator", "_threadport_statement"}, f"an analysis left {marks} on a tree"


def test_every_rule_test_snippet_fixture_and_legacy_file_loses_nothing(tmp_path, parsed_once):
    files = sorted((ROOT / "tests" / "fixtures").rglob("*.py")) + sorted((ROOT / "legacy").glob("*.py"))
    for i, text in enumerate(dict.fromkeys(snippets())):  # each once: 12% are repeats
        path = tmp_path / f"snippet{i:04d}.py"
        path.write_text(text)
        files.append(path)
    found: set[str] = set()
    for path in files:
        found |= assert_nothing_lost(path)
    assert found == set(CODES)  # every rule had something to find, so every trigger was put to the test
