"""`threadport timeline`: the legacy files after 2to3, run on every Python 3 found."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from threadport import progress
from threadport.catalog import get_pair, load_catalog
from threadport.commands.options import jobs_option
from threadport.errors import UsageError
from threadport.interpreters import LegacyNotFound, find_legacy, python3s, resolve


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pairs", nargs="*", metavar="PAIR", help="pair stems (default: every pair)")
    parser.add_argument(
        "--python",
        metavar="EXE",
        action="append",
        help="a Python 3 to run on (a path, a command or a version like 3.9); repeatable (default: every one found)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of the table")
    parser.add_argument(
        "--output",
        type=Path,
        metavar="FILE",
        help="also write the JSON document to FILE (for `threadport html --timeline`)",
    )
    jobs_option(parser)
    progress.add_quiet(parser)


def run(args: argparse.Namespace) -> int:
    from threadport import timeline

    pairs = [get_pair(stem) for stem in args.pairs] if args.pairs else list(load_catalog())
    pythons = [resolve(spec) for spec in args.python] if args.python else python3s()
    old = [p for p in pythons if p.version < (3, 6)]
    if old:
        raise UsageError(f"{old[0].path} is Python {old[0].version_string}; the timeline runs on Python 3.6+")
    if not pythons:
        raise UsageError("no Python 3.6+ found (install some with pyenv or `uv python install`, or pass --python)")
    try:
        legacy = find_legacy()
    except LegacyNotFound as error:  # a bad explicit THREADPORT_LEGACY_PYTHON is not this: it stops the run
        legacy = None
        print(f"threadport timeline: no Python 2.7 to compare output with ({error})", file=sys.stderr)

    with progress.shown("timeline", quiet=args.quiet):
        rows = timeline.build(pairs, pythons, legacy, jobs=args.jobs)
    document = {
        "converter": "fissix (lib2to3 fork), default fixers",
        "pythons": [p.version_string for p in pythons],
        "rows": [row.to_json() for row in rows],
    }
    if args.output:
        from threadport.tour_results import write_json

        write_json(args.output, document)
    if args.json:
        json.dump(document, sys.stdout, indent=1)
        print()
    else:
        print("The legacy files after 2to3 (fissix, default fixers), run on each Python 3:")
        print(timeline.render(rows, pythons))
    return 0
