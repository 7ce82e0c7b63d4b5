"""`threadport claims`: every claim of the seed's comments, beside the pair that shows it."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from threadport import progress
from threadport.catalog import load_catalog
from threadport.commands.options import jobs_option, legacy_choice, minimum_text, modern_choice
from threadport.errors import UsageError
from threadport.interpreters import MODERN_MINIMUM, python3s


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--python",
        metavar="EXE",
        action="append",
        help="a Python 3 for the modern halves (path, command or version); repeatable "
        "(default: every Python 3.9+ found)",
    )
    parser.add_argument(
        "--legacy-python", metavar="EXE", help="the Python 2.7 for the legacy halves (default: discovered)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of text")
    parser.add_argument(
        "--output",
        type=Path,
        metavar="FILE",
        help="also write the JSON document to FILE (for `threadport html --claims`)",
    )
    jobs_option(parser)
    progress.add_quiet(parser)


def run(args: argparse.Namespace) -> int:
    from threadport import claims

    pairs = list(load_catalog())
    legacy = legacy_choice(args.legacy_python)
    if args.python:
        pythons = [modern_choice(spec) for spec in args.python]
    else:
        pythons = [p for p in python3s() if p.version[:2] >= MODERN_MINIMUM]
    if not pythons:
        raise UsageError(f"no Python {minimum_text()}+ found for the modern halves (pass --python)")

    with progress.shown("claims", quiet=args.quiet):
        results = claims.check(pairs, legacy, pythons, jobs=args.jobs)
    if args.output:
        from threadport.tour_results import write_json

        write_json(args.output, [r.to_json() for r in results])
    if args.json:
        json.dump([r.to_json() for r in results], sys.stdout, indent=1)
        print()
    else:
        print(claims.render(results))
    return 0 if results and all(r.passed for r in results) else 1
