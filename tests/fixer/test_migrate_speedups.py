"""migrate's speed-ups change no output: over a set of fixtures, `migrate_texts` gives byte
for byte what the plain pipeline (plain_migrate.py: every default fixer on its own parse,
every stage on every file, pyupgrade's command until it changes nothing) gives, and
refuses the same files. The same comparison over all of 2.7's Lib is
`python tests/fixer/plain_migrate.py FOLDER` (minutes; README, benchmarks)."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from plain_migrate import plain_before_pyupgrade, plain_migrate_batches

from threadport.fixer import migrate
from threadport.fixer.migrate import MigrateError, migrate_texts

ROOT = Path(__file__).resolve().parents[2]

# Each gated fixer with and without its words, the words another fixer writes
# (urlparse -> urllib.parse), the grammar switch (print_function), and the edge cases of
# the reused parse (no final newline, empty file, Python 3, tabs, code that does not compile).
SNIPPETS = {
    "sort.py": "def f(xs, cmp):\n    xs.sort(cmp)\n    return sorted(xs, cmp)\n",
    "next.py": "class It(object):\n    def next(self):\n        return 1\nit = iter([1])\nprint it.next()\n",
    "nonzero.py": "class Z:\n    def __nonzero__(self):\n        return False\n",
    "asserts.py": "import unittest\nclass T(unittest.TestCase):\n    def test(self):\n"
    "        self.assertEquals(1, 1)\n        self.failUnless(True)\n        self.assert_(1)\n",
    "urllib.py": "import urllib, urllib2\nurllib.urlopen('x')\nurllib2.urlopen('y')\nprint urllib.quote('a b')\n",
    "urlparse.py": "import urlparse\nprint urlparse.urljoin('a', 'b')\n",
    "robotparser.py": "import robotparser\nr = robotparser.RobotFileParser()\n",
    "none_of_them.py": "import threading\nt = threading.Thread()\nt.setDaemon(True)\nprint '%s' % t.getName()\n",
    "common_subset.py": "def f(a, b):\n    return a.has_key(b)\n",
    "common_no_newline.py": "import threading\nx = threading.currentThread()",
    "empty.py": "",
    "print_function.py": "from __future__ import print_function\nimport sys\nprint('x', file=sys.stderr)\n"
    "d = {}\nif d.has_key(1): pass\n",
    "python3.py": "import threading\ndef f(x: int) -> None:\n    t = threading.Thread()\n    t.setDaemon(True)\n"
    "    print(f'{x}')\n",
    "tabs.py": 'import threading\ndef f():\n\tt = threading.Thread()\n        t.setDaemon(True)\n\tprint "x"\n',
    "format_twice.py": "x = '%s %s' % (a, b)\ny = u'{0}'.format(c)\n",
    "does_not_compile.py": "import threading\ndef go(f):\n    spawn(f, async=True)\n",
    "return_outside.py": "print 'x'\nreturn 1\n",
    # fix_next's and fix_sorted's words in prose and other names only (both left out), and the
    # shapes they rewrite split by line breaks, continuations and comments (both kept)
    "next_method.py": "class Countdown(object):\n    def next(self):\n        return 1\n",  # no call to it
    "prose_words.py": "# the next item, in sort order\ndef next_token(tokens):\n"
    "    return tokens.pop()  # sorted later\n",
    "split_shapes.py": "class It(object):\n    def \\\n            next(self):\n        return 1\n"
    "def f(it, xs):\n    first = (it.  # the iterator's\n             next())\n    xs. \\\n        sort(cmp)\n"
    "    return (sorted  # by cmp\n            (xs, cmp))\n",
    # the shapes fix_asserts and fix_sorted rewrite, their attribute further along a chain of
    # trailers (migrate answers a power node without it no before trying the pattern)
    "deep_shapes.py": "import unittest\nclass T(unittest.TestCase):\n    def test(self):\n"
    "        self.case.assertEquals(1, 1)\n        make()[0].x.failUnless(True)\n"
    "        self.assertEquals(sorted(xs, cmp), a.b[1].c.sort(cmp))\n        f(x).items.sort(cmp, key)\n"
    "        (sorted)(xs, cmp)\n        xs.sort\n",
    # a receiver nothing proves a thread: renamed only with --aggressive
    "unknown_receiver.py": "def alive(t):\n    return t.isAlive()\n",
}


def snippets() -> list[tuple[str, str]]:
    return [(text, name) for name, text in SNIPPETS.items()]


def fixtures() -> list[tuple[str, str]]:
    """The snippets, the legacy/ showcase files and the py2workers project."""
    files = sorted([*(ROOT / "legacy").glob("*.py"), *(ROOT / "tests" / "fixtures" / "py2workers").glob("*.py")])
    return [*((path.read_text(), str(path)) for path in files), *snippets()]


@pytest.fixture(scope="module")
def plain() -> dict[bool, list[str | None]]:
    """The plain pipeline over the fixtures, and aggressive over the snippets, keyed by
    aggressive: its pyupgrade command runs once a round over both sets of files."""
    fixed, aggressive = plain_migrate_batches([(fixtures(), False), (snippets(), True)])
    return {False: fixed, True: aggressive}


@pytest.fixture(scope="module")
def pooled() -> list[str | MigrateError]:
    """migrate_texts over the fixtures (more than MIGRATE_POOL_MINIMUM: the pool), made once: the
    comparison with the plain pipeline and the one with the serial path read the same results
    (the snippets are fixtures too, and each file is migrated on its own)."""
    items = fixtures()
    assert len(items) >= migrate.MIGRATE_POOL_MINIMUM
    return migrate_texts(items)


def assert_same_as_plain(
    items: list[tuple[str, str]],
    aggressive: bool,
    plain: list[str | None],
    fast: list[str | MigrateError] | None = None,
) -> None:
    if fast is None:
        fast = migrate_texts(items, aggressive=aggressive)
    assert len(plain) == len(items) == len(fast)
    for (_, name), new, old in zip(items, fast, plain):
        if old is None:
            assert isinstance(new, MigrateError), f"{name}: the plain pipeline refuses it, migrate does not"
        else:
            assert new == old, f"{name}: migrate's output differs from the plain pipeline's"


def test_migrate_gives_what_the_plain_pipeline_gives(plain, pooled):
    items = fixtures()
    assert len(items) > len(SNIPPETS) + 10
    assert_same_as_plain(items, aggressive=False, plain=plain[False], fast=pooled)
    # the fixtures do reach the speed-ups: files that leave fixers out, files whose fixers
    # include each gated one
    tools = {name: migrate._tool_for(text).fixers for text, name in items}
    for gated in ("fix_sorted", "fix_next", "fix_nonzero", "fix_asserts", "fix_urllib"):
        assert any(f"fissix.fixes.{gated}" in fixers for fixers in tools.values())
        assert any(f"fissix.fixes.{gated}" not in fixers for fixers in tools.values())
    assert "fissix.fixes.fix_urllib" in tools["urlparse.py"]
    for gated in ("fix_next", "fix_sorted"):  # by the shape of their rewrites, not the word alone
        assert f"fissix.fixes.{gated}" not in tools["prose_words.py"]
        assert f"fissix.fixes.{gated}" in tools["split_shapes.py"]


def test_aggressive_migrate_gives_what_the_plain_pipeline_gives(plain):
    assert_same_as_plain(snippets(), aggressive=True, plain=plain[True])
    # and the snippets reach what --aggressive changes (without this, migrate run without it
    # would pass the comparison above)
    unknown = [(SNIPPETS["unknown_receiver.py"], "unknown_receiver.py")]
    (timid,), (bold,) = migrate_texts(unknown), migrate_texts(unknown, aggressive=True)
    assert "t.isAlive()" in timid and "t.is_alive()" in bold
    assert plain[True][list(SNIPPETS).index("unknown_receiver.py")] == bold


def test_2to3_and_fix_alone_give_what_the_plain_stages_give():
    """Before pyupgrade too (whose lstrip() would hide a stray leading newline)."""
    for text, name in snippets():
        try:
            before = migrate.before_pyupgrade(text, name)
        except MigrateError:
            before = None
        assert before == plain_before_pyupgrade(text, name), name


def test_the_serial_path_agrees_with_the_pool(monkeypatch, pooled):
    items = snippets()
    assert len(items) >= migrate.MIGRATE_POOL_MINIMUM
    names = [name for _, name in fixtures()]
    pooled = [pooled[names.index(name)] for _, name in items]  # the snippets' results from the pool
    monkeypatch.setattr(migrate, "MIGRATE_POOL_MINIMUM", len(items) + 1)
    serial = migrate_texts(items)
    assert [str(r) for r in serial] == [str(r) for r in pooled]
    assert sum(isinstance(r, MigrateError) for r in serial) == 2  # does_not_compile, return_outside


def test_refusals_keep_their_plain_messages():
    (error,) = migrate_texts([(SNIPPETS["return_outside.py"], "r.py")])
    assert str(error) == f"does not compile on Python {migrate._version()} after 2to3 and threadport fix: " + (
        "line 2: 'return' outside function"
    )


def test_each_file_leaves_no_tree_behind_and_the_collector_as_it_found_it():
    """gc is paused for a file's stages (fixer/migrate._migrate_one, files.collector_paused): 2to3's trees are
    cycles (a node points at its parent), so the file's collection must free them itself,
    not the next automatic one (held off here by a threshold no run reaches)."""
    from fissix import pytree

    def nodes() -> int:
        return sum(isinstance(o, pytree.Base) for o in gc.get_objects())

    python2 = [(SNIPPETS["next.py"], "next.py"), (SNIPPETS["asserts.py"], "asserts.py")]
    threshold = gc.get_threshold()
    migrate_texts(python2)  # the tools and caches, made once
    gc.collect()
    before = nodes()
    try:
        gc.set_threshold(10**9)
        assert gc.isenabled()
        assert all(isinstance(r, str) and r != t for r, (t, _) in zip(migrate_texts(python2), python2))
        assert gc.isenabled()
        assert nodes() == before
        gc.disable()  # a caller's choice stays
        migrate_texts(python2)
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.set_threshold(*threshold)
