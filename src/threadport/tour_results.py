"""The tour's other result files: the 2to3 timeline, the seed's claims, the ledger.

`threadport timeline --output`, `threadport claims --output` and `threadport
ledger --output` write them (tox puts them in ``.tox/results/tour/``, beside the
compare results, which live one folder up); `threadport html --timeline/--claims/--ledger`
reads them here. Each file is checked on load, so a wrong or truncated file stops the
build with one line naming the file and what is wrong, never a traceback in a template.

Compare results have their own model (threadport.results); the ledger has its own
reader (threadport.ledger.read), used as is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from threadport.results import ResultsError, write_whole

TIMELINE_STATUSES = ("ok", "warns", "differs", "fails")


def _read(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ResultsError(f"{path}: not JSON ({error.msg} at line {error.lineno})") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ResultsError(f"{path}: cannot read it ({getattr(error, 'strerror', None) or error})") from None


def _need(condition: bool, path: Path, what: str) -> None:
    if not condition:
        raise ResultsError(f"{path}: {what}")


@dataclass(frozen=True)
class TimelineCell:
    python: str
    status: str
    detail: str


@dataclass(frozen=True)
class TimelineRow:
    pair: str
    entry: str
    cells: tuple[TimelineCell, ...]


@dataclass(frozen=True)
class Timeline:
    converter: str
    pythons: tuple[str, ...]
    rows: tuple[TimelineRow, ...]

    def for_pair(self, stem: str) -> list[TimelineRow]:
        return [row for row in self.rows if row.pair == stem]


def read_timeline(path: Path) -> Timeline:
    """A `threadport timeline --output` file."""
    doc = _read(path)
    _need(isinstance(doc, dict) and isinstance(doc.get("rows"), list), path, "not a timeline (no rows list)")
    _need(isinstance(doc.get("pythons"), list), path, "not a timeline (no pythons list)")
    rows = []
    for index, raw in enumerate(doc["rows"]):
        where = f"row {index}"
        _need(isinstance(raw, dict), path, f"{where}: expected an object")
        _need(isinstance(raw.get("pair"), str) and isinstance(raw.get("entry"), str), path, f"{where}: no pair/entry")
        _need(isinstance(raw.get("cells"), list), path, f"{where}: no cells list")
        cells = []
        for k, cell in enumerate(raw["cells"]):
            ok = (
                isinstance(cell, dict)
                and cell.get("status") in TIMELINE_STATUSES
                and isinstance(cell.get("python"), str)
            )
            _need(ok, path, f"{where}: cell {k}: expected python and a status of {', '.join(TIMELINE_STATUSES)}")
            cells.append(TimelineCell(cell["python"], cell["status"], str(cell.get("detail", ""))))
        rows.append(TimelineRow(raw["pair"], raw["entry"], tuple(cells)))
    return Timeline(str(doc.get("converter", "2to3")), tuple(map(str, doc["pythons"])), tuple(rows))


@dataclass(frozen=True)
class ClaimCheck:
    python: str
    passed: bool
    reason: str


@dataclass(frozen=True)
class ClaimResult:
    quote: str
    pair: str
    entry: str
    expect: tuple[str, ...]
    passed: bool
    checks: tuple[ClaimCheck, ...] = field(default=())


def read_claims(path: Path) -> list[ClaimResult]:
    """A `threadport claims --output` file."""
    doc = _read(path)
    _need(isinstance(doc, list), path, "not a claims file (expected a JSON list)")
    out = []
    for index, raw in enumerate(doc):
        where = f"claim {index}"
        _need(isinstance(raw, dict), path, f"{where}: expected an object")
        for key in ("quote", "pair", "entry"):
            _need(isinstance(raw.get(key), str), path, f"{where}: {key} must be a string")
        _need(isinstance(raw.get("passed"), bool), path, f"{where}: passed must be true or false")
        _need(isinstance(raw.get("checks"), list), path, f"{where}: checks must be a list")
        checks = []
        for k, check in enumerate(raw["checks"]):
            ok = (
                isinstance(check, dict)
                and isinstance(check.get("python"), str)
                and isinstance(check.get("passed"), bool)
            )
            _need(ok, path, f"{where}: check {k}: expected python and passed")
            checks.append(ClaimCheck(check["python"], check["passed"], str(check.get("reason", ""))))
        out.append(
            ClaimResult(
                raw["quote"],
                raw["pair"],
                raw["entry"],
                tuple(map(str, raw.get("expect", []))),
                raw["passed"],
                tuple(checks),
            )
        )
    return out


def write_json(path: Path, document: object) -> None:
    """Write a result file whole (results.write_whole)."""
    write_whole(path, json.dumps(document, indent=1) + "\n")
