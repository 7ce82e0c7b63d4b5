"""Compare two transcripts as data: verdicts, declared differences, declared races.

Nothing is folded: no whitespace or case games, no rewriting of tracebacks or
thread names. The showcase pairs print the same text on both sides, so no pair
needs a normalization and none exists. A difference the modern twin makes on
purpose is declared in the catalogue with its exact values, and only those exact
values pass; a real tie in real time is declared as a race with its outcomes.
"""

from __future__ import annotations

from threadport.catalog import Entry, Pair, Race
from threadport.interpreters import Interpreter
from threadport.records import Record
from threadport.results import DECLARED, EQUIVALENT, MISMATCH
from threadport.runner import Transcript

FIELDS = ("stdout", "stderr", "exit", "exception", "timed_out", "leftover")
# A run that hangs (timeout, deadlock) or leaves a process behind is a failure, on
# one side or on both, unless the catalogue declares that field for the entry point:
# two halves that hang alike are not "equivalent".
FAILURES = {"timed_out": "timed out or deadlocked", "leftover": "left a process behind"}


class Difference(Record, frozen=True):
    __slots__ = ("field", "legacy", "modern", "declared", "why")

    def __init__(self, field: str, legacy: object, modern: object, declared: bool, why: str = "") -> None:
        self.field = field
        self.legacy = legacy
        self.modern = modern
        self.declared = declared
        self.why = why

    def to_json(self) -> dict:
        return {
            "field": self.field,
            "legacy": self.legacy,
            "modern": self.modern,
            "declared": self.declared,
            "why": self.why,
        }


class Result(Record):
    __slots__ = ("pair", "entry", "legacy", "modern", "verdict", "differences")

    def __init__(
        self,
        pair: str,
        entry: Entry,
        legacy: Transcript,
        modern: Transcript,
        verdict: str,
        differences: list[Difference] | None = None,
    ) -> None:
        self.pair = pair
        self.entry = entry
        self.legacy = legacy
        self.modern = modern
        self.verdict = verdict
        self.differences = [] if differences is None else differences

    def to_json(self) -> dict:
        return {
            "pair": self.pair,
            "entry": self.entry.legacy,
            "modern_entry": self.entry.modern,
            "legacy": self.legacy.to_json(),
            "modern": self.modern.to_json(),
            "verdict": self.verdict,
            "differences": [d.to_json() for d in self.differences],
        }


def settle_races(
    legacy: Transcript, modern: Transcript, races: tuple[Race, ...]
) -> tuple[Transcript, Transcript, list[Difference]]:
    """Real time only: where both sides printed one of a race's declared outcomes, the
    line counts as the same (a declared difference when the two differ); anything else
    on that line is left as it is and compared as usual."""
    settled = []
    for race in races:
        left, right = list(getattr(legacy, race.field)), list(getattr(modern, race.field))
        if len(left) <= race.line or len(right) <= race.line:
            continue
        seen = (left[race.line], right[race.line])
        if not all(value in race.outcomes for value in seen):
            continue
        if seen[0] != seen[1]:
            why = f"a declared race: {race.field} line {race.line} may be any of {list(race.outcomes)}"
            settled.append(Difference(f"{race.field}[{race.line}]", seen[0], seen[1], True, why))
        right[race.line] = left[race.line]
        modern = modern.replace(**{race.field: right})
    return legacy, modern, settled


def _as_declared(seen: object, expected: object, races: list[Race]) -> bool:
    """seen == expected, except that a race line may show any of the race's outcomes."""
    if not races or not isinstance(seen, list) or not isinstance(expected, list) or len(seen) != len(expected):
        return seen == expected
    free = {race.line: race.outcomes for race in races}
    return all(
        a == b or (number in free and a in free[number] and b in free[number])
        for number, (a, b) in enumerate(zip(seen, expected))
    )


def compare(
    pair: Pair | str, entry: Entry, legacy: Transcript, modern: Transcript, *, real_time: bool = False
) -> Result:
    """The verdict for one entry point: equivalent, declared (exactly as declared) or mismatch."""
    seen_legacy, seen_modern = legacy, modern
    differences: list[Difference] = []
    declared = {d.field: d for d in entry.declared}
    # A race on a field with a declared difference is judged inside the declaration
    # (each side against its declared value, the race line within its outcomes).
    races = entry.races if real_time else ()
    if races:
        undeclared = tuple(r for r in races if r.field not in declared)
        seen_legacy, seen_modern, differences = settle_races(seen_legacy, seen_modern, undeclared)
    for name in FIELDS:
        left, right = getattr(seen_legacy, name), getattr(seen_modern, name)
        expected = declared.get(name)
        if expected is not None:
            field_races = [r for r in races if r.field == name]
            exact = _as_declared(left, expected.legacy, field_races) and _as_declared(
                right, expected.modern, field_races
            )
            why = expected.why if exact else f"declared as {expected.legacy!r} -> {expected.modern!r}"
            differences.append(Difference(name, left, right, exact, why))
        elif left != right:
            differences.append(Difference(name, left, right, False))
        elif left and name in FAILURES:
            why = f"both sides {FAILURES[name]}: a failure unless the catalogue declares it"
            differences.append(Difference(name, left, right, False, why))
    if any(not d.declared for d in differences):
        verdict = MISMATCH
    else:
        verdict = DECLARED if differences else EQUIVALENT
    stem = pair if isinstance(pair, str) else pair.stem
    return Result(stem, entry, legacy, modern, verdict, differences)


def run_and_compare(
    pairs: list[Pair],
    legacy_python: Interpreter,
    modern_python: Interpreter,
    *,
    real_time: bool = False,
    timeout: float | None = None,
    jobs: int | None = None,
) -> list[Result]:
    """Run every entry point of ``pairs`` on both sides, in parallel processes, in catalogue order."""
    from threadport.runs import run_jobs, side_job

    work = [(pair, entry) for pair in pairs for entry in pair.entries]
    planned = []
    for pair, entry in work:
        for python, legacy in ((legacy_python, True), (modern_python, False)):
            planned.append(side_job(pair, entry, python, legacy=legacy, timeout=timeout, real_time=real_time))
    transcripts = run_jobs(planned, workers=jobs)
    return [
        compare(pair, entry, transcripts[2 * i], transcripts[2 * i + 1], real_time=real_time)
        for i, (pair, entry) in enumerate(work)
    ]
