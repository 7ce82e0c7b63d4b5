"""One file through check or fix: read, prefilter, analyze or rewrite, never lose data."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from threadport.fixer import CODES, TRIGGERS, rules
from threadport.fixer.engine import Finding, FixBroke, analyze, fix_text
from threadport.fixer.parsing import ParseFailure
from threadport.fixer.source import SourceError, read_source, save


def select_codes(select: Iterable[str] | None, ignore: Iterable[str] | None) -> tuple[str, ...]:
    """Codes chosen by ``--select``/``--ignore`` (exact codes or prefixes, like ruff's)."""

    def expand(option: str, values: Iterable[str]) -> set[str]:
        chosen = set()
        for value in values:
            matched = {code for code in CODES if code.startswith(value.strip().upper())}
            if not matched or not value.strip():
                raise ValueError(f"{option}: unknown code {value!r} (known: {', '.join(CODES)})")
            chosen |= matched
        return chosen

    selected = expand("--select", select) if select else set(CODES)
    if ignore:
        selected -= expand("--ignore", ignore)
    return tuple(code for code in CODES if code in selected)


class Prefilter:
    """Bytes-level test: can a selected rule have anything to say about this file?

    A literal scan rejects almost every file at memory speed; the precise
    patterns (word boundaries, the acquire/try layout) then run on the few left.
    """

    def __init__(self, codes: tuple[str, ...]) -> None:
        # ``in`` on bytes is a memchr-speed scan; a regex alternation is several times slower.
        self.literals = sorted({TRIGGERS[code][0] for code in codes})
        self.precise = re.compile(b"|".join(TRIGGERS[code][1] for code in codes) or b"(?!)")

    def search(self, data: bytes) -> bool:
        return any(word in data for word in self.literals) and self.precise.search(data) is not None


def prefilter(codes: tuple[str, ...]) -> Prefilter:
    return Prefilter(codes)


@dataclass
class Outcome:
    path: Path
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    changed: bool = False
    fixed: list[Finding] = field(default_factory=list)
    old_text: str = ""
    new_text: str = ""


def check_file(path: Path, explicit: bool, codes: tuple[str, ...], pattern: Prefilter) -> Outcome:
    outcome = Outcome(path)
    try:
        source = read_source(path)
        if not explicit and not pattern.search(source.data):
            return outcome  # nothing a selected rule could say: not even parsed
        _, outcome.findings = analyze(source.text, rules(codes))
        set_columns(source.text, outcome.findings)
    except (SourceError, ParseFailure) as error:
        outcome.error = str(error)
    except RecursionError:
        outcome.error = "too deeply nested to analyze"
    return outcome


def fix_file(
    path: Path,
    explicit: bool,
    codes: tuple[str, ...],
    pattern: Prefilter,
    *,
    aggressive: bool = False,
    write: bool = True,
) -> Outcome:
    outcome = Outcome(path)
    try:
        source = read_source(path)
        if not explicit and not pattern.search(source.data):
            return outcome
        new_text, outcome.fixed, outcome.findings = fix_text(source.text, rules(codes), aggressive)
        outcome.old_text, outcome.new_text = source.text, new_text
        set_columns(new_text, outcome.findings)
        if new_text != source.text:
            try:
                new_text.encode(source.encoding)
            except UnicodeEncodeError:  # cannot happen with ASCII renames, but never write a lossy file
                outcome.error = f"the rewrite cannot be encoded as {source.encoding}; file left unchanged"
                return outcome
            outcome.changed = save(source, new_text) if write else True
    except (SourceError, ParseFailure, FixBroke) as error:
        outcome.error = str(error)
    except RecursionError:
        outcome.error = "too deeply nested to analyze"
    except OSError as error:
        outcome.error = f"cannot write: {error.strerror or error}"
    return outcome


def set_columns(text: str, findings: list[Finding]) -> None:
    """1-based character columns from UTF-8 byte offsets (what editors show)."""
    lines = text.split("\n")
    for finding in findings:
        line = lines[finding.line - 1] if finding.line <= len(lines) else ""
        finding.column = len(line.encode("utf-8")[: finding.col].decode("utf-8", "ignore")) + 1
