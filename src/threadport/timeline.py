"""The breakage timeline: what each legacy entry point does after 2to3, on every Python 3.

Real projects ported with 2to3 and moved on. 2to3 (here fissix, the maintained
fork of lib2to3, with its default fixer set) fixed the syntax and the renamed
modules but left the threading aliases alone, so the converted code kept
running until the Python 3 release that removed one: the seed's ``isAlive()``
warns on 3.7 (PendingDeprecationWarning, from 3.7.3) and 3.8 (DeprecationWarning)
and is an AttributeError from 3.9 on.

Each legacy file is converted into a temporary folder (legacy/ is only read),
each entry point runs on every Python 3 given, and each cell of the table says
what happened, checked against the original on Python 2.7 when one is found.
"""

from __future__ import annotations

import functools
import re
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from threadport.catalog import Entry, Pair
from threadport.interpreters import Interpreter
from threadport.runner import Transcript
from threadport.runs import Job, run_jobs, side_job

# Statuses, from best to worst; a cell shows the worst that applies.
OK, WARNS, DIFFERS, FAILS = "ok", "warns", "differs", "fails"

# The converted code runs with these shown once per place, as `python -W default` would:
# a DeprecationWarning is what a project sees one release before the removal.
WARNING_FILTERS = ("default::DeprecationWarning", "default::PendingDeprecationWarning")


@functools.lru_cache(maxsize=1)
def _tool():
    """fissix with its default fixers, built once (~0.2 s of pattern compiling): a timeline
    converts a file per pair, and the test suite converts some twenty texts. migrate and the
    tests' plain pipeline reuse theirs the same way."""
    from fissix.refactor import RefactoringTool, get_fixers_from_package

    return RefactoringTool(get_fixers_from_package("fissix.fixes"))


_tool_lock = threading.Lock()  # refactor_string switches the tool's grammar while it parses


def convert(source: str, name: str = "<source>") -> str:
    """Python 2 source -> what 2to3 makes of it (fissix, default fixers; explicit ones stay off)."""
    if not source.endswith("\n"):
        source += "\n"  # lib2to3's parser needs the final newline
    with _tool_lock:
        return str(_tool().refactor_string(source, name))


def convert_file(legacy: Path, folder: Path) -> Path:
    """Write the converted ``legacy`` file to ``folder`` under the same name; return its path."""
    # Read as UTF-8 whatever the file declares: the seed has curly quotes and no
    # coding cookie, which Python 3 (PEP 3120) reads the same way.
    text = legacy.read_bytes().decode("utf-8")
    target = folder / legacy.name
    target.write_text(convert(text, str(legacy)), encoding="utf-8")
    return target


@dataclass(frozen=True)
class Cell:
    """What one converted entry point did on one interpreter."""

    python: str
    status: str  # ok, warns, differs, fails
    detail: str = ""  # the exception, the warning, or the first differing line

    def to_json(self) -> dict:
        return {"python": self.python, "status": self.status, "detail": self.detail}


@dataclass
class Row:
    pair: str
    entry: str
    args: tuple
    baseline: Transcript | None = None  # the original on Python 2.7
    cells: list[Cell] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.pair}::{self.entry}"

    def cell(self, version: str) -> Cell | None:
        return next((c for c in self.cells if c.python == version), None)

    def to_json(self) -> dict:
        return {
            "pair": self.pair,
            "entry": self.entry,
            "args": list(self.args),
            "python2": self.baseline.python if self.baseline else None,
            "cells": [c.to_json() for c in self.cells],
        }


def _warning_lines(transcript: Transcript, converted: Path) -> list[str]:
    """The warnings the converted source itself triggered (not the runner's or the clock's)."""
    pattern = re.compile(r"^(?P<path>.+?):\d+: (?P<category>\w*Warning): (?P<message>.*)$")
    found = []
    for line in transcript.stderr:
        match = pattern.match(line)
        if match and Path(match["path"]).name == converted.name:
            found.append(f"{match['category']}: {match['message']}")
    return list(dict.fromkeys(found))


