"""A run's source compiled once and kept in threadport's cache folder (clock/driver.py's
_snippet_code, child.py's _cached_code): fresh runs and fork servers have -B, so every
server and every fresh run compiled it again. A kept entry is used only for the same path,
the same bytes, interpreter version and flags; a source whose compile warns, fails or
imports a module is never kept, and what a run sees is what a compiling run sees.
"""

from __future__ import annotations

import ast
import itertools
import marshal
import os
import sys

import pytest
from audited_child import RUN_CHILD

from threadport import cache, forkserver, runner
from threadport.runner import child_environment, run_entry

LEGACY_HALF_ONCE = pytest.mark.interpreter_free(
    "both runs are python2.7 processes; the modern half drives the same parent code in every env",
    half="legacy",
)

# child.py under an audit hook (3.8+) that logs each compile() of the watched source, in a
# fresh run and in a fork server (which compiles a run's source before it forks the run).
COUNTED_CHILD = (
    """
import os, sys
child, log, watched = {child!r}, {log!r}, {watched!r}

def hook(event, args):
    if event == "compile" and args[1] == watched:
        fd = os.open(log, os.O_WRONLY | os.O_APPEND)
        os.write(fd, b"compiled\\n")
        os.close(fd)
"""
    + RUN_CHILD
)


