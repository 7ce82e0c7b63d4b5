"""`threadport check PATH...`: report deprecated threading idioms, like ruff/pyupgrade do."""

from __future__ import annotations

import os
import sys

from threadport.config import FAIL_ON
from threadport.errors import UsageError
from threadport.output_formats import FORMATS
from threadport.quick_args import Flag, Quick, Value

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (a start-up cost)
if TYPE_CHECKING:
    import argparse  # imported by threadport.cli_parser, when argparse reads the line


def add_common(parser: argparse.ArgumentParser) -> None:
    """The options check and fix share; defaults come from [tool.threadport] (see threadport.config)."""
    import argparse

    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="files and folders (folders: their .py files); `-` reads one file from standard input",
    )
    parser.add_argument(
        "--select", type=_codes, metavar="CODES", help="only these codes (comma-separated, prefixes ok)"
    )
    parser.add_argument("--ignore", type=_codes, metavar="CODES", help="skip these codes")
    parser.add_argument(
        "--exclude",
        type=_globs,
        metavar="GLOBS",
        help="skip files and folders matching these globs when walking folders (replaces the config's exclude)",
    )
    parser.add_argument("--extend-exclude", type=_globs, metavar="GLOBS", help="skip these too (added to exclude)")
    parser.add_argument(
        "--force-exclude",
        action="store_true",
        help="apply exclude and .gitignore to files named on the command line too (for pre-commit)",
    )
    parser.add_argument(
        "--respect-gitignore",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="skip what git ignores when walking folders inside a git work tree (default: on)",
    )
    parser.add_argument("--stdin-filename", metavar="NAME", help="the name of the file read from `-`")
    parser.add_argument("--config", metavar="FILE", help="read [tool.threadport] from this pyproject.toml")
    parser.add_argument("--isolated", action="store_true", help="ignore every pyproject.toml")
    parser.add_argument("-q", "--quiet", action="store_true", help="print findings and errors, nothing else")
    parser.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when there are findings (check) or rewrites (fix)"
    )
    parser.add_argument(
        "--min-python",
        metavar="X.Y",
        help="never rewrite into code that needs a newer Python (default: [tool.threadport] min-python,"
        " else the project's requires-python or classifiers, else 2.6)",
    )


def _codes(value: str) -> list[str]:
    return [code for code in value.split(",") if code.strip()] or [value]


def _globs(value: str) -> list[str]:
    return [glob.strip() for glob in value.split(",") if glob.strip()]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common(parser)
    parser.add_argument(
        "--output-format",
        choices=FORMATS,
        default=None,
        help="concise (default): path:line:col lines and a summary; json; github: workflow annotations;"
        " sarif: SARIF 2.1.0 for code scanning",
    )
    parser.add_argument(
        "--json",
        dest="output_format",
        action="store_const",
        const="json",
        help="the same as --output-format json (kept for scripts written before --output-format)",
    )
    parser.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default=None,
        help="exit 1 on certain findings only, or on possible ones too (default: possible)",
    )
    parser.epilog = _epilog  # threadport.cli_parser.Parser calls it for --help only


# add_common's options as threadport.quick_args reads them (tests/test_quick_args.py holds them equal)
COMMON_QUICK = {
    "--select": Value("select", _codes),
    "--ignore": Value("ignore", _codes),
    "--exclude": Value("exclude", _globs),
    "--extend-exclude": Value("extend_exclude", _globs),
    "--force-exclude": Flag("force_exclude"),
    "--respect-gitignore": Flag("respect_gitignore", True, None),
    "--no-respect-gitignore": Flag("respect_gitignore", False, None),
    "--stdin-filename": Value("stdin_filename"),
    "--config": Value("config"),
    "--isolated": Flag("isolated"),
    "-q": Flag("quiet"),
    "--quiet": Flag("quiet"),
    "--exit-zero": Flag("exit_zero"),
    "--min-python": Value("min_python"),
}
# `threadport check ...` without argparse (threadport.cli.read_quickly): add_arguments' options
QUICK = Quick(
    {
        **COMMON_QUICK,
        "--output-format": Value("output_format", choices=FORMATS),
        "--json": Flag("output_format", "json", None),
        "--fail-on": Value("fail_on", choices=FAIL_ON),
    },
    positional="paths",
)


