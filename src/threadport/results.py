"""The one results model: the JSON that `threadport compare --json/--output` writes.

Written and read here only: compare writes it, matrix and html read it. Every
record is checked on load, field by field (types, known verdicts, complete
transcripts), so a bad file stops with one line naming the file and the field
instead of a traceback in some renderer, and nothing wrong passes silently.

A file is a JSON list of records::

    {"pair": str, "entry": str, "modern_entry": str,
     "legacy": TRANSCRIPT, "modern": TRANSCRIPT,
     "verdict": "equivalent" | "declared" | "mismatch",
     "differences": [{"field": str, "legacy": any, "modern": any, "declared": bool, "why": str}]}

and a TRANSCRIPT is runner.Transcript as JSON (see TRANSCRIPT_FIELDS).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable

from threadport import records
from threadport.errors import ThreadportError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (3-5 ms of every compare)
if TYPE_CHECKING:
    from pathlib import Path  # imported where a Path is made: compare writes without one

    from threadport.compare import Result

EQUIVALENT, DECLARED, MISMATCH = "equivalent", "declared", "mismatch"
VERDICTS = (EQUIVALENT, DECLARED, MISMATCH)  # best to worst
CLOCKS = ("virtual", "real")


class ResultsError(ThreadportError):
    """A results file that cannot be used; the message names the file, the record and the field."""


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_lines(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(line, str) for line in value)


def _is_exception(value: object) -> bool:
    return value is None or (
        isinstance(value, dict) and isinstance(value.get("type"), str) and isinstance(value.get("message"), str)
    )


# name -> (check, what the check wants, required). Optional fields came later; files
# written before them load with the runner's defaults.
TRANSCRIPT_FIELDS = {
    "python": (lambda v: isinstance(v, str) and v != "", "a version string", True),
    "stdout": (_is_lines, "a list of strings", True),
    "stderr": (_is_lines, "a list of strings", True),
    "exit": (lambda v: v is None or _is_int(v), "an integer or null", True),
    "exception": (_is_exception, 'null or {"type": str, "message": str}', True),
    "seconds": (_is_number, "a number", True),
    "timed_out": (lambda v: isinstance(v, bool), "true or false", True),
    "deadlock": (lambda v: isinstance(v, bool), "true or false", True),
    "virtual_seconds": (lambda v: v is None or _is_number(v), "a number or null", True),
    "clock": (lambda v: v in CLOCKS, f"one of {', '.join(CLOCKS)}", True),
    "ended": (lambda v: isinstance(v, str), "a string", False),
    "leftover": (_is_lines, "a list of strings", False),
}

DIFFERENCE_FIELDS = {
    "field": (lambda v: isinstance(v, str), "a string"),
    "legacy": (lambda v: True, "any value"),
    "modern": (lambda v: True, "any value"),
    "declared": (lambda v: isinstance(v, bool), "true or false"),
    "why": (lambda v: isinstance(v, str), "a string"),
}


class Record(records.Record, frozen=True):
    """One (pair, entry point) result, validated."""

    __slots__ = ("pair", "entry", "modern_entry", "legacy", "modern", "verdict", "differences", "source")

    def __init__(
        self,
        pair: str,
        entry: str,
        modern_entry: str,
        legacy: dict,
        modern: dict,
        verdict: str,
        differences: tuple[dict, ...],
        source: str,
    ) -> None:
        self.pair = pair
        self.entry = entry
        self.modern_entry = modern_entry
        self.legacy = legacy
        self.modern = modern
        self.verdict = verdict
        self.differences = differences
        self.source = source  # the file it came from, for messages

    @property
    def column(self) -> str:
        """The matrix column: the modern side's minor version, "3.12"."""
        return minor(self.modern["python"])

    def to_json(self) -> dict:
        return {
            "pair": self.pair,
            "entry": self.entry,
            "modern_entry": self.modern_entry,
            "legacy": self.legacy,
            "modern": self.modern,
            "verdict": self.verdict,
            "differences": list(self.differences),
        }


def minor(version: str) -> str:
    """ "3.12.4" -> "3.12"; a free-threaded "3.14.0t" -> "3.14t" (a column of its own)."""
    match = re.match(r"(\d+)\.(\d+)(?:\.\d+)?(t?)", str(version))
    return f"{match.group(1)}.{match.group(2)}{match.group(3)}" if match else str(version) or "?"


def _kind(value: object) -> str:
    return (
        "null"
        if value is None
        else {dict: "object", list: "list", str: "string", bool: "boolean"}.get(type(value), type(value).__name__)
    )


def _transcript(raw: object, where: str) -> dict:
    if not isinstance(raw, dict):
        raise ResultsError(f"{where}: expected a transcript object, got {_kind(raw)}")
    missing = [name for name, (_, _, required) in TRANSCRIPT_FIELDS.items() if required and name not in raw]
    if missing:
        raise ResultsError(f"{where}: transcript lacks {', '.join(missing)}")
    for name, (check, wanted, _) in TRANSCRIPT_FIELDS.items():
        if name in raw and not check(raw[name]):
            raise ResultsError(f"{where}.{name}: expected {wanted}, got {_kind(raw[name])}")
    return raw


