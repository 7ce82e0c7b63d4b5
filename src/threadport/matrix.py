"""Results of `threadport compare --json`, merged, as a pair x interpreter matrix.

Each tox env writes one JSON file (a list of per-entry results, see
threadport.results, which reads them); this module answers: for every pair and
every modern Python minor version, what is the worst verdict over the pair's
entry points, and how many entries had each verdict. No rich here: the
terminal and HTML renderers import this, not the other way round.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The results model lives in threadport.results; these names stay importable from here.
from threadport.results import (  # noqa: F401
    DECLARED,
    EQUIVALENT,
    MISMATCH,
    VERDICTS,
    Record,
    ResultsError,
    load_results,
    minor,
    result_files,
)

_RANK = {verdict: rank for rank, verdict in enumerate(VERDICTS)}
SHORT = {EQUIVALENT: "equiv", DECLARED: "decl", MISMATCH: "MISMATCH"}  # for narrow terminals


def _version_key(column: str) -> tuple:
    """ "3.9" < "3.14" < "3.14t" (the free-threaded build right after its GIL twin)."""
    numbers = tuple(int(part) if part.isdigit() else 0 for part in column.rstrip("t").split("."))
    return (*numbers, column.endswith("t"))


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


def heading(matrix: Matrix) -> str:
    """The line above the table (a table title would wrap to the table's width)."""
    legacy = sorted({v for versions in matrix.legacy_versions.values() for v in versions}) or ["2.7"]
    return f"Pairs by interpreter: legacy on Python {', '.join(legacy)}, modern on the Python 3 of each column"


def table(matrix: Matrix, width: int = 80):
    """The matrix as a rich Table (rich is imported here: only `threadport matrix` pays for it)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    styles = {EQUIVALENT: "green", DECLARED: "yellow", MISMATCH: "bold red"}
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column("pair", style="bold", no_wrap=True, min_width=max(map(len, matrix.rows), default=4))
    for column in matrix.columns:
        table.add_column(column, no_wrap=True)  # a cell is one line: "declared 1, equivalent 1"
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


LEGEND = (
    "equivalent: both halves printed the same; declared: they differ exactly as the catalogue declares "
    "(the twin behaves better on purpose); mismatch: any other difference. The numbers count entry points; "
    "equiv / decl are the short forms used when the table is narrow."
)
