"""One file through check or fix: read, prefilter, analyze or rewrite, never lose data."""

from __future__ import annotations

import functools
import multiprocessing
import os
import re
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from threadport.fixer import CODES, TRIGGERS, rules
from threadport.fixer.engine import Finding, FixBroke, analyze, fix_text
from threadport.fixer.parsing import ParseFailure
from threadport.fixer.source import ChangedMeanwhile, SourceError, read_source, save


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
        self.checks = [(TRIGGERS[code][0], [re.compile(p) for p in TRIGGERS[code][1]]) for code in codes]

    def search(self, data: bytes) -> bool:
        return any(
            literal in data and any(pattern.search(data) for pattern in patterns) for literal, patterns in self.checks
        )


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
        for finding in outcome.findings:
            finding.fixes = []  # edits are closures: `check` does not need them, and they do not pickle
    except (SourceError, ParseFailure) as error:
        outcome.error = str(error)
    except Exception as error:  # noqa: BLE001 - one file's failure is one line, and the run goes on
        outcome.error = unexpected(error)
    return outcome


def check_files(inputs: list[tuple[Path, bool]], codes: tuple[str, ...]) -> list[Outcome]:
    """check_file over many files, on every core when there are enough files to pay for it."""
    pattern = prefilter(codes)
    workers = min(os.cpu_count() or 1, 8)
    if len(inputs) < 200 or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [check_file(path, explicit, codes, pattern) for path, explicit in inputs]
    one = functools.partial(_check_pair, codes=codes, pattern=pattern)
    context = multiprocessing.get_context("fork")  # no re-import: workers start in milliseconds
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(one, inputs, chunksize=max(1, len(inputs) // (workers * 8))))


def _check_pair(item: tuple[Path, bool], codes: tuple[str, ...], pattern: Prefilter) -> Outcome:
    return check_file(item[0], item[1], codes, pattern)


# How often `fix` starts again on a file that another program rewrote while it was
# being fixed (each time on the new content) before it reports it.
ATTEMPTS = 3


def fix_file(
    path: Path,
    explicit: bool,
    codes: tuple[str, ...],
    pattern: Prefilter,
    *,
    aggressive: bool = False,
    write: bool = True,
) -> Outcome:
    for _ in range(ATTEMPTS - 1):
        try:
            return _fix_once(path, explicit, codes, pattern, aggressive, write)
        except ChangedMeanwhile:
            continue  # compare and swap failed: nothing was written; fix what is there now
    try:
        return _fix_once(path, explicit, codes, pattern, aggressive, write)
    except ChangedMeanwhile as error:
        return Outcome(path, error=f"{error} ({ATTEMPTS} attempts; run fix again)")


def _fix_once(
    path: Path, explicit: bool, codes: tuple[str, ...], pattern: Prefilter, aggressive: bool, write: bool
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
    except ChangedMeanwhile:
        raise
    except (SourceError, ParseFailure, FixBroke) as error:
        outcome.error = str(error)
    except OSError as error:
        outcome.error = f"cannot write: {error.strerror or error}"
    except Exception as error:  # noqa: BLE001 - one file's failure is one line, and the run goes on
        outcome.error = unexpected(error)
    return outcome


def unexpected(error: Exception) -> str:
    """The line for a failure no check foresaw: what it was, and that it is ours to fix."""
    if isinstance(error, MemoryError):
        return f"out of memory while analyzing it ({error or 'MemoryError'})"
    if isinstance(error, RecursionError):
        return "too deeply nested to analyze (Python's recursion limit)"
    return f"internal error ({type(error).__name__}: {error}); file left unchanged, please report it"


def set_columns(text: str, findings: list[Finding]) -> None:
    """1-based character columns from UTF-8 byte offsets (what editors show)."""
    lines = text.split("\n")
    for finding in findings:
        line = lines[finding.line - 1] if finding.line <= len(lines) else ""
        finding.column = len(line.encode("utf-8")[: finding.col].decode("utf-8", "ignore")) + 1
