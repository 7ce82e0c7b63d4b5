"""`threadport show PAIR`: legacy and modern source side by side in the terminal."""

from __future__ import annotations

import argparse

from threadport.catalog import get_pair
from threadport.errors import UsageError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pair", metavar="PAIR", help="a pair's stem (see `threadport list`)")
    parser.add_argument("--entry", metavar="NAME", help="only this entry point's function (legacy or modern name)")
    parser.add_argument(
        "--width",
        type=int,
        metavar="N",
        help="columns to draw in (default: the terminal's; under 100 the versions stack)",
    )
    parser.add_argument(
        "--no-color", action="store_true", help="no colour (NO_COLOR does the same; pipes get none anyway)"
    )


def run(args: argparse.Namespace) -> int:
    if args.width is not None and args.width < 20:
        raise UsageError(f"--width {args.width} is too narrow to show code (20 at least)")
    pair = get_pair(args.pair)
    if args.entry is not None:
        pair.entry(args.entry)

    from threadport import show  # rich and pygments load only for this command

    console = show.make_console(width=args.width, no_color=args.no_color)
    try:
        show.render(pair, console, entry=args.entry)
    except LookupError as error:  # the catalogue names a function a source lacks
        raise UsageError(f"{pair.stem}: {error}") from None
    except OSError as error:
        raise UsageError(f"{error.filename}: {error.strerror}") from None
    return 0
