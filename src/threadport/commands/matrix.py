"""`threadport matrix RESULTS...`: the pair x interpreter table in the terminal."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "results", nargs="+", type=Path, metavar="RESULTS", help="`threadport compare --json` files, or folders of them"
    )
    parser.add_argument(
        "--no-color", action="store_true", help="no colour (NO_COLOR does the same; pipes get none anyway)"
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 if any cell is a mismatch or any pair lacks a result on an interpreter the others ran on",
    )
    parser.add_argument(
        "--expect",
        metavar="VERSIONS",
        help="comma-separated Python 3 versions that must each have a column, e.g. 3.9,3.10,3.11,3.12,3.13"
        " (with --strict, a missing one fails)",
    )


def run(args: argparse.Namespace) -> int:
    from threadport.catalog import load_catalog
    from threadport.matrix import LEGEND, build_matrix, heading, table
    from threadport.results import load_results
    from threadport.show import emit, make_console

    matrix = build_matrix(load_results(args.results), load_catalog())
    console = make_console(no_color=args.no_color)
    if not console.is_terminal:  # a pipe or a file has no width: never wrap a cell or cut a row
        console = make_console(width=1000, no_color=args.no_color)
    lines = [heading(matrix), table(matrix, console.width), LEGEND]
    if matrix.unknown_pairs:
        lines.append(f"not in the catalogue (results from another branch?): {', '.join(matrix.unknown_pairs)}")
    problems = [f"mismatch: {p} on {c}" for p, c in matrix.mismatches]
    problems += [f"no result: {p} on {c} ({matrix.cell(p, c).summary()})" for p, c in matrix.gaps]
    expected = [v.strip() for v in (args.expect or "").split(",") if v.strip()]
    absent = [v for v in expected if v not in matrix.columns]
    problems += [f"no results at all for Python {v} (its compare file is missing)" for v in absent]
    emit(console, lines + problems)
    return 1 if args.strict and problems else 0
