"""`-` as the path: one file read from standard input, as editors call formatters and linters.

``threadport fix -`` writes the fixed source to stdout (byte for byte what it read,
when there is nothing to fix or the input cannot be parsed, so a pipe never loses
the file); ``threadport check -`` reports its findings under ``--stdin-filename``.
The bytes are decoded like a file's (BOM, PEP 263 cookie, else UTF-8) and the
result is encoded back the same way.
"""

from __future__ import annotations

import sys
from pathlib import Path

from threadport.errors import UsageError
from threadport.fixer.engine import Finding, FixBroke, analyze, fix_text
from threadport.fixer.files import set_columns
from threadport.fixer.parsing import ParseFailure
from threadport.fixer.source import SourceError, decode
from threadport.records import Record

STDIN = "-"


class StdinResult(Record):
    __slots__ = ("name", "data", "findings", "fixed", "error", "old_text", "new_text")

    def __init__(
        self,
        name: Path,
        data: bytes,
        findings: list[Finding] | None = None,
        fixed: list[Finding] | None = None,
        error: str | None = None,
        old_text: str = "",
        new_text: str = "",
    ) -> None:
        self.name = name
        self.data = data  # what fix writes to stdout: the fixed source, or the input unchanged
        self.findings = [] if findings is None else findings  # left for review (check: all of them)
        self.fixed = [] if fixed is None else fixed
        self.error = error
        self.old_text = old_text  # decoded with the input's own encoding (for --diff)
        self.new_text = new_text


def wants_stdin(paths: list[str]) -> bool:
    if STDIN not in paths:
        return False
    if len(paths) > 1:
        raise UsageError("`-` (standard input) cannot be combined with other paths")
    return True


def stdin_excluded(args, settings) -> bool:
    """--force-exclude with a --stdin-filename that the excludes match: leave the input alone,
    as ruff does (an editor sends every buffer; the project's excludes still hold)."""
    from threadport.inputs import excluded

    name = getattr(args, "stdin_filename", None)
    return bool(args.force_exclude and name and excluded(Path(name), settings.excludes))


def read_stdin() -> bytes:
    return sys.stdin.buffer.read()


def process(
    data: bytes,
    name: str | None,
    codes: tuple[str, ...],
    *,
    fix: bool,
    oldest: tuple[int, int],
    aggressive: bool = False,
) -> StdinResult:
    """``oldest``: --min-python (no rewrite into code that needs a newer Python)."""
    from threadport.fixer import rules
    from threadport.fixer.tree import TreeFacts

    result = StdinResult(Path(name or STDIN), data)
    facts = TreeFacts(min_python=oldest)
    try:
        text, encoding = decode(data)
        result.old_text = result.new_text = text
        if fix:
            new_text, result.fixed, result.findings = fix_text(text, rules(codes), aggressive, facts, name)
            result.data = new_text.encode(encoding) if new_text != text else data
            result.new_text = new_text
        else:
            _, result.findings = analyze(text, rules(codes), facts, name)
            new_text = text
        set_columns(new_text, result.findings)
    except (SourceError, ParseFailure, FixBroke) as error:
        result.error = str(error)
    except UnicodeEncodeError as error:
        result.error = f"the rewrite cannot be encoded as {error.encoding}; input left unchanged"
    except RecursionError:
        result.error = "too deeply nested to analyze"
    return result
