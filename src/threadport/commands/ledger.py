"""`threadport ledger`: what each old threading name does on each interpreter, probed."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from threadport.errors import UsageError

# exists is the quiet default; warns and gone are what a reader looks for.
STYLE = {"exists": "green", "warns": "yellow", "gone": "red", "error": "bold red"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--python",
        metavar="EXE",
        action="append",
        help="probe only this interpreter (path, command or version); repeatable (default: every one found)",
    )
    parser.add_argument("--input", type=Path, metavar="FILE", help="show a ledger written earlier by --output")
    parser.add_argument("--output", type=Path, metavar="FILE", help="also write the ledger as JSON to FILE")
    parser.add_argument("--json", action="store_true", help="print the JSON document instead of the table")
    parser.add_argument("--no-cache", action="store_true", help="probe again even where a cached answer exists")
    parser.add_argument("--no-color", action="store_true", help="no colour (NO_COLOR does the same; pipes get none)")


WARNING_SHORT = {"DeprecationWarning": "Deprec", "PendingDeprecationWarning": "Pending"}
LEGEND = (
    "ok: works silently; Deprec / Pending: warns with DeprecationWarning / PendingDeprecationWarning "
    "(an error under -W error); gone: AttributeError, ImportError, TypeError or SyntaxError; "
    "yes / no: whether the behaviour holds"
)


def cell(status, kind: str) -> str:
    if status is None:
        return "?"
    if status.status == "warns":
        return WARNING_SHORT.get(status.category, status.category)
    if kind == "behaviour":
        return {"exists": "yes", "gone": "no"}.get(status.status, status.status)
    return {"exists": "ok"}.get(status.status, status.status)


def plain_table(book) -> list[str]:
    """The table as text: one row per name, one column per interpreter, nothing cut."""
    rows = [["name", *(c.label for c in book.columns)]]
    rows += [[name, *(cell(c.results.get(name), kind) for c in book.columns)] for name, kind in book.names]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(text.ljust(width) for text, width in zip(row, widths)).rstrip() for row in rows]


def run(args: argparse.Namespace) -> int:
    from threadport import ledger
    from threadport.interpreters import resolve

    # LedgerError and InterpreterNotFound are ThreadportErrors: cli.main prints them.
    if args.input:
        book = ledger.read(args.input)
    else:
        pythons = [resolve(spec) for spec in args.python] if args.python else None
        book = ledger.build(pythons, use_cache=not args.no_cache)
    document = book.to_json()
    if args.output:
        try:
            args.output.parent.mkdir(parents=True, exist_ok=True)
            args.output.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
        except OSError as error:
            raise UsageError(f"{args.output}: {error.strerror}") from None
    if args.json:
        json.dump(document, sys.stdout, indent=1)
        print()
    else:
        render(book, args.no_color)
        if not args.input and not args.python:
            missing = ledger.not_found()
            if missing:
                print(f"not probed (not on PATH here): {', '.join(missing)}")
    errors = [
        f"{n} on {c.label}: {c.results[n].detail}"
        for c in book.columns
        for n, _ in book.names
        if n in c.results and c.results[n].status == "error"
    ]
    for line in errors:
        print(f"probe error: {line}", file=sys.stderr)
    return 1 if errors else 0


def render(book, no_color: bool) -> None:
    """A rich table on a terminal, the plain table in a pipe (nothing truncated to 80 columns)."""
    from rich import box
    from rich.table import Table

    from threadport.show import make_console

    console = make_console(no_color=no_color)
    if not console.is_terminal:
        print("\n".join(plain_table(book)))
        print(LEGEND)
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, header_style="bold")
    table.add_column("name", no_wrap=True)
    for column in book.columns:
        table.add_column(column.label, justify="center", no_wrap=True)
    for name, kind in book.names:
        cells = []
        for column in book.columns:
            status = column.results.get(name)
            style = "" if console.no_color or status is None else STYLE[status.status]
            cells.append(f"[{style}]{cell(status, kind)}[/]" if style else cell(status, kind))
        table.add_row(name, *cells)
    console.print(table)
    console.print(LEGEND)
