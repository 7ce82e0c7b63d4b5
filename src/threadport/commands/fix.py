"""`threadport fix PATH...`: rewrite the safe findings in place (or show them with --diff)."""

from __future__ import annotations

import sys

from threadport.commands.check import COMMON_QUICK, add_common, iter_inputs, min_python, settings
from threadport.quick_args import Flag, Quick

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:
    import argparse  # imported by threadport.cli_parser, when argparse reads the line

# `threadport fix ...` without argparse (threadport.cli.read_quickly): add_arguments' options.
# A fix over a tree is compared with check over it (benchmarks/bench_fix.py): argparse,
# gettext and locale were most of what fix's start-up paid beyond check's.
QUICK = Quick(
    {
        **COMMON_QUICK,
        "--diff": Flag("diff"),
        "--aggressive": Flag("aggressive", True, None),
        "--no-aggressive": Flag("aggressive", False, None),
    },
    positional="paths",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    import argparse

    add_common(parser)
    parser.add_argument("--diff", action="store_true", help="print a unified diff and write nothing")
    parser.add_argument(
        "--aggressive",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also rewrite .isAlive() calls on receivers not known to be threads (threading's isAlive fails on 3.9+),"
        " unless a file being processed defines isAlive itself",
    )


def run(args: argparse.Namespace) -> int:
    from threadport.fixer.files import fix_each, fix_files
    from threadport.fixer.tree import TreeFacts

    chosen = settings(args)
    if "-" in args.paths:  # stdin_io (and the pathlib it imports) only for `-`
        from threadport.stdin_io import read_stdin, stdin_excluded, wants_stdin

        wants_stdin(args.paths)  # `-` with other paths: a usage error
        if stdin_excluded(args, chosen):
            sys.stdout.buffer.write(read_stdin())  # excluded: the input back, unchanged
            return 0
        return _fix_stdin(args, chosen, read_stdin())
    codes = chosen.codes
    changed = errors = left = 0
    inputs = iter_inputs(args, chosen)
    oldest = min_python(args, chosen)
    if len(inputs) == 1:
        # One file: what the tree says comes from that file alone, and facts never count
        # the file itself (TreeFacts.defines/assigns_outside), so a first pass to learn
        # them would be a whole analysis (a third of the time on a large file) for nothing.
        todo = inputs
        outcomes = fix_each(
            todo, codes, TreeFacts(min_python=oldest), aggressive=chosen.aggressive, write=not args.diff
        )
    else:  # the tree checked first, each file fixed in that pass, kept where the tree agrees
        todo, outcomes = fix_files(inputs, codes, oldest, aggressive=chosen.aggressive, write=not args.diff)
    for (path, _), outcome in zip(todo, outcomes):
        if outcome.error:
            errors += 1
            print(f"{path}: error: {outcome.error}", file=sys.stderr)
            continue
        left += len(outcome.findings)
        if not outcome.changed:
            continue
        changed += 1
        if args.diff:
            from threadport.diffs import unified_diff  # here: difflib only for --diff

            sys.stdout.writelines(unified_diff(outcome.old_text, outcome.new_text, str(path)))
        else:
            counts: dict[str, int] = {}
            for finding in outcome.fixed:
                counts[finding.code] = counts.get(finding.code, 0) + 1
            detail = ", ".join(f"{code} x{n}" if n > 1 else code for code, n in sorted(counts.items()))
            if not args.quiet:
                print(f"Rewrote {path} ({detail})")
    if left and not args.quiet:
        print(f"{left} finding{'s' * (left != 1)} left for review: see `threadport check`.", file=sys.stderr)
    if errors:
        print(f"{errors} file{'s' * (errors != 1)} could not be processed.", file=sys.stderr)
        return 2
    return 1 if changed and not args.exit_zero else 0


def _fix_stdin(args: argparse.Namespace, chosen, data: bytes) -> int:
    """The fixed source on stdout (or the diff); exit 0 like a formatter, 2 when it cannot be read."""
    from threadport.diffs import unified_diff
    from threadport.stdin_io import process

    result = process(
        data, args.stdin_filename, chosen.codes, fix=True, aggressive=chosen.aggressive, oldest=min_python(args, chosen)
    )
    if args.diff:
        name = str(result.name)
        sys.stdout.writelines(unified_diff(result.old_text, result.new_text, name))
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(result.data)  # the input's own bytes and encoding
        sys.stdout.buffer.flush()
    if result.error:
        print(f"{result.name}: error: {result.error}", file=sys.stderr)
        return 2
    left = len(result.findings)
    if left and not args.quiet:
        print(f"{left} finding{'s' * (left != 1)} left for review: see `threadport check`.", file=sys.stderr)
    return 0
