"""`threadport check PATH...`: report deprecated threading idioms, like ruff/pyupgrade do."""

from __future__ import annotations

import argparse
import json
import sys

from threadport.errors import UsageError


def add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files and folders (folders: their .py files)")
    parser.add_argument(
        "--select", type=_codes, metavar="CODES", help="only these codes (comma-separated, prefixes ok)"
    )
    parser.add_argument("--ignore", type=_codes, metavar="CODES", help="skip these codes")
    parser.add_argument(
        "--min-python",
        metavar="X.Y",
        help="never rewrite into code that needs a newer Python (default: the project's requires-python"
        " or classifiers, else 2.6)",
    )


def _codes(value: str) -> list[str]:
    return [code for code in value.split(",") if code.strip()] or [value]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser)
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")
    parser.epilog = "Codes: " + "; ".join(f"{code} {summary}" for code, summary in _summaries())


def _summaries() -> list[tuple[str, str]]:
    from threadport.fixer import CODES, rule

    return [(code, rule(code).SUMMARY) for code in CODES]


def chosen_codes(args: argparse.Namespace) -> tuple[str, ...]:
    from threadport.fixer.files import select_codes

    try:
        return select_codes(args.select, args.ignore)
    except ValueError as error:
        raise UsageError(str(error)) from None


def min_python(args: argparse.Namespace) -> tuple[int, int]:
    from threadport.fixer.min_python import parse_version, project_min_python

    if args.min_python is None:
        return project_min_python(args.paths)[0]
    try:
        return parse_version(args.min_python)
    except ValueError as error:
        raise UsageError(str(error)) from None


def iter_inputs(paths: list[str]):
    from threadport.fixer.walk import iter_files

    return iter_files(paths)


def run(args: argparse.Namespace) -> int:
    from threadport.fixer.files import check_files

    codes = chosen_codes(args)
    outcomes = check_files(list(iter_inputs(args.paths)), codes, min_python(args))
    findings = [(o.path, f) for o in outcomes for f in o.findings]
    errors = [o for o in outcomes if o.error]
    possible = sum(f.possible for _, f in findings)
    compat = sum(f.compat for _, f in findings)
    fixable = sum(f.fixable for _, f in findings)
    if args.json:
        print(
            json.dumps(
                {
                    "findings": [
                        {
                            "path": str(path),
                            "line": f.line,
                            "column": f.column,
                            "code": f.code,
                            "message": f.message,
                            "severity": "compat" if f.compat else "possible" if f.possible else "error",
                            "fixable": f.fixable,
                        }
                        for path, f in findings
                    ],
                    "errors": [{"path": str(o.path), "reason": o.error} for o in errors],
                    "files": len(outcomes),
                },
                indent=2,
            )
        )
    else:
        for path, f in findings:
            mark = "[compat] " if f.compat else "[possible] " if f.possible else ""
            print(f"{path}:{f.line}:{f.column}: {f.code} {mark}{f.message}")
        checked = len(outcomes) - len(errors)  # a file that could not be read was not checked
        if findings:
            files = len({path for path, _ in findings})
            print(
                f"Found {len(findings)} finding{'s' * (len(findings) != 1)} in {files} of {checked} files: "
                f"{len(findings) - possible} certain ({fixable} fixable with `threadport fix`), {possible} possible"
                + (f", {compat} in compatibility fallbacks." if compat else ".")
            )
        else:
            print(f"No findings in {checked} file{'s' * (checked != 1)}.")
    for outcome in errors:
        print(f"{outcome.path}: error: {outcome.error}", file=sys.stderr)
    if errors:
        print(f"{len(errors)} file{'s' * (len(errors) != 1)} could not be processed.", file=sys.stderr)
        return 2
    return 1 if findings and not args.exit_zero else 0