def classify(transcript: Transcript, converted: Path, baseline: Transcript | None) -> Cell:
    """Turn one run of converted code into a cell: fails > differs > warns > ok."""
    if transcript.timed_out:
        reason = "deadlock" if transcript.deadlock else "timed out"
        return Cell(transcript.python, FAILS, reason)
    if transcript.exception:
        error = transcript.exception
        return Cell(transcript.python, FAILS, f"{error['type']}: {error['message']}")
    if transcript.leftover:
        return Cell(transcript.python, FAILS, f"left a process behind: {transcript.leftover[0]}")
    if transcript.exit != 0:
        last = transcript.stderr[-1] if transcript.stderr else "nothing on stderr"
        return Cell(transcript.python, FAILS, f"exit status {transcript.exit}: {last}")
    if baseline is not None and transcript.stdout != baseline.stdout:
        return Cell(transcript.python, DIFFERS, _first_difference(baseline.stdout, transcript.stdout))
    warnings = _warning_lines(transcript, converted)
    if warnings:
        return Cell(transcript.python, WARNS, "; ".join(warnings))
    return Cell(transcript.python, OK)


def _first_difference(expected: list[str], seen: list[str]) -> str:
    for number, (left, right) in enumerate(zip(expected, seen), 1):
        if left != right:
            return f"stdout line {number}: {right!r}, Python 2.7 printed {left!r}"
    return f"stdout has {len(seen)} lines, Python 2.7 printed {len(expected)}"


def _entries(pair: Pair) -> list[Entry]:
    """Each legacy entry point once (two modern twins may share one legacy entry)."""
    seen: dict[tuple, Entry] = {}
    for entry in pair.entries:
        seen.setdefault((entry.legacy, entry.args), entry)
    return list(seen.values())


def build(
    pairs: list[Pair],
    pythons: list[Interpreter],
    legacy: Interpreter | None = None,
    *,
    jobs: int | None = None,
) -> list[Row]:
    """Convert every pair's legacy file and run each entry point on each of ``pythons``."""
    with tempfile.TemporaryDirectory(prefix="threadport-2to3-") as scratch:
        folder = Path(scratch)
        converted = {pair.stem: convert_file(pair.legacy_path, folder) for pair in pairs}
        rows = [Row(pair.stem, e.legacy, e.args) for pair in pairs for e in _entries(pair)]
        entries = {(p.stem, e.legacy, e.args): (p, e) for p in pairs for e in _entries(p)}

        def job(row: Row, python: Interpreter, converted_file: Path | None = None) -> Job:
            pair, entry = entries[row.pair, row.entry, row.args]
            if converted_file is None:  # the original, on Python 2.7
                return side_job(pair, entry, python, legacy=True)
            return side_job(pair, entry, python, legacy=True, source=converted_file, warnings=WARNING_FILTERS)

        planned = [job(row, python, converted[row.pair]) for row in rows for python in pythons]
        if legacy is not None:
            planned += [job(row, legacy) for row in rows]
        transcripts = iter(run_jobs(planned, workers=jobs))
        runs = {(id(row), python.version_string): next(transcripts) for row in rows for python in pythons}
        for row in rows:
            row.baseline = next(transcripts) if legacy is not None else None
            for python in pythons:
                row.cells.append(classify(runs[id(row), python.version_string], converted[row.pair], row.baseline))
    return rows


def render(rows: list[Row], pythons: list[Interpreter]) -> str:
    """The table: one row per entry point, one column per interpreter, then what each note says."""
    versions = [p.version_string for p in pythons]
    notes: dict[str, int] = {}
    table = [["entry point"] + [".".join(v.split(".")[:2]) for v in versions]]
    for row in rows:
        texts = [row.label]
        for version in versions:
            cell = row.cell(version)
            text = cell.status if cell else "-"
            if cell and cell.detail:
                text += f" [{notes.setdefault(cell.detail, len(notes) + 1)}]"
            texts.append(text)
        table.append(texts)
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    lines = ["  ".join(f"{text:<{w}}" for text, w in zip(line, widths)).rstrip() for line in table]
    if notes:
        lines.append("")
        lines.extend(f"[{number}] {detail}" for detail, number in notes.items())
    return "\n".join(lines)