@pytest.fixture
def cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("THREADPORT_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("THREADPORT_NO_CACHE", raising=False)
    return tmp_path / "cache" / "threadport"


@pytest.fixture
def counted(tmp_path, monkeypatch):
    """run(path, fresh) -> (transcript, how many times the run or its server compiled path).
    Each forked run gets a server of its own (a new environment each time), which must find
    the source's code in the cache folder or compile it."""
    log = tmp_path / "compiles.log"
    log.touch()
    rounds = itertools.count()

    def run(path, fresh, python=sys.executable):
        wrapper = tmp_path / "counted_child.py"
        watched = os.path.realpath(path)  # what the runner hands the child
        wrapper.write_text(COUNTED_CHILD.format(child=str(CHILD), log=str(log), watched=watched))
        monkeypatch.setattr(forkserver, "CHILD_SCRIPT", wrapper)
        monkeypatch.setattr(runner, "CHILD_SCRIPT", wrapper)
        before = len(log.read_text().splitlines())
        environment = {**child_environment(), "THREADPORT_TEST_ROUND": str(next(rounds))}
        transcript = run_entry(python, path, "main", [], fresh=fresh, environment=environment, timeout=30)
        return transcript, len(log.read_text().splitlines()) - before

    return run


CHILD = forkserver.CHILD_SCRIPT

# What a run could tell about its code: where it says it comes from, its lines, and what an
# audit hook made by the source itself has seen by the time main() is called.
OBSERVED = (
    "import sys\n"
    "seen = []\n"
    "sys.addaudithook(lambda event, args: seen.append(event))\n"
    "def main():\n"
    "    events = list(seen)\n"
    "    code = main.__code__\n"
    "    print(__file__ == code.co_filename, code.co_firstlineno, sys._getframe().f_lineno, events)\n"
)


def snippet_entries(folder):
    return sorted((folder / cache.SNIPPETS).glob("snippet-*.code"))


def test_a_runs_source_is_compiled_once_then_taken_from_the_cache_folder(snippet, cache_folder, counted, monkeypatch):
    path = snippet(OBSERVED)
    monkeypatch.setenv("THREADPORT_NO_CACHE", "1")
    plain, compiles = counted(path, fresh=True)  # no cache folder: compiled, as before
    assert compiles == 1 and plain.stdout == ["True 4 7 []"], plain.stderr
    monkeypatch.delenv("THREADPORT_NO_CACHE")
    assert not snippet_entries(cache_folder)
    first, compiles = counted(path, fresh=True)
    assert compiles == 1  # a miss: compiled and kept
    [entry] = snippet_entries(cache_folder)
    written = entry.stat().st_ino
    for fresh in (True, False, False, True):  # fork servers of their own: none compiled it before
        transcript, compiles = counted(path, fresh=fresh)
        assert compiles == 0, fresh
        assert (transcript.stdout, transcript.stderr) == (plain.stdout, plain.stderr) == (first.stdout, first.stderr)
    assert entry.stat().st_ino == written  # read, not written again
    assert not list(cache_folder.glob("**/*.tmp"))
    assert not list(cache_folder.glob("snippet-*"))  # in a folder of their own, pruned apart


def test_a_source_changed_to_the_same_size_and_mtime_is_compiled_again(snippet, cache_folder, counted):
    path = snippet("def main():\n    print('one')\n")
    before = path.stat()
    assert counted(path, fresh=True)[0].stdout == ["one"]
    path.write_text("def main():\n    print('two')\n")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    transcript, compiles = counted(path, fresh=False)
    assert (transcript.stdout, compiles) == (["two"], 1)
    transcript, compiles = counted(path, fresh=True)
    assert (transcript.stdout, compiles) == (["two"], 0)


def other_version(key):
    path, version, *rest = key
    assert version == sys.version  # exact: its build and compiler too (the runs here are pytest's Python)
    return (path, version[:-1] + ("x" if version[-1] != "x" else "y"), *rest)  # the same length


def other_optimize_level(key):
    path, version, flags, *rest = key
    # sys.flags begins debug, inspect, interactive, optimize
    assert len(flags) == len(sys.flags) and list(sys.flags)[3] == sys.flags.optimize
    return (path, version, flags[:3] + (1 - flags[3],) + flags[4:], *rest)


# An entry whose key (path, sys.version, sys.flags, ...) differs in one part only
OTHER_KEYS = {"another interpreter version": other_version, "another -O level": other_optimize_level}


@pytest.mark.parametrize("name", sorted(OTHER_KEYS))
def test_an_entry_kept_for_another_interpreter_is_a_miss(snippet, cache_folder, counted, name):
    path = snippet("def main():\n    print('ran')\n")
    assert counted(path, fresh=True)[1] == 1
    [entry] = snippet_entries(cache_folder)
    # The entry rewritten as another interpreter would have written it, with code that says so.
    stored = entry.read_bytes()
    source = path.read_bytes()
    head = stored[: stored.index(source) + len(source)]
    ours = head.split(b"\n")[1]  # after the header line, the key: a tuple's repr
    theirs = repr(OTHER_KEYS[name](ast.literal_eval(ours.decode()))).encode()
    assert head.count(ours) == 1 and ours != theirs
    stale = compile("def main():\n    print('stale')\n", os.path.realpath(path), "exec", 0, True)
    entry.write_bytes(head.replace(ours, theirs) + marshal.dumps(stale))
    for fresh in (False, True):
        transcript, compiles = counted(path, fresh=fresh)
        assert transcript.stdout == ["ran"]
        assert compiles == (1 if not fresh else 0)  # a miss, compiled and kept again; then a hit
    assert head in entry.read_bytes()


@LEGACY_HALF_ONCE
def test_a_source_that_warns_as_it_compiles_is_never_kept_and_warns_at_every_run(any_python, snippet, cache_folder):
    # Every version warns about one of the two lines (2.7 and 3.x's SyntaxWarning).
    path = snippet("def main():\n    assert (1, 'always true')\n    return 1 is 1\n")
    rounds = itertools.count()
    for fresh in (True, False, True, False):
        environment = {**child_environment(), "THREADPORT_TEST_ROUND": str(next(rounds))}  # a new server each time
        transcript = run_entry(any_python, path, "main", [], fresh=fresh, environment=environment, timeout=30)
        assert transcript.ended == "exit status 0"
        assert any("SyntaxWarning" in line for line in transcript.stderr), transcript.stderr
    assert not snippet_entries(cache_folder)


def test_a_source_whose_compile_warns_under_the_runs_w_flags_is_never_kept(snippet, cache_folder):
    # An invalid escape: a DeprecationWarning at compile time on 3.6-3.11, a SyntaxWarning from
    # 3.12; shown here because the run's -W flags say so, at every run, fresh and forked.
    path = snippet("def main():\n    return '\\d'\n")
    rounds = itertools.count()
    for fresh in (True, False, True, False):
        environment = {**child_environment(), "THREADPORT_TEST_ROUND": str(next(rounds))}
        transcript = run_entry(
            sys.executable, path, "main", [], fresh=fresh, environment=environment, warnings=["always"], timeout=30
        )
        assert transcript.ended == "exit status 0"
        assert any("invalid escape sequence" in line for line in transcript.stderr), transcript.stderr
    assert not snippet_entries(cache_folder)


@LEGACY_HALF_ONCE
def test_a_source_whose_compile_imports_a_codec_is_never_kept(any_python, snippet, cache_folder):
    # compile() imports a coding cookie's codec (2.7 and 3.x): a run from a kept entry lacked it.
    path = snippet("# -*- coding: cp1252 -*-\nimport sys\ndef main():\n    print('encodings.cp1252' in sys.modules)\n")
    rounds = itertools.count()
    for fresh in (True, False, True, False):
        environment = {**child_environment(), "THREADPORT_TEST_ROUND": str(next(rounds))}
        transcript = run_entry(any_python, path, "main", [], fresh=fresh, environment=environment, timeout=30)
        assert transcript.stdout == ["True"], transcript.stderr
    assert not snippet_entries(cache_folder)


def test_a_cache_folder_that_cannot_be_written_only_costs_the_compile(snippet, tmp_path, counted, monkeypatch):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file: threadport/ cannot be made under it")
    monkeypatch.setenv("THREADPORT_CACHE", str(blocker))
    monkeypatch.delenv("THREADPORT_NO_CACHE", raising=False)
    path = snippet("def main():\n    print('ran')\n")
    for fresh in (True, False, True, False):
        transcript, compiles = counted(path, fresh=fresh)
        assert (transcript.stdout, transcript.stderr, compiles) == (["ran"], [], 1)
    assert blocker.read_text() == "a file: threadport/ cannot be made under it"
