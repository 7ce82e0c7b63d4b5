"""`threadport compare`: run both halves of each pair and show the transcripts side by side."""

from __future__ import annotations

import sys

from threadport.commands.options import _positive_int, jobs_option, legacy_choice, modern_choice
from threadport.errors import UsageError
from threadport.quick_args import Flag, Quick, Value

# The rest of compare (the catalogue, the run service, the results) is imported in run(),
# once the two fork servers are starting (forkserver.warm): about 25 ms of imports and
# catalogue beside their start, where they waited for them.
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:
    import argparse
    from pathlib import Path

    from threadport.compare import Result
    from threadport.runner import Transcript


def _output_path(text: str) -> Path:
    """--output's type: a pathlib.Path, and pathlib (with urllib.parse and ipaddress, 16 M
    instructions) imported only when the option is given."""
    from pathlib import Path

    return Path(text)


# What add_arguments declares, as threadport.quick_args reads it: the usual lines (the
# benchmarks', tox's, the README's) without argparse, gettext and locale (about 19 M of a
# one-pair compare's 194 M instructions). tests/test_quick_args.py holds the two equal.
QUICK = Quick(
    {
        "--python": Value("python"),
        "--legacy-python": Value("legacy_python"),
        "--real-time": Flag("real_time"),
        "--json": Flag("json"),
        "--output": Value("output", _output_path),
        "--timeout": Value("timeout", float),
        "--jobs": Value("jobs", _positive_int),
        "--quiet": Flag("quiet"),
    },
    positional="pairs",
    nargs="*",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from threadport import progress
    from threadport.runner import DEFAULT_TIMEOUT

    parser.add_argument("pairs", nargs="*", metavar="PAIR", help="pair stems (default: every pair)")
    parser.add_argument(
        "--python",
        metavar="EXE",
        help="modern side: a path, a command or a version like 3.12 (default: this interpreter)",
    )
    parser.add_argument("--legacy-python", metavar="EXE", help="legacy side (default: discovered python2.7)")
    parser.add_argument("--real-time", action="store_true", help="run without the virtual clock (slow: real sleeps)")
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of text")
    parser.add_argument("--output", metavar="FILE", type=_output_path, help="also write the JSON document to FILE")
    parser.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help=f"hard limit per run (default {DEFAULT_TIMEOUT:g}, or the entry's own)",
    )
    jobs_option(parser)
    progress.add_quiet(parser)


def run(args: argparse.Namespace) -> int:
    start_named_servers(args)
    pairs = None
    if args.pairs:  # a wrong name is the first error, as ever
        from threadport.catalog import get_pair

        pairs = [get_pair(stem) for stem in args.pairs]
    legacy = legacy_choice(args.legacy_python)
    modern = modern_choice(args.python) if args.python else modern_choice(sys.executable, "this interpreter")
    if args.timeout is not None and not args.timeout > 0:
        raise UsageError(f"--timeout {args.timeout:g}: must be a positive number of seconds")
    start_servers(legacy.path, modern.path, args.real_time)

    from threadport import progress
    from threadport.catalog import load_catalog
    from threadport.compare import MISMATCH, run_and_compare
    from threadport.results import dumps, write_whole

    if pairs is None:
        pairs = list(load_catalog())
    with progress.shown("compare", quiet=args.quiet or args.json):
        results = run_and_compare(pairs, legacy, modern, real_time=args.real_time, timeout=args.timeout, jobs=args.jobs)

    # One document for the file and the output: made, checked and encoded once (with indent
    # it is json's Python encoder: about 2 ms for a full compare).
    document = dumps(results) if args.output or args.json else ""
    if args.output:
        write_whole(args.output, document)  # results.write_results, with the document made above
    if args.json:
        sys.stdout.write(document)
    else:
        width = None  # piped: nothing clipped
        if sys.stdout.isatty():
            from threadport.cli import terminal_columns

            width = terminal_columns(120)  # shutil.get_terminal_size((120, 24)), without shutil
        for result in results:
            print(render(result, width))
        print(summary(results))
    return 1 if any(r.verdict == MISMATCH for r in results) else 0


LEGACY_ENV = "THREADPORT_LEGACY_PYTHON"  # interpreters.LEGACY_ENV, without importing it (tests hold them equal)


def start_named_servers(args: argparse.Namespace) -> None:
    """The fork servers whose interpreter is named by a path start before anything else of
    compare: the modern side's (--python, else this interpreter), then the legacy side's
    (--legacy-python, else $THREADPORT_LEGACY_PYTHON). A server takes 20 ms (2.7) to 30 ms
    (3.11) to be ready; the pairs named, discovery (the probe cache's JSON) and compare's own
    imports run beside them. A version (3.12) or a command (python2.7) is left to discovery
    and start_servers; a file that turns out not to be the interpreter asked for (the
    choices say so) has started a server for nothing, which ends at exit."""
    import os

    from threadport import forkserver

    for spec in (args.python or sys.executable, args.legacy_python or os.environ.get(LEGACY_ENV)):
        # The path interpreters.command_path gives a file's name, without importing interpreters
        # (functools, collections: 6 M instructions)
        if spec and os.path.dirname(spec) and not spec[:1].isdigit():
            forkserver.warm(os.path.abspath(spec), args.real_time)