def _epilog() -> str:
    return "Codes: " + "; ".join(f"{code} {summary}" for code, summary in _summaries())


SUMMARIES_CACHE = "rule-summaries"


def _summaries() -> list[tuple[str, str]]:
    """Every rule's (code, summary), from the disk cache while the rule files are unchanged
    (as `list` keeps the catalogue's titles): importing every rule, and the engine they
    import, only to print a help text was most of `check --help`'s start-up."""
    from threadport import cache
    from threadport.fixer import CODES, rule, rule_file

    key = [cache.file_key(rule_file(code)) for code in CODES]
    entry = cache.per_install(SUMMARIES_CACHE, os.path.dirname(rule_file(CODES[0])))
    stored = cache.load(entry, key) if all(key) else None
    if isinstance(stored, list) and all(isinstance(row, list) and len(row) == 2 for row in stored):
        return [(code, summary) for code, summary in stored]
    rows = [(code, rule(code).SUMMARY) for code in CODES]
    if all(key):
        cache.store(entry, key, rows)
    return rows


def settings(args: argparse.Namespace):
    """[tool.threadport] with the command line on top; the chosen codes checked."""
    from threadport.config import resolve
    from threadport.fixer.files import select_codes

    chosen = resolve(args)
    try:
        chosen.codes = select_codes(chosen.select, chosen.ignore)
    except ValueError as error:
        raise UsageError(str(error)) from None
    return chosen


def min_python(args: argparse.Namespace, chosen) -> tuple[int, int]:
    """--min-python, else the config's min-python, else what the project's metadata says."""
    from threadport.fixer.min_python import parse_version, project_min_python

    given = args.min_python or chosen.min_python
    if given is None:
        return project_min_python([p for p in args.paths if p != "-"] or ["."])[0]
    try:
        return parse_version(given)
    except ValueError as error:
        raise UsageError(str(error)) from None


def iter_inputs(args: argparse.Namespace, chosen) -> list:
    """The ``(path, explicit)`` pairs to read: the walk, less the excluded and git-ignored files."""
    from threadport.fixer.walk import iter_files
    from threadport.inputs import select_inputs

    return select_inputs(iter_files(args.paths), chosen, force_exclude=args.force_exclude)


def _check_stdin(args: argparse.Namespace, chosen) -> tuple[list, list, int]:
    """`-`: the file read from standard input (stdin_io, imported only for it)."""
    from threadport.stdin_io import process, read_stdin, stdin_excluded, wants_stdin

    wants_stdin(args.paths)  # `-` with other paths: a usage error
    if stdin_excluded(args, chosen):
        read_stdin()
        return [], [], 0
    result = process(read_stdin(), args.stdin_filename, chosen.codes, fix=False, oldest=min_python(args, chosen))
    return [(result.name, f) for f in result.findings], [(result.name, result.error)] if result.error else [], 1


def _fails(findings, fail_on: str) -> bool:
    """--fail-on certain: only findings that are neither [possible] nor in a [compat] fallback count."""
    return any(fail_on == "possible" or not (f.possible or f.compat) for _, f in findings)


def run(args: argparse.Namespace) -> int:
    from threadport.fixer.files import check_files
    from threadport.output_formats import render, summary

    chosen = settings(args)
    output_format = args.output_format or "concise"
    if "-" in args.paths:
        findings, errors, files = _check_stdin(args, chosen)
    else:
        outcomes = check_files(iter_inputs(args, chosen), chosen.codes, min_python(args, chosen))
        findings = [(o.path, f) for o in outcomes for f in o.findings]
        errors = [(o.path, o.error) for o in outcomes if o.error]
        files = len(outcomes)
    sys.stdout.write(render(output_format, findings, errors, files))
    if output_format == "concise" and not args.quiet:
        sys.stdout.write(summary(findings, errors, files))
    if output_format in ("concise", "json"):  # github and sarif carry the errors themselves
        for path, reason in errors:
            print(f"{path}: error: {reason}", file=sys.stderr)
    if errors:
        print(f"{len(errors)} file{'s' * (len(errors) != 1)} could not be processed.", file=sys.stderr)
        return 2
    return 1 if _fails(findings, chosen.fail_on) and not args.exit_zero else 0
