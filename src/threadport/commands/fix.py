"""`threadport fix PATH...`: rewrite the safe findings in place (or show them with --diff)."""

from __future__ import annotations

import argparse
import sys

from threadport.commands.check import add_common, iter_inputs, min_python, settings
from threadport.diffs import unified_diff


def add_arguments(parser: argparse.ArgumentParser) -> None:
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
    from threadport.fixer.files import check_each, fix_checked, fix_each, needs_fixing, tree_facts
    from threadport.fixer.tree import TreeFacts
    from threadport.stdin_io import read_stdin, stdin_excluded, wants_stdin

    chosen = settings(args)
    if wants_stdin(args.paths) and stdin_excluded(args, chosen):
        sys.stdout.buffer.write(read_stdin())  # excluded: the input back, unchanged
        return 0
    if wants_stdin(args.paths):
        return _fix_stdin(args, chosen, read_stdin())
    codes = chosen.codes
    changed = errors = left = 0
    inputs = iter_inputs(args, chosen)
    # What the other files say (a test double's isAlive, self._thread assigned from a test)
    # decides what is certain in each file: learn it before the first write.
    oldest = min_python(args, chosen)
    if len(inputs) == 1:
        # One file: what the tree says comes from that file alone, and facts never count
        # the file itself (TreeFacts.defines/assigns_outside), so a first pass to learn
        # them would be a whole analysis (a third of the time on a large file) for nothing.
        facts, todo = TreeFacts(min_python=oldest), inputs
        outcomes = fix_each(todo, codes, facts, aggressive=chosen.aggressive, write=not args.diff)
    else:
        # The check pass fixes each file with findings too, in memory (fixer/ahead.py): kept
        # where the tree's facts change nothing for it, else fixed again in a worker (in order).
        checked = check_each(inputs, codes, TreeFacts(min_python=oldest), fix_ahead=chosen.aggressive)
        facts = tree_facts(checked, inputs, oldest)
        kept = [(item, outcome) for item, outcome in zip(inputs, checked) if needs_fixing(outcome, facts)]
        todo = [item for item, _ in kept]
        outcomes = fix_checked(
            todo, [outcome for _, outcome in kept], codes, facts, aggressive=chosen.aggressive, write=not args.diff
        )
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