def start_servers(legacy: str, modern: str, real_time: bool) -> None:
    """A fork server for each side starts now, and the rest of compare's start-up runs beside
    them (the modern one first: its start is the longer, 30 ms of CPU against 19). One
    started already (start_named_servers) is not started twice (forkserver.warm)."""
    from threadport import forkserver

    for python in (modern, legacy):
        forkserver.warm(python, real_time)


def summary(results: list[Result]) -> str:
    from threadport.results import DECLARED, EQUIVALENT, MISMATCH

    counts = {v: sum(r.verdict == v for r in results) for v in (EQUIVALENT, DECLARED, MISMATCH)}
    versions = sorted({f"{r.legacy.python} vs {r.modern.python}" for r in results})
    return (
        f"{len(results)} entry point{'' if len(results) == 1 else 's'}: "
        f"{counts[EQUIVALENT]} equivalent, {counts[DECLARED]} declared, "
        f"{counts[MISMATCH]} mismatch (Python {', '.join(versions)})"
    )


def _cell(value: object) -> list[str]:
    if isinstance(value, list):
        return value or ["(nothing)"]
    if isinstance(value, dict):
        return [f"{value.get('type')}: {value.get('message')}"]
    return ["-" if value is None else str(value)]


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def clock_label(side: Transcript) -> str:
    """Which clock the run used, and how it ended when that was not a plain exit."""
    if side.clock == "real":
        clock = "real time"
    elif side.virtual_seconds is not None:
        clock = f"{side.virtual_seconds:g} s virtual"
    else:
        clock = "virtual clock (the run ended before it reported the time)"
    if side.deadlock:
        return f"{clock} (DEADLOCK)"
    if side.timed_out:
        return f"{clock} (TIMED OUT)"
    import re  # here: imported by then (the catalogue), and not before the fork servers start

    plain = re.fullmatch(r"exit status -?\d+", side.ended)  # a plain exit needs no word; anything else does
    return clock if plain or not side.ended else f"{clock}, {side.ended}"


def render(result: Result, width: int | None = 120) -> str:
    """One entry point: a header with the verdict, then the two transcripts in columns.

    ``width`` None (a pipe or a file): no line is clipped and nothing is wrapped.
    """
    if width is None:
        texts = [t for name in ("stdout", "stderr", "exit", "exception") for t in _cell(getattr(result.legacy, name))]
        column = max(20, *map(len, texts))
    else:
        column = max(20, (width - 12) // 2)
    from threadport.results import MISMATCH

    marks = {d.field: ("declared" if d.declared else "DIFFERS") for d in result.differences}
    verdict = result.verdict.upper() if result.verdict == MISMATCH else result.verdict
    lines = [f"{result.pair} :: {result.entry.label}  [{verdict}]"]
    for side_label, side in (("legacy", result.legacy), ("modern", result.modern)):
        lines.append(f"  {side_label}: Python {side.python}, {side.seconds:.3f} s wall, {clock_label(side)}")
        for leftover in side.leftover:
            lines.append(f"    LEFTOVER: {leftover}")
    for name in ("stdout", "stderr", "exit", "exception"):
        left, right = getattr(result.legacy, name), getattr(result.modern, name)
        if name in ("stderr", "exception") and not left and not right:
            continue
        left_cells, right_cells = _cell(left), _cell(right)
        label = f"{name}"
        mark = marks.get(name, "")
        for i in range(max(len(left_cells), len(right_cells))):
            l_text = left_cells[i] if i < len(left_cells) else ""
            r_text = right_cells[i] if i < len(right_cells) else ""
            flag = (
                "!"
                if mark == "DIFFERS" and l_text != r_text
                else "~"
                if mark == "declared" and l_text != r_text
                else " "
            )
            lines.append(f"  {label:<9} {_clip(l_text, column):<{column}} {flag} {_clip(r_text, column)}")
            label = ""
    for difference in result.differences:
        state = "declared" if difference.declared else "differs"
        text = f"  {difference.field} {state}" + (f": {' '.join(difference.why.split())}" if difference.why else "")
        # Catalogue prose is wrapped by hand in the TOML: fold it, then wrap to the terminal, indented.
        if width:
            import textwrap  # here: piped (width None) or in --json, nothing is wrapped

            lines += textwrap.wrap(text, width, subsequent_indent="    ", break_long_words=False)
        else:
            lines.append(text)
    return "\n".join(lines) + "\n"
