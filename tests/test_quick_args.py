"""threadport.quick_args: a command's QUICK reads a line as argparse would, or leaves it to argparse.

Two holds: option by option, each QUICK declares what its argparse parser declares;
and on every short command line made of a vocabulary of good and bad words (plus a
seeded sample of longer ones), a line QUICK reads is one argparse reads into the same
namespace. QUICK may leave any line to argparse; it must read the common ones.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import itertools
import random

import pytest

from threadport import cli
from threadport.cli_parser import build_parser
from threadport.commands import check, compare, fix, list_pairs
from threadport.quick_args import Flag, Value

QUICK_COMMANDS = {"check": check, "compare": compare, "fix": fix, "list": list_pairs}


def sub_parser(name: str) -> argparse.ArgumentParser:
    parser = build_parser(name, alone=True)
    (sub,) = (action for action in parser._actions if isinstance(action, argparse._SubParsersAction))
    return sub.choices[name]


@functools.cache
def parser_for(name: str) -> argparse.ArgumentParser:
    """argparse's parser of `threadport NAME ...`, made once per command: parse_args reads a line
    into a namespace of its own and leaves the parser as it was, so each of the fuzz's ~1,600
    lines no longer pays for a new parser (522 made for the ones QUICK reads: ~0.4 s of CPU)."""
    return build_parser(name, alone=True)


def argparse_reads(name: str, argv: list[str]) -> dict | None:
    """vars() of argparse's namespace for `threadport NAME ARGV`, None when argparse refuses it."""
    quiet = io.StringIO()
    try:
        with contextlib.redirect_stderr(quiet), contextlib.redirect_stdout(quiet):
            namespace = parser_for(name).parse_args([name, *argv])
    except SystemExit:
        return None
    return {key: value for key, value in vars(namespace).items() if key not in ("command", "_run")}


def test_every_command_with_a_quick_reading_is_listed_here():
    import importlib

    declared = {name for name, (module, _) in cli.COMMANDS.items() if hasattr(importlib.import_module(module), "QUICK")}
    assert declared == set(QUICK_COMMANDS)


@pytest.mark.parametrize("name", sorted(QUICK_COMMANDS))
def test_quick_declares_what_the_parser_declares(name):
    quick = QUICK_COMMANDS[name].QUICK
    expected: dict[str, Flag | Value] = {}
    positionals = []
    for action in sub_parser(name)._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        if not action.option_strings:
            positionals.append((action.dest, action.nargs))
        elif isinstance(action, argparse.BooleanOptionalAction):
            yes, no = action.option_strings
            expected[yes] = Flag(action.dest, True, action.default)
            expected[no] = Flag(action.dest, False, action.default)
        elif isinstance(action, argparse._StoreConstAction):  # store_true is one
            for option in action.option_strings:
                expected[option] = Flag(action.dest, action.const, action.default)
        else:
            assert type(action) is argparse._StoreAction and action.nargs is None
            choices = tuple(action.choices) if action.choices is not None else None
            for option in action.option_strings:
                expected[option] = Value(action.dest, action.type, choices, action.default)
    assert quick.options == expected
    assert positionals == ([(quick.positional, quick.nargs)] if quick.positional else [])


WORDS = {
    "check": [
        "a.py",
        "b",
        "-",
        "",
        "x=y",
        "--isolated",
        "--exit-zero",
        "-q",
        "--quiet",
        "-qq",
        "--select",
        "TP001",
        "--select=TP1,TP2",
        "--select=",
        "--ignore=-TP1",
        "--extend-exclude",
        " a , b,",
        "--json",
        "--output-format",
        "sarif",
        "--output-format=bogus",
        "--fail-on=certain",
        "--no-respect-gitignore",
        "--respect-gitignore",
        "--exit-zero=1",
        "--iso",
        "--",
        "-h",
        "--help",
        "-x",
        "-1",
        "--stdin-filename",
        "--min-python=2.7",
        "--config",
        "--force-exclude",
    ],
    # fix's own options, with a few of those it shares with check (read by the same table)
    "fix": [
        "a.py",
        "-",
        "--diff",
        "--diff=1",
        "--aggressive",
        "--no-aggressive",
        "--aggr",
        "--aggressive=no",
        "-q",
        "--select",
        "TP001",
        "--exit-zero",
        "--json",
        "-h",
    ],
    "list": ["", "a", "-", "-h", "--", "--x", "--help=1"],
    # pair stems (none or more: read only when they come first), and every option
    "compare": [
        "finalizer_switch",
        "atomic_ops",
        "-",
        "--json",
        "--json=1",
        "--quiet",
        "--real-time",
        "--jobs",
        "2",
        "--jobs=0",
        "--jobs=x",
        "--timeout",
        "1.5",
        "--timeout=-1",
        "--timeout=inf",
        "--output",
        "out.json",
        "--python",
        "3.11",
        "--legacy-python=python2.7",
        "--jo",
        "--",
        "-h",
        "-j",
    ],
}


READ_AT_LEAST = {"check": 200, "compare": 100, "fix": 50, "list": 1}  # `list` alone is the one line list reads


def lines(name: str) -> list[list[str]]:
    words = WORDS[name]
    short = [list(line) for size in range(3) for line in itertools.product(words, repeat=size)]
    draw = random.Random(13)  # the same sample every run
    return short + [[draw.choice(words) for _ in range(draw.randint(3, 7))] for _ in range(400)]


@pytest.mark.parametrize("name", sorted(QUICK_COMMANDS))
def test_a_line_read_quickly_is_read_as_argparse_reads_it(name):
    quick = QUICK_COMMANDS[name].QUICK
    read = 0
    for argv in lines(name):
        namespace = quick.read(argv)
        if namespace is not None:
            assert vars(namespace) == argparse_reads(name, argv), argv
            read += 1
    assert read >= READ_AT_LEAST[name]  # not a comparison of nothing


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "a.py"],
        ["check", "--isolated", "--exit-zero", "a.py"],
        ["check", "-q", "--select=TP001,TP009", "src", "tests"],
        ["check", "a.py", "--output-format", "github", "--fail-on", "certain"],
        ["check", "-", "--stdin-filename", "x.py", "--json"],
        ["check", "--no-respect-gitignore", "--extend-exclude", "legacy", "."],
        ["fix", "--isolated", "--exit-zero", "--no-respect-gitignore", "src"],
        ["fix", "--diff", "--aggressive", "a.py"],
        ["fix", "-", "--stdin-filename", "x.py", "--no-aggressive"],
        ["list"],
        ["compare"],
        ["compare", "--json", "--legacy-python", "/usr/bin/python2.7", "--jobs", "2"],
        ["compare", "finalizer_switch", "--quiet"],
        ["compare", "--python", "3.9", "--output", "results/py39.json"],
    ],
)
def test_the_usual_lines_are_read_quickly(argv):
    namespace = cli.read_quickly(argv)
    assert namespace is not None
    assert namespace.command == argv[0] and namespace._run is QUICK_COMMANDS[argv[0]].run
    assert vars(namespace) | {"_run": None} == (argparse_reads(argv[0], argv[1:]) or {}) | {
        "command": argv[0],
        "_run": None,
    }


@pytest.mark.parametrize(
    "argv",
    [
        ["check"],
        ["check", "--help"],
        ["check", "a", "-q", "b"],
        ["fix", "--json", "a"],
        ["list", "-h"],
        ["compare", "--jobs", "0"],  # refused by its type: argparse says why
        ["compare", "--json", "a"],  # a stem after an option
        [],
    ],
)
def test_the_others_are_left_to_argparse(argv):
    assert cli.read_quickly(argv) is None
