"""migrate's last step is `pyupgrade --py39-plus`, called through its public interface (the
console command's entry point, in migrate's own process), never its private functions."""

from __future__ import annotations

import ast
import io
import subprocess
import sys
from pathlib import Path

import pytest
from pyupgrade_fixed_point import before_pyupgrade, command_runs, counted_runs

from threadport.cli import main
from threadport.fixer import migrate
from threadport.interpreters import InterpreterNotFound, find_legacy

PY2 = (
    "import threading\n"
    "class Worker(threading.Thread, object):\n"
    "    def run(self):\n"
    "        print 'worker %s' % (self.getName(),)\n"
    "t = Worker()\n"
    "t.setDaemon(True)\n"
    "print u'%d alive' % threading.activeCount(), t.isAlive()\n"
)


CASES = [
    "x = '%s' % (y,)\r\nclass A(object): pass\r\n",  # CRLF, two runs
    "# -*- coding: utf-8 -*-\nname = u'caf\u00e9 \u2603'\nprint('%s' % name)\n",  # cookie, not ASCII
    "a = set([1, 2])\rb = 'x'.encode('utf-8')",  # lone CR, no newline at the end
    "\ufeffx = u'bom'\n\x0cclass B(object):\n    pass\n",  # a BOM as text, a form feed
]

# A rewrite whose output another of pyupgrade's rules acts on (read from its plugins), one case
# for each word the line a run changes away holds: the command takes a second run over each
# (on pyupgrade 3.0, the floor, some rules are missing and one run is all there is), and
# migrate must make that run.
CHAINS = {
    "printf": "x = '%s' % (y,)\n",  # .format() -> f-string
    "format": "x = ('{}'.format(y)\n     .encode('utf-8'))\n",  # f'{y}'.encode('utf-8') -> .encode()
    "six": "import six\nisinstance(x, (str, six.text_type))\n",  # (str, str) -> str
    "str": "x = str(str())\n",
    "bytes": "x = bytes(bytes())\n",
    "type": "isinstance(x, (str, type('')))\n",
    "encode": "x = type(\n    'a'.encode())\n",  # type(b'a') -> bytes
    "set": "from collections import defaultdict\nd = defaultdict(lambda: set([]))\n",  # set()
    "collections": "import collections\nimport collections.abc\n"
    "isinstance(x, (collections.Mapping, collections.abc.Mapping))\n",
    "mock": "import mock\nisinstance(x, (mock.Mock, mock.mock.Mock))\n",
    "typing": "from typing_extensions import (\n    List,\n)\nx: List[int] = []\n",  # List from typing
    "List": "from typing import List\nisinstance(x, (list, List))\n",
    "Text": "from typing import Text\nisinstance(x, (str, Text))\n",
    # the cookie on line 3 comes up to line 2 once the one on line 1 goes
    "cookie": "# -*- coding: utf-8 -*-\n\n# vim: set fileencoding=utf-8 :\nx = 1\n",
    # a rewrite that enables a rule on a line it did not touch: the Python 2 branch takes the
    # last read of x with it, and the loop above becomes `yield from` (the rule reads every
    # name the function reads)
    "branch": "import sys\ndef f(y):\n    for x in y:\n        yield x\n"
    "    if sys.version_info < (3,):\n        print(x)\n    else:\n        pass\n",
    # a branch kept for Python 3 is dedented: what it held is at column 0 now, where a rule acts
    # only there (an always-false if without else is removed, __metaclass__ = type and a
    # __future__ import go)
    "dedent": "import sys\nif sys.version_info >= (3,):\n    if sys.version_info < (3, 5):\n        x = 1\n    y = 2\n",
    "metaclass": "import sys\nif sys.version_info >= (3,):\n    __metaclass__ = type\n",
    "future": "import sys\nif sys.version_info >= (3,):\n    from __future__ import print_function\n",
    # a chain longer than three runs: each str() goes in a run of its own, then the %-format
    # takes two (five runs that change it, a sixth that does not)
    "nested": "x = str(str(str('%s'))) % (y,)\n",
}


# 2.7's top-level modules under 5 KB (46 files, 3904 lines): about 3.5 s of CPU.
SLICE_BYTES = 5000


