"""Start-up stays cheap: what each command imports, and the cached catalogue titles.

Times are benchmarks/bench_startup.py's business; these tests pin the causes: the
modules a command must not import, and the cache that lets `list` skip the catalogue.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from threadport import cache
from threadport.catalog import CATALOG_FILE, load_catalog
from threadport.commands import list_pairs

SMALL = "import threading\nt = threading.Thread(target=print)\nprint(t.isAlive())\n"


def imported_after(tmp_path, argv: list[str], cwd=None) -> tuple[set[str], subprocess.CompletedProcess]:
    """The modules loaded by one `threadport ARGV` in a fresh interpreter, and its result."""
    script = (
        "import sys\nfrom threadport.cli import main\ntry:\n    code = main(sys.argv[1:])\n"
        "except SystemExit as done:\n    code = done.code\n"
        "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)\nsys.exit(code)\n"
    )
    env = {**os.environ, "THREADPORT_CACHE": str(tmp_path / "cache")}
    env.pop(cache.NO_CACHE_ENV, None)
    done = subprocess.run([sys.executable, "-c", script, *argv], capture_output=True, text=True, env=env, cwd=cwd)
    return set(done.stderr.split()), done


def test_list_reads_the_catalogue_once_then_its_cached_titles(tmp_path):
    first, done = imported_after(tmp_path, ["list"])
    assert done.returncode == 0 and "threadport.catalog" in first
    again, done_again = imported_after(tmp_path, ["list"])
    assert done_again.returncode == 0 and done_again.stdout == done.stdout
    assert not {"threadport.catalog", "threadport.ledger", "tomllib", "dataclasses"} & again
    assert not {"argparse", "gettext", "locale"} & again  # `list` alone: read by list_pairs.QUICK
    assert done.stdout.splitlines() == [f"{p.stem}\t{p.title}" for p in load_catalog()]


def test_the_titles_cache_follows_the_catalogue_file(tmp_path, monkeypatch):
    monkeypatch.setenv("THREADPORT_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv(cache.NO_CACHE_ENV, raising=False)
    catalog = tmp_path / "catalog.toml"
    catalog.write_text('[[pair]]\nstem = "one"\ntitle = "First"\n')
    assert list_pairs.titles(str(catalog)) == [("one", "First")]
    catalog.write_text('[[pair]]\nstem = "one"\ntitle = "Renamed"\n[[pair]]\nstem = "two"\ntitle = "Second"\n')
    assert list_pairs.titles(str(catalog)) == [("one", "Renamed"), ("two", "Second")]
    import threadport.catalog

    def refuse(text):
        raise AssertionError("parsed again although the file did not change")

    monkeypatch.setattr(threadport.catalog, "parse_catalog", refuse)
    assert list_pairs.titles(str(catalog)) == [("one", "Renamed"), ("two", "Second")]


def test_list_finds_the_catalogue_the_package_reads():
    assert list_pairs.catalog_file() == str(CATALOG_FILE)


def test_a_broken_catalogue_is_still_reported_by_list(tmp_path, monkeypatch):
    from threadport.catalog import CatalogError

    monkeypatch.setenv("THREADPORT_CACHE", str(tmp_path / "cache"))
    catalog = tmp_path / "catalog.toml"
    catalog.write_text('[[pair]]\nstem = "one"\n')  # no title
    with pytest.raises(CatalogError, match="missing key 'title'"):
        list_pairs.titles(str(catalog))


def test_check_imports_its_rules_for_help_only(tmp_path):
    small = tmp_path / "small.py"
    small.write_text(SMALL)
    modules, done = imported_after(tmp_path, ["check", "--isolated", "--exit-zero", "--select", "TP001", str(small)])
    assert done.returncode == 0 and "TP001" in done.stdout
    rules = {m for m in modules if m.startswith("threadport.fixer.tp")}
    assert rules == {"threadport.fixer.tp001_is_alive"}  # the one selected: no epilog built
    # with every rule: a few files never import a process pool, nor tempfile (check never
    # writes), nor what the ledger needs to probe (the rules import only its Fact)
    modules, done = imported_after(tmp_path, ["check", "--isolated", "--exit-zero", str(small)])
    assert done.returncode == 0 and "threadport.fixer.tp014_thread_synonyms" in modules
    assert not {"multiprocessing", "concurrent.futures", "tempfile", "subprocess", "hashlib"} & modules
    modules, done = imported_after(tmp_path, ["check", "--help"])
    assert done.returncode == 0 and "TP001" in done.stdout and "TP010" in done.stdout
    assert "threadport.fixer.tp010_lock_with" in modules  # the first time: from the rules
    again, done_again = imported_after(tmp_path, ["check", "--help"])
    assert done_again.returncode == 0 and done_again.stdout == done.stdout
    assert not {m for m in again if m.startswith("threadport.fixer.")}  # then: the cached summaries
    # nor pathlib (urllib.parse and ipaddress with it, a sixth of the start-up): the help
    # reads two tuples of choices from config and output_formats, no path
    assert not {"pathlib", "urllib.parse", "ipaddress"} & again


def test_fix_over_a_tree_reads_its_line_without_argparse(tmp_path):
    # bench_fix compares fix with check on the same tree: what fix's start-up paid beyond
    # check's (building argparse's parser, with locale; difflib for --diff, stdin_io and
    # pathlib for `-`) is only for the lines that need it. (tokenize-rt, which a rewrite
    # needs, imports argparse itself: only the parser is not built.)
    tree = tmp_path / "tree"
    tree.mkdir()
    for name in ("a.py", "b.py"):
        (tree / name).write_text(SMALL)
    modules, done = imported_after(tmp_path, ["fix", "--diff", "--exit-zero", str(tree / "a.py"), str(tree / "b.py")])
    assert done.returncode == 0 and "+print(t.is_alive())" in done.stdout and "threadport.diffs" in modules
    modules, done = imported_after(tmp_path, ["fix", "--isolated", "--exit-zero", str(tree)])
    assert done.returncode == 0 and "Rewrote" in done.stdout
    assert "is_alive()" in (tree / "a.py").read_text()
    assert not {"threadport.cli_parser", "locale", "difflib", "threadport.diffs", "threadport.stdin_io"} & modules


def test_the_summaries_cache_follows_the_rule_files(tmp_path, monkeypatch):
    import threadport.fixer
    from threadport.commands import check

    monkeypatch.setenv("THREADPORT_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv(cache.NO_CACHE_ENV, raising=False)
    real_rule, real_file = threadport.fixer.rule, threadport.fixer.rule_file
    copy = tmp_path / "tp001_is_alive.py"  # TP001's file, which the test may touch
    shutil.copyfile(real_file("TP001"), copy)
    monkeypatch.setattr(threadport.fixer, "rule_file", lambda code: str(copy) if code == "TP001" else real_file(code))
    summaries = check._summaries()
    assert summaries == [(code, real_rule(code).SUMMARY) for code in threadport.fixer.CODES]

    def refuse(code):
        raise AssertionError("a rule imported although no rule file changed")

    monkeypatch.setattr(threadport.fixer, "rule", refuse)
    assert check._summaries() == summaries
    before = copy.stat()
    os.utime(copy, ns=(before.st_atime_ns, before.st_mtime_ns + 10**9))  # edited: the same path, newer
    with pytest.raises(AssertionError, match="no rule file changed"):
        check._summaries()
    monkeypatch.setattr(threadport.fixer, "rule", real_rule)
    assert check._summaries() == summaries


# What the check path once imported and must not again, and why each is heavy.
HEAVY = {
    "dataclasses": "imports inspect; each decorated class compiles code (threadport.records instead)",
    "inspect": "dis, tokenize, linecache...",
    "typing": "several ms on 3.11 (pkgutil, tokenize-rt and NamedTuple pulled it in)",
    "tokenize_rt": "only fixing (and a comment inside a call) needs tokens",
    "pkgutil": "the rules are found by file name",
    "json": "only --output-format json/sarif",
    "threadport.ledger": "the rules need only threadport.facts.Fact",
    "threadport.interpreters": "interpreter discovery",
    "threadport.fixer.py2shim": "its Python 2 lexer compiles at import; only Python 2 files need it",
    "shutil": "bz2, lzma, zlib: for argparse's width (cli.Formatter asks the terminal) and git only",
    "threadport.fixer.ahead": "only `fix` makes the fix ahead",
    "threadport.stdin_io": "only `-` reads standard input",
    "argparse": "with gettext and locale: a line commands.check.QUICK reads needs no parser (quick_args)",
    "gettext": "argparse's messages (and locale, imported to look for their translation)",
    "locale": "gettext's search for a translation of argparse's messages",
    "pathlib": "with urllib.parse and ipaddress: the walk, config and metadata use str (threadport.pathnames)",
    "tokenize": "only a file with a BOM or a coding cookie (source._plain_utf8), or Python 2 code",
    "ahocorasick_rs": "the prefilter's one pass (fixer.literals) is for files found in folders",
}


# without --isolated: the search for a pyproject.toml, which finds none above tmp_path
@pytest.mark.parametrize("isolated", [["--isolated"], []])
def test_check_on_a_small_file_imports_nothing_heavy(tmp_path, isolated):
    small = tmp_path / "small.py"
    small.write_text(SMALL)
    modules, done = imported_after(tmp_path, ["check", *isolated, "--exit-zero", str(small)], cwd=tmp_path)
    assert done.returncode == 0 and "TP001" in done.stdout
    assert {name: why for name, why in HEAVY.items() if name in modules} == {}


def test_compare_imports_no_dataclasses_nor_argparse(tmp_path, legacy_python):
    # The classes on compare's path (catalogue, transcripts, jobs, results, interpreters,
    # processes) are Records: dataclasses, inspect and the generated methods compiled for
    # each class were about 78 M of the 272 M instructions of a one-pair compare's parent.
    modules, done = imported_after(tmp_path, ["compare", "finalizer_switch", "--json"])
    assert done.returncode == 0 and '"verdict": "equivalent"' in done.stdout
    assert "threadport.runner" in modules and "threadport.forkserver" in modules
    heavy = ("dataclasses", "inspect", "argparse", "gettext")  # its line: commands.compare.QUICK (locale: subprocess)
    assert {name: HEAVY[name] for name in heavy if name in modules} == {}
    assert "textwrap" not in modules  # only a terminal's width wraps the notes
    assert "ast" not in modules  # a result file is read from the compiler's own nodes (runner.read_literal)
    assert "queue" not in modules  # the run service's SimpleQueue comes from _queue alone (2 M instructions)


def test_compare_with_a_number_of_jobs_imports_no_argparse(tmp_path, legacy_python):
    # --jobs's type (commands.options._positive_int) imported argparse and gettext to accept
    # a number: in every benchmark's and tox's compare, before its fork servers started.
    modules, done = imported_after(tmp_path, ["compare", "finalizer_switch", "--json", "--jobs", "2"])
    assert done.returncode == 0 and '"verdict": "equivalent"' in done.stdout
    assert not {"argparse", "gettext"} & modules


def test_a_compare_run_imports_neither_tempfile_nor_shutil(tmp_path, legacy_python):
    # A run's folder and a fork server's are made and removed with os alone (threadport.folders),
    # and discovery finds python2.7 on PATH without shutil.which: tempfile and shutil, with
    # random, weakref, bz2 and lzma, were about 13 M of the 250 M instructions of compare's own process.
    modules, done = imported_after(tmp_path, ["compare", "finalizer_switch", "--json"])
    assert done.returncode == 0 and '"verdict": "equivalent"' in done.stdout
    assert "threadport.forkserver" in modules and "threadport.interpreters" in modules
    assert {"tempfile", "shutil"} & modules == set()
    assert "_ast" not in modules  # the results are in the child's plain form: read without the compiler (result_text)


def test_a_compare_with_its_probes_cached_imports_no_subprocess(tmp_path, legacy_python):
    # Servers start through os.posix_spawn and forked runs need no Popen: subprocess, with
    # locale and selectors (12 M instructions), is imported for a probe the cache does not hold
    # (the first compare here, as discovery runs each interpreter), a fresh run or a timeout.
    imported_after(tmp_path, ["compare", "finalizer_switch", "--json"])
    modules, done = imported_after(tmp_path, ["compare", "finalizer_switch", "--json"])
    assert done.returncode == 0 and '"verdict": "equivalent"' in done.stdout
    assert "threadport.forkserver" in modules and "threadport.runner" in modules
    assert {"subprocess", "locale", "selectors"} & modules == set()
    # signal.py makes three enums when imported (7-10 ms): the numbers come from _signal
    assert "signal" not in modules


@pytest.mark.parametrize("legacy", [False, True])
def test_a_compare_run_imports_no_pathlib(tmp_path, legacy_python, legacy):
    # The catalogue, discovery, the run service and the runner take paths as str (os.path):
    # pathlib, with urllib.parse and ipaddress, was 16 M of a one-pair compare's 135 M
    # instructions. Discovery (no --legacy-python) scans pyenv's versions too.
    chosen = ["--legacy-python", legacy_python] if legacy else []
    modules, done = imported_after(tmp_path, ["compare", "finalizer_switch", "--json", *chosen])
    assert done.returncode == 0 and '"verdict": "equivalent"' in done.stdout
    assert "threadport.runner" in modules and "threadport.catalog" in modules
    assert {"pathlib", "urllib.parse", "ipaddress"} & modules == set()


def test_a_lazy_pattern_compiles_on_first_use_only(monkeypatch):
    import re

    from threadport.lazyre import lazy_compile

    compiled = []
    real_compile = re.compile
    monkeypatch.setattr(re, "compile", lambda *args: compiled.append(args) or real_compile(*args))
    pattern = lazy_compile(r"#\s*noqa", re.IGNORECASE)
    assert compiled == []
    assert pattern.search("x = 1  # NOQA").group() == "# NOQA"
    assert pattern.sub("", "a # noqa") == "a "
    assert compiled == [(r"#\s*noqa", re.IGNORECASE)]  # once: the bound methods are kept


def test_a_command_given_first_gets_its_sub_parser_alone(monkeypatch, capsys):
    import argparse

    from threadport import cli

    made = []
    real_add_parser = argparse._SubParsersAction.add_parser
    monkeypatch.setattr(
        argparse._SubParsersAction,
        "add_parser",
        lambda self, name, **kw: made.append(name) or real_add_parser(self, name, **kw),
    )
    with pytest.raises(SystemExit):
        cli.main(["list", "--help"])
    assert made == ["list"]
    assert "usage: threadport list" in capsys.readouterr().out
    made.clear()
    with pytest.raises(SystemExit):  # an option before the command: the main parser's help, every command
        cli.main(["--help", "list"])
    assert made == list(cli.COMMANDS)
    shown = capsys.readouterr().out
    assert all(f"    {name}" in shown for name in cli.COMMANDS)


@pytest.mark.parametrize("columns", [None, "50", "200", "abc", "-3", "0"])
def test_the_help_width_is_the_one_shutil_gives(monkeypatch, columns):
    import shutil

    from threadport.cli import terminal_columns

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert terminal_columns() == shutil.get_terminal_size().columns
    assert terminal_columns(120) == shutil.get_terminal_size((120, 24)).columns  # compare's, on a terminal


def test_compare_on_a_terminal_imports_no_shutil(tmp_path, legacy_python):
    # Its width is terminal_columns(120), shutil.get_terminal_size's answer without shutil
    # (bz2, lzma, fnmatch: 7 M instructions). Standard output is a terminal here (a pty).
    import pty

    controller, terminal = pty.openpty()
    script = (
        "import sys\nfrom threadport.cli import main\ncode = main(sys.argv[1:])\n"
        "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)\nsys.exit(code)\n"
    )
    env = {**os.environ, "THREADPORT_CACHE": str(tmp_path / "cache"), "COLUMNS": "70"}
    command = ["compare", "finalizer_switch", "--quiet", "--legacy-python", legacy_python]
    try:
        done = subprocess.run(
            [sys.executable, "-c", script, *command], stdout=terminal, stderr=subprocess.PIPE, text=True, env=env
        )
        os.set_blocking(controller, False)
        shown = os.read(controller, 1 << 16).decode()
    finally:
        os.close(terminal)
        os.close(controller)
    assert done.returncode == 0 and "finalizer_switch :: " in shown
    assert "…" in shown  # cells clipped to the width $COLUMNS gives, as on a terminal only
    modules = set(done.stderr.split())
    assert "threadport.runner" in modules and "shutil" not in modules


def test_two_installs_keep_their_own_titles(tmp_path, monkeypatch):
    """Each copy of threadport (tox envs, worktrees) has its own cache entry: with one entry
    per name, every other copy's `list` overwrote it and each run parsed the catalogue again."""
    monkeypatch.setenv("THREADPORT_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv(cache.NO_CACHE_ENV, raising=False)
    catalogs = []
    for install in ("one", "two"):
        (tmp_path / install).mkdir()
        catalog = tmp_path / install / "catalog.toml"
        catalog.write_text(f'[[pair]]\nstem = "{install}"\ntitle = "In {install}"\n')
        catalogs.append(str(catalog))
        assert list_pairs.titles(str(catalog)) == [(install, f"In {install}")]
    import threadport.catalog

    def refuse(text):
        raise AssertionError("parsed again although the file did not change")

    monkeypatch.setattr(threadport.catalog, "parse_catalog", refuse)
    assert list_pairs.titles(catalogs[0]) == [("one", "In one")]
    assert list_pairs.titles(catalogs[1]) == [("two", "In two")]


def test_the_console_script_is_console():
    from importlib.metadata import entry_points

    scripts = entry_points()
    group = scripts.select(group="console_scripts") if hasattr(scripts, "select") else scripts["console_scripts"]
    assert [script.value for script in group if script.name == "threadport"] == ["threadport.cli:console"]


@pytest.mark.parametrize(
    ("argv", "frozen"),
    [
        (["list"], True),
        (["check", "--help"], True),
        (["--help"], True),
        (["--version"], True),
        ([], True),
        (["compare", "--help"], True),
        (["fix", "--help"], False),  # fix and the others write files: their process ends as any does
        (["claims", "--help"], False),
    ],
)
def test_quick_commands_end_with_every_object_frozen(monkeypatch, capsys, argv, frozen):
    """Their exit skips the collector's last passes over every object (cli.console)."""
    import gc

    from threadport import cli

    froze = []
    monkeypatch.setattr(gc, "freeze", lambda: froze.append(True))
    monkeypatch.setattr(sys, "argv", ["threadport", *argv])
    try:
        cli.console()
    except SystemExit:
        pass
    assert froze == ([True] if frozen else [])
    assert capsys.readouterr().out  # it ran: a list, a help text or a version
