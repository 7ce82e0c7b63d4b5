"""`threadport compare`: run both halves of each pair and show the transcripts side by side."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from threadport.catalog import CatalogError, get_pair, load_catalog
from threadport.cli import UsageError
from threadport.compare import DECLARED, EQUIVALENT, MISMATCH, Result, run_and_compare
from threadport.interpreters import InterpreterNotFound, find_legacy, resolve


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pairs", nargs="*", metavar="PAIR", help="pair stems (default: every pair)")
    parser.add_argument(
        "--python",
        metavar="EXE",
        help="modern side: a path, a command or a version like 3.12 (default: this interpreter)",
    )
    parser.add_argument("--legacy-python", metavar="EXE", help="legacy side (default: discovered python2.7)")
    parser.add_argument("--real-time", action="store_true", help="run without the virtual clock (slow: real sleeps)")
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of text")
    parser.add_argument("--output", metavar="FILE", type=Path, help="also write the JSON document to FILE")
    parser.add_argument(
        "--timeout", type=float, metavar="SECONDS", help="hard limit per run (default 30, or the entry's own)"
    )
    parser.add_argument("--jobs", type=int, metavar="N", help="processes at once (default: CPU count)")


def run(args: argparse.Namespace) -> int:
    try:
        pairs = [get_pair(stem) for stem in args.pairs] if args.pairs else list(load_catalog())
        legacy = resolve(args.legacy_python) if args.legacy_python else find_legacy()
        modern = resolve(args.python) if args.python else resolve(sys.executable)
    except (CatalogError, InterpreterNotFound) as error:
        raise UsageError(str(error)) from None
    if legacy.version[:2] != (2, 7):
        raise UsageError(f"--legacy-python {legacy.path} is Python {legacy.version_string}, not 2.7")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")

    results = run_and_compare(
        pairs, legacy.path, modern.path, real_time=args.real_time, timeout=args.timeout, jobs=args.jobs
    )

    document = [result.to_json() for result in results]
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(document, indent=1) + "\n")
    if args.json:
        json.dump(document, sys.stdout, indent=1)
        print()
    else:
        width = shutil.get_terminal_size((120, 24)).columns
        for result in results:
            print(render(result, width))
        print(summary(results))
    return 1 if any(r.verdict == MISMATCH for r in results) else 0


def summary(results: list[Result]) -> str:
    counts = {v: sum(r.verdict == v for r in results) for v in (EQUIVALENT, DECLARED, MISMATCH)}
    versions = sorted({f"{r.legacy.python} vs {r.modern.python}" for r in results})
    return (
        f"{len(results)} entry points: {counts[EQUIVALENT]} equivalent, {counts[DECLARED]} declared, "
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


def render(result: Result, width: int = 120) -> str:
    """One entry point: a header with the verdict, then the two transcripts in columns."""
    column = max(20, (width - 12) // 2)
    marks = {d.field: ("declared" if d.declared else "DIFFERS") for d in result.differences}
    verdict = result.verdict.upper() if result.verdict == MISMATCH else result.verdict
    lines = [f"{result.pair} :: {result.entry.label}  [{verdict}]"]
    for side_label, side in (("legacy", result.legacy), ("modern", result.modern)):
        lines.append(
            f"  {side_label}: Python {side.python}, {side.seconds:.3f} s wall"
            + (f", {side.virtual_seconds:g} s virtual" if side.virtual_seconds is not None else ", real time")
            + (" (DEADLOCK)" if side.deadlock else " (TIMED OUT)" if side.timed_out else "")
        )
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
        lines.append(f"  {difference.field} {state}" + (f": {difference.why}" if difference.why else ""))
    return "\n".join(lines) + "\n"