def lib27_slice() -> list[tuple[str, str]]:
    """(name, text before pyupgrade) for 2.7's top-level modules under SLICE_BYTES, after 2to3
    and threadport's fix; none without a python2.7 (the test of the slice then asks for
    legacy_python, which skips or fails as it says)."""
    try:
        legacy_python = find_legacy().path
    except InterpreterNotFound:
        return []
    found = subprocess.run(
        [legacy_python, "-S", "-c", "import os, sys; sys.stdout.write(os.path.dirname(os.__file__))"],
        capture_output=True,
        text=True,
        check=True,
    )
    lib27 = Path(found.stdout)
    return before_pyupgrade(sorted(path for path in lib27.glob("*.py") if path.stat().st_size < SLICE_BYTES))


class ByTheCommand(dict):
    """What pyupgrade's own command line makes of each text, rewriting a file in place until it
    changes nothing, keyed by the text it started from; ``slice`` holds the same for
    lib27_slice(): (name, text, the command's result, its runs over that file)."""

    slice: list[tuple[str, str, str, int]]


@pytest.fixture(scope="module")
def by_the_command() -> ByTheCommand:
    """The command over the pipeline's text before pyupgrade, CASES, CHAINS and the slice of
    2.7's Lib, all at once: one command a run over every file still changing (the command
    treats each file on its own), where a set of files each took commands of its own."""
    named = lib27_slice()
    texts = [migrate.before_pyupgrade(PY2, aggressive=True), *CASES, *CHAINS.values()]
    results, runs = command_runs(texts + [text for _, text in named])
    made = ByTheCommand((text, result.encode("utf-8")) for text, result in zip(texts, results))
    made.slice = [
        (name, text, result, count)
        for (name, text), result, count in zip(named, results[len(texts) :], runs[len(texts) :])
    ]
    return made


def test_the_pipeline_ends_in_what_the_pyupgrade_command_makes_of_it(by_the_command):
    before = migrate.before_pyupgrade(PY2, aggressive=True)
    # the reference: pyupgrade's own command line, run until it changes nothing
    assert migrate.migrate_text(PY2, aggressive=True) == by_the_command[before].decode("utf-8")
    # and what that is, pinned: %-format -> f-string took pyupgrade two runs, u'' and (object) are gone
    assert migrate.migrate_text(PY2, aggressive=True) == (
        "import threading\n"
        "class Worker(threading.Thread):\n"
        "    def run(self):\n"
        "        print(f'worker {self.name}')\n"
        "t = Worker()\n"
        "t.daemon = True\n"
        "print('%d alive' % threading.active_count(), t.is_alive())\n"
    )


@pytest.mark.parametrize("text", CASES)
def test_each_run_gives_what_the_command_writes_to_a_file(by_the_command, text):
    """The text goes in on standard input and comes back printed: the same as the command
    rewriting a file in place, byte for byte, until it changes nothing."""
    assert by_the_command[text] != text.encode("utf-8")  # each does rewrite something
    assert migrate.pyupgrade_py39(text).encode("utf-8") == by_the_command[text]


@pytest.mark.parametrize("word", CHAINS)
def test_migrate_runs_pyupgrade_again_where_a_run_made_work_for_another(by_the_command, word):
    """Each rewrite another rule acts on: migrate's runs end where the command's fixed point is."""
    text = CHAINS[word]
    assert migrate.pyupgrade_py39(text).encode("utf-8") == by_the_command[text]


def test_the_chains_do_take_the_command_a_second_run(by_the_command):
    """Without this the cases above could pass with any stopping rule: where the command's first
    run already is its fixed point, stopping after it is always right."""
    command = migrate._pyupgrade_command()
    second_runs = set()
    for word, text in CHAINS.items():
        printed = io.StringIO()
        migrate._run_on_stdin(command, text.encode("utf-8"), printed, io.StringIO())
        if printed.getvalue().encode("utf-8") != by_the_command[text]:
            second_runs.add(word)
    # all of them on pyupgrade 3.22; on 3.0 (the floor: no constant_fold, no defaultdict_lambda,
    # no typing_extensions -> typing) these
    assert {"printf", "format", "str", "bytes", "encode", "cookie", "branch", "future", "nested"} <= second_runs


def test_the_fixed_point_is_where_the_reproducers_land(by_the_command):
    """What the command's fixed point is for the two chains a guess from the changed lines
    missed, pinned (migrate stopped at the first run's output, then at the third's)."""
    assert by_the_command[CHAINS["branch"]] == b"import sys\ndef f(y):\n    yield from y\n    pass\n"
    assert by_the_command[CHAINS["nested"]] == b"x = f'{y}'\n"
    assert migrate.migrate_text(CHAINS["branch"]) == "import sys\ndef f(y):\n    yield from y\n    pass\n"


