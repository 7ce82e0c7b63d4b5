"""`threadport html OUTDIR`: build the static, offline HTML tour."""

from __future__ import annotations

import argparse
from pathlib import Path

from threadport import progress
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
    parser.add_argument("--timeline", type=Path, metavar="FILE", help="a `threadport timeline --output` file")
    parser.add_argument("--claims", type=Path, metavar="FILE", help="a `threadport claims --output` file")
    parser.add_argument("--ledger", type=Path, metavar="FILE", help="a `threadport ledger --output` file")
    progress.add_quiet(parser)


def _shown(path: Path) -> str:
    """A results file as the site names it: relative to here when it is below here, else its name
    (a published page never shows the building machine's folders)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return path.name


def _ledger(path: Path):
    from threadport import ledger

    try:
        return ledger.read(path)
    except ledger.LedgerError as error:
        raise UsageError(str(error)) from None


def run(args: argparse.Namespace) -> int:
    from threadport.catalog import load_catalog
    from threadport.html import build_site
    from threadport.html.course import Extras
    from threadport.results import load_results, result_files
    from threadport.tour_results import read_claims, read_timeline

    pairs = load_catalog()
    sources = result_files(args.results) if args.results else []
    records = load_results(sources)
    extras = Extras(
        timeline=read_timeline(args.timeline) if args.timeline else None,
        claims=read_claims(args.claims) if args.claims else [],
        ledger=_ledger(args.ledger) if args.ledger else None,
    )
    try:
        with progress.status(f"building the tour in {args.outdir}", quiet=args.quiet):
            written = build_site(args.outdir, pairs, records, sources=[_shown(s) for s in sources], extras=extras)
    except OSError as error:
        raise UsageError(f"{error.filename or args.outdir}: {error.strerror}") from None
    index = args.outdir / "index.html"
    print(f"wrote {len(written)} files ({len(pairs)} pairs, {len(records)} results from {len(sources)} files): {index}")
    return 0
