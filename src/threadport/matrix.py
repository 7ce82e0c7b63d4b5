"""Results of `threadport compare --json`, merged, as a pair x interpreter matrix.

Each tox env writes one JSON file (a list of per-entry results); this module
reads any number of them, or folders of them, and answers: for every pair and
every modern Python minor version, what is the worst verdict over the pair's
entry points, and how many entries had each verdict. No rich here: the
terminal and HTML renderers import this, not the other way round.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

EQUIVALENT, DECLARED, MISMATCH = "equivalent", "declared", "mismatch"
VERDICTS = (EQUIVALENT, DECLARED, MISMATCH)  # best to worst
_RANK = {verdict: rank for rank, verdict in enumerate(VERDICTS)}
SHORT = {EQUIVALENT: "equiv", DECLARED: "decl", MISMATCH: "MISMATCH"}  # for narrow terminals


class ResultsError(Exception):
    """A results file that cannot be used; the message names the file and the reason."""


@dataclass(frozen=True)
class Record:
    """One (pair, entry point) result, as `threadport compare --json` wrote it."""

    pair: str
    entry: str
    modern_entry: str
    legacy: dict
    modern: dict
    verdict: str
    differences: tuple[dict, ...]
    source: str  # the file it came from, for messages

    @property
    def column(self) -> str:
        """The matrix column: the modern side's minor version, "3.12"."""
        return minor(self.modern.get("python", ""))


def minor(version: str) -> str:
    match = re.match(r"(\d+)\.(\d+)", str(version))
    return f"{match.group(1)}.{match.group(2)}" if match else str(version) or "?"


def _version_key(column: str) -> tuple:
    return tuple(int(part) if part.isdigit() else 0 for part in column.split("."))


