"""`threadport ...`: one sub-command per module, imported only when it runs.

Each command module exposes ``add_arguments(parser)`` and ``run(args) -> int``.
Importing lazily keeps `threadport check` from paying for rich or the runner. A command
may also declare ``QUICK`` (threadport.quick_args): the lines it reads exactly as argparse
would, without importing argparse (threadport.cli_parser) at all.
"""

from __future__ import annotations

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


def terminal_columns(fallback: int = 80) -> int:
    """shutil.get_terminal_size((fallback, 24)).columns: $COLUMNS, else the terminal's width,
    else ``fallback``; without shutil, which imports bz2, lzma and fnmatch (7 M instructions)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or fallback


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = read_quickly(argv)
    if args is None:
        args = _read(argv)
        if isinstance(args, int):
            return args
    try:
        return args._run(args)
    except ThreadportError as error:  # the one place an error becomes a line and an exit status
        print(f"threadport {args.command}: error: {error}", file=sys.stderr)
        return error.exit_code
    except BrokenPipeError:  # `threadport ... | head` is not an error
        sys.stderr.close()
        return 0


def read_quickly(argv: list[str]):
    """`threadport COMMAND ...` read by the command's ``QUICK`` (threadport.quick_args), without
    importing argparse; None when the command has none or leaves this line to argparse."""
    if not argv or argv[0] not in COMMANDS:
        return None
    module = importlib.import_module(COMMANDS[argv[0]][0])
    quick = getattr(module, "QUICK", None)
    args = quick.read(argv[1:]) if quick is not None else None
    if args is not None:
        args.command = argv[0]
        args._run = module.run
    return args


def _read(argv: list[str]):
    """argparse's namespace for ``argv``, or the exit status when there is nothing to run."""
    from threadport.cli_parser import build_parser

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
    return parser.parse_args(argv)


# The commands whose process may end without the collector's last passes (console()).
QUICK_EXIT = frozenset({"list", "check", "compare"})


def console() -> int:
    """The `threadport` console script (and `python -m threadport`): main(), and for `list`,
    `check`, `compare` and the help the process ends with every object frozen (gc.freeze),
    so the interpreter's exit does not walk them all again: its collections before and while
    the modules are torn down were 13 M instructions of `check FILE`'s 162 M (cachegrind),
    about 7 ms, and 13 M of a one-pair compare's 147 M. It skips only the freeing of objects
    in reference cycles, which the OS takes back with the process: these commands leave no
    file open and no finalizer to run (standard output is flushed before those collections,
    atexit handlers still run: compare's closes its idle fork servers). A compare's result
    file is written and closed before (results.write_whole), and what it leaves in reference
    cycles is a few dozen cells, tuples and functions: no file, nothing with a finalizer.
    main() itself leaves gc alone: tests and callers run it in a process that goes on.
    """
    argv = sys.argv[1:]
    try:
        return main(argv)
    finally:
        if not argv or argv[0] in QUICK_EXIT or argv[0].startswith("-"):
            gc.freeze()
