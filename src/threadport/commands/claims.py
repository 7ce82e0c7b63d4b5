"""`threadport claims`: every claim of the seed's comments, beside the pair that shows it."""

from __future__ import annotations

import argparse
import json
import sys

from threadport.catalog import CatalogError, load_catalog
from threadport.cli import UsageError
from threadport.interpreters import InterpreterNotFound, find_legacy, python3s, resolve

MATRIX = (3, 9)  # by default the modern halves run on every Python 3 of the tox matrix found


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
    parser.add_argument("--jobs", type=int, metavar="N", help="processes at once (default: CPU count)")


def run(args: argparse.Namespace) -> int:
    from threadport import claims

    try:
        pairs = list(load_catalog())
        legacy = resolve(args.legacy_python) if args.legacy_python else find_legacy()
        if args.python:
            pythons = [resolve(spec) for spec in args.python]
        else:
            pythons = [p for p in python3s() if p.version[:2] >= MATRIX]
    except (CatalogError, InterpreterNotFound) as error:
        raise UsageError(str(error)) from None
    if legacy.version[:2] != (2, 7):
        raise UsageError(f"--legacy-python {legacy.path} is Python {legacy.version_string}, not 2.7")
    if not pythons:
        raise UsageError("no Python 3.9+ found for the modern halves (pass --python)")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")

    results = claims.check(pairs, legacy, pythons, jobs=args.jobs)
    if args.json:
        json.dump([r.to_json() for r in results], sys.stdout, indent=1)
        print()
    else:
        print(claims.render(results))
    return 0 if results and all(r.passed for r in results) else 1