def result_files(paths: list[Path]) -> list[Path]:
    """Files as given, and every *.json in folders (tox commands do not expand globs)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(path.glob("*.json"))
            if not found:
                raise ResultsError(
                    f"{path}: no *.json files in this folder (run `threadport compare --output {path}/NAME.json` first)"
                )
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise ResultsError(f"{path}: no such file or folder")
    return files


def _record(raw: object, source: Path, index: int) -> Record:
    where = f"{source}: item {index}"
    if not isinstance(raw, dict):
        raise ResultsError(f"{where}: expected an object, got {type(raw).__name__}")
    missing = [key for key in ("pair", "entry", "legacy", "modern", "verdict") if key not in raw]
    if missing:
        raise ResultsError(f"{where}: missing {', '.join(missing)} (is this `threadport compare --json` output?)")
    if raw["verdict"] not in _RANK:
        raise ResultsError(f"{where}: unknown verdict {raw['verdict']!r} (expected one of {', '.join(VERDICTS)})")
    for side in ("legacy", "modern"):
        if not isinstance(raw[side], dict) or "python" not in raw[side]:
            raise ResultsError(f"{where}: the {side} transcript has no python version")
    return Record(
        pair=str(raw["pair"]),
        entry=str(raw["entry"]),
        modern_entry=str(raw.get("modern_entry", raw["entry"])),
        legacy=raw["legacy"],
        modern=raw["modern"],
        verdict=raw["verdict"],
        differences=tuple(raw.get("differences") or ()),
        source=str(source),
    )


def load_results(paths: list[Path]) -> list[Record]:
    """Every record of every file; a later file's result for the same pair, entry and
    Python minor version replaces an earlier one (a re-run supersedes)."""
    # Keyed by the modern entry too: two modern twins may share one legacy entry point.
    merged: dict[tuple[str, str, str, str], Record] = {}
    for path in result_files(paths):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise ResultsError(f"{path}: not JSON ({error.msg} at line {error.lineno})") from None
        except (OSError, UnicodeDecodeError) as error:
            raise ResultsError(f"{path}: cannot read it ({error})") from None
        if not isinstance(document, list):
            raise ResultsError(f"{path}: expected a JSON list of results, got {type(document).__name__}")
        for index, raw in enumerate(document):
            record = _record(raw, path, index)
            merged[(record.pair, record.entry, record.modern_entry, record.column)] = record
    return list(merged.values())


@dataclass
class Cell:
    """One pair on one interpreter: verdict counts over its entry points."""

    counts: dict[str, int] = field(default_factory=dict)
    records: list[Record] = field(default_factory=list)
    expected: int | None = None  # entry points the catalogue lists, when known

    @property
    def verdict(self) -> str | None:
        present = [v for v in VERDICTS if self.counts.get(v)]
        return present[-1] if present else None

    @property
    def missing(self) -> int:
        return max(0, (self.expected or 0) - len(self.records))

    def summary(self, short: bool = False) -> str:
        """Counts, worst first ("mismatch 1, equivalent 3"), plus entries that never ran."""
        name = SHORT if short else {v: v for v in VERDICTS}
        parts = [f"{name[v]} {self.counts[v]}" for v in reversed(VERDICTS) if self.counts.get(v)]
        if self.missing:
            parts.append(f"{self.missing} not run")
        return ", ".join(parts) if parts else "not run"


@dataclass
class Matrix:
    columns: list[str]  # modern minor versions, oldest first
    rows: list[str]  # pair stems: the catalogue's order, then any the catalogue lacks
    cells: dict[tuple[str, str], Cell]
    legacy_versions: dict[str, list[str]]  # column -> legacy interpreter versions seen
    modern_versions: dict[str, list[str]]  # column -> full modern versions seen
    unknown_pairs: list[str]  # in the results but not in the catalogue

    def cell(self, pair: str, column: str) -> Cell:
        return self.cells.get((pair, column)) or Cell(expected=self._expected.get(pair))

    def header(self, column: str) -> str:
        legacy = "/".join(minor(v) for v in self.legacy_versions.get(column, [])) or "2.7"
        return f"{legacy} -> {column}"

    @property
    def gaps(self) -> list[tuple[str, str]]:
        """(pair, column) cells with an entry point that has no result."""
        return [
            (p, c) for p in self.rows for c in self.columns if self.cell(p, c).missing or not self.cell(p, c).records
        ]

    @property
    def mismatches(self) -> list[tuple[str, str]]:
        return [(p, c) for p in self.rows for c in self.columns if self.cell(p, c).verdict == MISMATCH]

    _expected: dict[str, int] = field(default_factory=dict, repr=False)


def build_matrix(records: list[Record], catalog: tuple = ()) -> Matrix:
    """The matrix over the catalogue's pairs (every one, even without results)."""
    expected = {pair.stem: len(pair.entries) for pair in catalog}
    columns = sorted({r.column for r in records}, key=_version_key)
    rows = [pair.stem for pair in catalog]
    unknown = sorted({r.pair for r in records} - set(rows))
    cells: dict[tuple[str, str], Cell] = {}
    legacy_versions: dict[str, set[str]] = {}
    modern_versions: dict[str, set[str]] = {}
    for record in records:
        cell = cells.setdefault((record.pair, record.column), Cell(expected=expected.get(record.pair)))
        cell.records.append(record)
        cell.counts[record.verdict] = cell.counts.get(record.verdict, 0) + 1
        legacy_versions.setdefault(record.column, set()).add(str(record.legacy.get("python")))
        modern_versions.setdefault(record.column, set()).add(str(record.modern.get("python")))
    return Matrix(
        columns=columns,
        rows=rows + unknown,
        cells=cells,
        legacy_versions={c: sorted(v) for c, v in legacy_versions.items()},
        modern_versions={c: sorted(v) for c, v in modern_versions.items()},
        unknown_pairs=unknown,
        _expected=expected,
    )


def table(matrix: Matrix, width: int = 80):
    """The matrix as a rich Table (rich is imported here: only `threadport matrix` pays for it)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    styles = {EQUIVALENT: "green", DECLARED: "yellow", MISMATCH: "bold red"}
    legacy = sorted({v for versions in matrix.legacy_versions.values() for v in versions}) or ["2.7"]
    title = f"Pairs by interpreter: legacy on Python {', '.join(legacy)}, modern on the Python 3 of each column"
    table = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left")
    table.add_column("pair", style="bold", no_wrap=True, min_width=max(map(len, matrix.rows), default=4))
    for column in matrix.columns:
        table.add_column(column)
    # Full words when they fit, else the short forms (equiv / decl / MISMATCH).
    longest = max((len(matrix.cell(p, c).summary()) for p in matrix.rows for c in matrix.columns), default=0)
    short = max(map(len, matrix.rows), default=4) + len(matrix.columns) * (longest + 3) > width
    for pair in matrix.rows:
        cells = []
        for column in matrix.columns:
            cell = matrix.cell(pair, column)
            cells.append(Text(cell.summary(short), style=styles.get(cell.verdict, "dim")))
        label = pair + ("  (not in the catalogue)" if pair in matrix.unknown_pairs else "")
        table.add_row(label, *cells)
    return table