def _differences(raw: object, where: str) -> tuple[dict, ...]:
    if not isinstance(raw, list):
        raise ResultsError(f"{where}: expected a list, got {_kind(raw)}")
    for index, difference in enumerate(raw):
        here = f"{where}[{index}]"
        if not isinstance(difference, dict):
            raise ResultsError(f"{here}: expected an object, got {_kind(difference)}")
        for name, (check, wanted) in DIFFERENCE_FIELDS.items():
            if name not in difference:
                raise ResultsError(f"{here}: missing {name}")
            if not check(difference[name]):
                raise ResultsError(f"{here}.{name}: expected {wanted}, got {_kind(difference[name])}")
    return tuple(raw)


def record(raw: object, source: Path | str, index: int) -> Record:
    """One record of a results file, checked field by field."""
    where = f"{source}: item {index}"
    if not isinstance(raw, dict):
        raise ResultsError(f"{where}: expected an object, got {_kind(raw)}")
    missing = [key for key in ("pair", "entry", "legacy", "modern", "verdict", "differences") if key not in raw]
    if missing:
        raise ResultsError(f"{where}: missing {', '.join(missing)} (is this `threadport compare --json` output?)")
    for key in ("pair", "entry", "modern_entry"):
        if key in raw and not (isinstance(raw[key], str) and raw[key]):
            raise ResultsError(f"{where}: {key}: expected a non-empty string, got {_kind(raw[key])}")
    verdict = raw["verdict"]
    if not isinstance(verdict, str):
        raise ResultsError(f"{where}: verdict: expected one of {', '.join(VERDICTS)}, got {_kind(verdict)}")
    if verdict not in VERDICTS:
        raise ResultsError(f"{where}: verdict: unknown verdict {verdict!r} (expected one of {', '.join(VERDICTS)})")
    return Record(
        pair=raw["pair"],
        entry=raw["entry"],
        modern_entry=raw.get("modern_entry", raw["entry"]),
        legacy=_transcript(raw["legacy"], f"{where}: legacy"),
        modern=_transcript(raw["modern"], f"{where}: modern"),
        verdict=verdict,
        differences=_differences(raw["differences"], f"{where}: differences"),
        source=str(source),
    )


def result_files(paths: Iterable[Path]) -> list[Path]:
    """Files as given, and every *.json in folders (tox commands do not expand globs)."""
    from pathlib import Path

    files: list[Path] = []
    for path in map(Path, paths):
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


def read_file(path: Path) -> list[Record]:
    """Every record of one results file, validated."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ResultsError(f"{path}: not JSON ({error.msg} at line {error.lineno})") from None
    except RecursionError:
        raise ResultsError(f"{path}: nested too deeply to be a results file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ResultsError(f"{path}: cannot read it ({error})") from None
    if not isinstance(document, list):
        raise ResultsError(f"{path}: expected a JSON list of results, got {_kind(document)}")
    return [record(raw, path, index) for index, raw in enumerate(document)]


def load_results(paths: Iterable[Path]) -> list[Record]:
    """Every record of every file; a later file's result for the same pair, entry and
    Python minor version replaces an earlier one (a re-run supersedes)."""
    # Keyed by the modern entry too: two modern twins may share one legacy entry point.
    merged: dict[tuple[str, str, str, str], Record] = {}
    for path in result_files(paths):
        for found in read_file(path):
            merged[(found.pair, found.entry, found.modern_entry, found.column)] = found
    return list(merged.values())


def to_document(results: Iterable[Result]) -> list[dict]:
    """Compare's results as the JSON document, checked against the same model that reads it."""
    document = [result.to_json() for result in results]
    for index, raw in enumerate(document):
        record(raw, "<compare output>", index)
    return document


def dumps(results: Iterable[Result]) -> str:
    return json.dumps(to_document(results), indent=1) + "\n"


def write_results(path: Path, results: Iterable[Result]) -> None:
    """Write the document whole or not at all (a reader never sees half a file)."""
    write_whole(path, dumps(results))


def write_whole(path: Path, text: str) -> None:
    """Write a result file whole: a temporary file renamed into place, so a reader never
    sees half a file. Its mode is what ``open()`` would have made (0666 less the umask),
    not the temporary file's private 0600, so others can read the results."""
    import tempfile  # here only: with random and weakref, 6 M instructions of compare's start

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, suffix=".tmp", delete=False) as out:
            out.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(out.name, 0o666 & ~umask)
        os.replace(out.name, path)
    except OSError as error:
        raise ResultsError(f"{path}: cannot write it ({error.strerror or error})") from None
