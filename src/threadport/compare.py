"""Compare two transcripts as data: verdicts, named normalizations, declared differences.

Nothing is folded by default: no whitespace or case games. A difference the
two languages make legitimately gets a named normalization here, with its own
test, and a catalogue entry opts into it by name. A difference the modern twin
makes on purpose is declared in the catalogue with its exact values, and only
those exact values pass.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from typing import Callable

from threadport.catalog import CatalogError, Entry, Pair
from threadport.runner import Transcript

FIELDS = ("stdout", "stderr", "exit", "exception", "timed_out")
EQUIVALENT, DECLARED, MISMATCH = "equivalent", "declared", "mismatch"
VERDICT_ORDER = {EQUIVALENT: 0, DECLARED: 1, MISMATCH: 2}


@dataclass(frozen=True)
class Normalization:
    name: str
    why: str
    apply: Callable[[Transcript], Transcript]


NORMALIZATIONS: dict[str, Normalization] = {}


def _normalization(name: str, why: str):
    def register(function: Callable[[Transcript], Transcript]):
        NORMALIZATIONS[name] = Normalization(name, why, function)
        return function

    return register


_TRACEBACK_START = "Traceback (most recent call last):"


@_normalization(
    "traceback-tail",
    "Python 2 and 3 lay tracebacks out differently (caret lines, chained-exception "
    "banners, frame text); the story is told by the final 'Type: message' line, so each "
    "traceback in stderr is reduced to that line.",
)
def traceback_tail(transcript: Transcript) -> Transcript:
    kept: list[str] = []
    inside = False
    for line in transcript.stderr:
        if line == _TRACEBACK_START:
            inside = True
            continue
        if inside and (line.startswith(" ") or line.startswith("\t")):
            continue
        inside = False
        kept.append(line)
    return replace(transcript, stderr=kept)


_THREAD_TARGET_SUFFIX = re.compile(r"\b(Thread-\d+) \(\w+\)")


@_normalization(
    "thread-target-suffix",
    "From Python 3.10 a thread's default name carries its target: 'Thread-1 (worker)' "
    "where Python 2 and 3.9 say 'Thread-1' (bpo-41833); the suffix is dropped.",
)
def thread_target_suffix(transcript: Transcript) -> Transcript:
    def strip(lines: list[str]) -> list[str]:
        return [_THREAD_TARGET_SUFFIX.sub(r"\1", line) for line in lines]

    return replace(transcript, stdout=strip(transcript.stdout), stderr=strip(transcript.stderr))


def normalize(transcript: Transcript, names: tuple[str, ...]) -> Transcript:
    for name in names:
        if name not in NORMALIZATIONS:
            raise CatalogError(f"unknown normalization {name!r} (known: {', '.join(NORMALIZATIONS)})")
        transcript = NORMALIZATIONS[name].apply(transcript)
    return transcript


@dataclass(frozen=True)
class Difference:
    field: str
    legacy: object
    modern: object
    declared: bool
    why: str = ""

    def to_json(self) -> dict:
        return {
            "field": self.field,
            "legacy": self.legacy,
            "modern": self.modern,
            "declared": self.declared,
            "why": self.why,
        }


@dataclass
class Result:
    pair: str
    entry: Entry
    legacy: Transcript
    modern: Transcript
    verdict: str
    differences: list[Difference] = field(default_factory=list)

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


def compare(pair: Pair | str, entry: Entry, legacy: Transcript, modern: Transcript) -> Result:
    """The verdict for one entry point: equivalent, declared (exactly as declared) or mismatch."""
    seen_legacy = normalize(legacy, entry.normalize)
    seen_modern = normalize(modern, entry.normalize)
    declared = {d.field: d for d in entry.declared}
    differences = []
    for name in FIELDS:
        left, right = getattr(seen_legacy, name), getattr(seen_modern, name)
        expected = declared.get(name)
        if expected is not None:
            exact = left == expected.legacy and right == expected.modern
            why = expected.why if exact else f"declared as {expected.legacy!r} -> {expected.modern!r}"
            differences.append(Difference(name, left, right, exact, why))
        elif left != right:
            differences.append(Difference(name, left, right, False))
    if any(not d.declared for d in differences):
        verdict = MISMATCH
    else:
        verdict = DECLARED if differences else EQUIVALENT
    stem = pair if isinstance(pair, str) else pair.stem
    return Result(stem, entry, legacy, modern, verdict, differences)


def run_and_compare(
    pairs: list[Pair],
    legacy_python: str,
    modern_python: str,
    *,
    real_time: bool = False,
    timeout: float | None = None,
    jobs: int | None = None,
) -> list[Result]:
    """Run every entry point of ``pairs`` on both sides, in parallel processes, in catalogue order."""
    from concurrent.futures import ThreadPoolExecutor

    from threadport.runner import DEFAULT_TIMEOUT, run_entry

    def side(python: str, pair: Pair, entry: Entry, legacy: bool) -> Transcript:
        return run_entry(
            python,
            pair.legacy_path if legacy else pair.modern_path,
            entry.legacy if legacy else entry.modern,
            entry.args,
            real_time=real_time,
            timeout=timeout or entry.timeout or DEFAULT_TIMEOUT,
        )

    work = [(pair, entry) for pair in pairs for entry in pair.entries]
    with ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 2) as pool:
        futures = [
            (
                pair,
                entry,
                pool.submit(side, legacy_python, pair, entry, True),
                pool.submit(side, modern_python, pair, entry, False),
            )
            for pair, entry in work
        ]
        return [compare(pair, entry, lf.result(), mf.result()) for pair, entry, lf, mf in futures]