def test_a_pyupgrade_that_never_settles_is_an_error_never_a_text_short_of_it(monkeypatch):
    """Every rewrite makes the text newer Python, so the runs end; one whose rules undo each
    other would not: past MOST_RUNS the file is an error, named, not an output short of the
    fixed point."""
    runs = []

    def restless(argv):  # a command that changes every text it reads, as pyupgrade says so
        runs.append(argv)
        print(sys.stdin.buffer.read().decode() + "#", end="")
        return 1

    monkeypatch.setattr(migrate, "_pyupgrade_command", lambda: restless)
    with pytest.raises(migrate.MigrateError, match=f"still changed it after {migrate.MOST_RUNS} runs"):
        migrate.pyupgrade_py39("x = 1\n")
    assert len(runs) == migrate.MOST_RUNS


def test_over_real_code_migrate_ends_where_the_command_run_to_its_fixed_point_does(legacy_python, by_the_command):
    """The stopping rule against what it stands for: a slice of 2.7's Lib after 2to3 and
    threadport's fix, each text through migrate's pyupgrade stage and through the command run
    again over every file it changed (as migrate did before). A pyupgrade that adds a chain
    of rewrites migrate does not know turns this red wherever the slice has one;
    `python tests/fixer/pyupgrade_fixed_point.py FOLDER...` compares the two over any code."""
    named = by_the_command.slice
    assert len(named) > 40
    ours, our_runs, chained = counted_runs([text for _, text, _, _ in named])
    different = [name for (name, _, theirs, _), text in zip(named, ours) if text != theirs]
    assert different == []
    assert chained >= 3  # the slice does reach the chains: texts a second run changed
    # the command's runs, none more: each text's last changes nothing
    assert our_runs == sum(runs for _, _, _, runs in named)


def counted_pyupgrades(monkeypatch) -> list[list[str]]:
    calls = []
    command = migrate._pyupgrade_command()

    def counting(argv):
        calls.append(argv)
        return command(argv)

    monkeypatch.setattr(migrate, "_pyupgrade_command", lambda: counting)
    return calls


def test_pyupgrade_runs_again_until_a_run_changes_nothing(monkeypatch):
    calls = counted_pyupgrades(monkeypatch)
    assert migrate.pyupgrade_py39("x = '%s' % (y,)\n") == "x = f'{y}'\n"
    # .format(), then the f-string, then a run that changes nothing
    assert len(calls) == 3
    assert migrate.pyupgrade_py39("class A(object): pass\n") == "class A: pass\n"  # one that changes it
    assert migrate.pyupgrade_py39("clean = 1\n") == "clean = 1\n"  # already the fixed point
    assert len(calls) == 3 + 2 + 1
    assert all(argv[:-1] == ["--py39-plus"] for argv in calls)


def test_the_pyupgrade_run_is_the_console_command():
    from importlib.metadata import entry_points

    scripts = entry_points()  # on 3.9 a dict of groups, with no select()
    group = scripts.select(group="console_scripts") if hasattr(scripts, "select") else scripts["console_scripts"]
    (script,) = (script for script in group if script.name == "pyupgrade")
    assert migrate._pyupgrade_command() is script.load()


def test_a_pyupgrade_that_fails_is_an_error_never_a_silent_pass(monkeypatch, tmp_path, capsys):
    def boom(argv):
        sys.exit("pyupgrade: boom")

    monkeypatch.setattr(migrate, "_pyupgrade_command", lambda: boom)
    with pytest.raises(migrate.MigrateError, match="pyupgrade --py39-plus failed: pyupgrade: boom"):
        migrate.migrate_text("print 'hi'\n")
    source = tmp_path / "old.py"
    source.write_text("print 'hi'\n")
    assert main(["migrate", str(source)]) == 2  # that file's line, nothing written
    assert capsys.readouterr().err == (
        f"{source}: error: pyupgrade --py39-plus failed: pyupgrade: boom\n1 file could not be migrated.\n"
    )
    assert source.read_text() == "print 'hi'\n"


def test_a_pyupgrade_crash_names_its_exception(monkeypatch):
    def crash(argv):
        raise AssertionError("unexpected token")

    monkeypatch.setattr(migrate, "_pyupgrade_command", lambda: crash)
    with pytest.raises(migrate.MigrateError, match="failed: AssertionError: unexpected token"):
        migrate.migrate_text("x = 1\n")


def test_no_private_pyupgrade_module_is_imported():
    tree = ast.parse(Path(migrate.__file__).read_text())
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }
    assert not {name for name in imported if name and name.startswith("pyupgrade")}
