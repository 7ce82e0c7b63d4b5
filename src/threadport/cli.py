"""`threadport ...`: one sub-command per module, imported only when it runs.

Each command module exposes ``add_arguments(parser)`` and ``run(args) -> int``.
Importing lazily keeps `threadport check` from paying for rich or the runner.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys

from threadport.errors import ThreadportError, UsageError  # noqa: F401 (UsageError: for older imports)

# name -> (module, one-line help). Adding a command = one module + one row.
COMMANDS: dict[str, tuple[str, str]] = {
    "list": ("threadport.commands.list_pairs", "list the pairs: stem, tab, title"),
    "compare": ("threadport.commands.compare", "run both halves of each pair and compare transcripts"),
    "check": ("threadport.commands.check", "report deprecated threading idioms (TP001-TP010) in your code"),
    "fix": ("threadport.commands.fix", "rewrite the deprecated threading idioms that are safe to rewrite"),
    "migrate": ("threadport.commands.migrate", "Python 2 -> 3: lib2to3 fixers, then threadport fix, then pyupgrade"),
    "show": ("threadport.commands.show", "legacy and modern source side by side in the terminal, with the notes"),
    "html": ("threadport.commands.html", "build the static HTML tour: every pair side by side, notes, results matrix"),
    "matrix": ("threadport.commands.matrix", "the pair x interpreter verdict table from compare --json files"),
    "timeline": ("threadport.commands.timeline", "the legacy files after 2to3 on every Python 3: what breaks where"),
    "claims": ("threadport.commands.claims", "check every claim of the seed's comments against the pair that shows it"),
    "ledger": (
        "threadport.commands.ledger",
        "probe every interpreter: which old threading names exist, warn or are gone",
    ),
}


class Parser(argparse.ArgumentParser):
    """An epilog may be a function: it is called only when the help is printed.

    `check --help` lists every rule's summary, which imports every rule; a plain
    `check FILE` must not pay for that.
    """

    def format_help(self) -> str:
        if callable(self.epilog):
            self.epilog = self.epilog()
        return super().format_help()


class Formatter(argparse.HelpFormatter):
    """argparse's help layout, given the width it would ask shutil for.

    HelpFormatter imports shutil (and with it bz2, lzma and zlib) for the terminal width
    whenever a parser is made or an argument added: about 4 ms of every start-up.
    """

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width=None, **kwargs):
        if width is None:
            width = terminal_columns() - 2  # as HelpFormatter does
        super().__init__(prog, indent_increment, max_help_position, width, **kwargs)


def terminal_columns() -> int:
    """shutil.get_terminal_size().columns: $COLUMNS, else the terminal's width, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def build_parser(chosen: str | None = None, alone: bool = False) -> argparse.ArgumentParser:
    """The full parser; only the chosen command's module is imported and wired.

    ``alone``: the chosen command's sub-parser is the only one made (argparse's work for
    the ten others was a tenth of `threadport check`'s start-up). Only when the command
    comes first: an option before it (``--help``) is the main parser's, which lists them all.
    """
    from threadport import __version__

    parser = Parser(  # sub-command parsers are made of the same class
        prog="threadport",
        formatter_class=Formatter,
        description="Learn, prove and carry out the Python 2 to 3 migration of threading code.",
    )
    parser.add_argument("--version", action="version", version=f"threadport {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, (module_name, help_text) in COMMANDS.items():
        if alone and name != chosen:
            continue
        command = sub.add_parser(name, help=help_text, description=help_text, formatter_class=Formatter)
        if name == chosen:
            module = importlib.import_module(module_name)
            module.add_arguments(command)
            command.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    chosen = next((arg for arg in argv if not arg.startswith("-")), None)
    known = chosen in COMMANDS
    parser = build_parser(chosen if known else None, alone=known and argv[0] == chosen)
    if not argv:  # `threadport` alone: the list of commands, not only a usage line
        parser.print_help()
        return 2
    if chosen is not None and chosen not in COMMANDS and argv[0] == chosen:
        import difflib

        close = difflib.get_close_matches(chosen, COMMANDS, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        print(f"threadport: error: no command {chosen!r}{hint}; commands: {', '.join(COMMANDS)}", file=sys.stderr)
        return 2
    args = parser.parse_args(argv)
    try:
        return args._run(args)
    except ThreadportError as error:  # the one place an error becomes a line and an exit status
        print(f"threadport {args.command}: error: {error}", file=sys.stderr)
        return error.exit_code
    except BrokenPipeError:  # `threadport ... | head` is not an error
        sys.stderr.close()
        return 0


# The commands whose process may end without the collector's last passes (console()).
QUICK_EXIT = frozenset({"list", "check"})


def console() -> int:
    """The `threadport` console script (and `python -m threadport`): main(), and for `list`,
    `check` and the help the process ends with every object frozen (gc.freeze), so the
    interpreter's exit does not walk them all again: its collections before and while the
    modules are torn down were 13 M instructions of `check FILE`'s 162 M (cachegrind),
    about 7 ms. It skips only the freeing of objects in reference cycles, which the OS
    takes back with the process: these commands leave no file open and no finalizer to
    run (standard output is flushed before those collections, atexit handlers still run).
    main() itself leaves gc alone: tests and callers run it in a process that goes on.
    """
    argv = sys.argv[1:]
    try:
        return main(argv)
    finally:
        if not argv or argv[0] in QUICK_EXIT or argv[0].startswith("-"):
            gc.freeze()
