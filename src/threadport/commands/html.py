"""`threadport html OUTDIR`: build the static, offline HTML tour."""

from __future__ import annotations

import argparse
from pathlib import Path

from threadport.errors import UsageError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "outdir", type=Path, metavar="OUTDIR", help="folder for the site (new, empty, or an earlier build)"
    )
    parser.add_argument(
        "--results",
        nargs="+",
        type=Path,
        default=[],
        metavar="FILE",
        help="`threadport compare --json` files, or folders of them (every *.json inside), merged into the matrix",
    )


def _shown(path: Path) -> str:
    """A results file as the site names it: relative to here when it is below here."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def run(args: argparse.Namespace) -> int:
    from threadport.catalog import load_catalog
    from threadport.html import build_site
    from threadport.results import load_results, result_files

    pairs = load_catalog()
    sources = result_files(args.results) if args.results else []
    records = load_results(sources)
    try:
        written = build_site(args.outdir, pairs, records, sources=[_shown(s) for s in sources])
    except OSError as error:
        raise UsageError(f"{error.filename or args.outdir}: {error.strerror}") from None
    index = args.outdir / "index.html"
    print(f"wrote {len(written)} files ({len(pairs)} pairs, {len(records)} results from {len(sources)} files): {index}")
    return 0
