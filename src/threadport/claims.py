"""The seed's claims, each beside the pair that demonstrates it, checked by running it.

The seed's comments make claims about threads (daemon threads and exit, which
operations are atomic, read-modify-write, destructors). Each one lives in the
catalogue as a ``[[pair.claim]]``: the seed's own words, the entry point that
shows it, and the stdout lines that show it. A claim passes on an interpreter
when the entry point ran cleanly there (exit status 0, no exception, nothing on
stderr: a thread that dies with a traceback prints it there and exits 0), printed
those lines in order, and printed none of its ``absent`` lines on either stream.
A quote that is not in the seed's comments fails the claim whatever the runs show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from threadport.catalog import Claim, Entry, Pair, get_pair
from threadport.interpreters import Interpreter
from threadport.runner import Transcript
from threadport.runs import run_jobs, side_job

SEED_STEM = "threading_notes"


def fold(text: str) -> str:
    """Runs of whitespace -> one space, so a quote may wrap differently than the seed."""
    return " ".join(text.split())


@lru_cache(maxsize=1)
def seed_comments() -> str:
    """The seed's comment text, without the ``#`` markers, whitespace folded."""
    source = get_pair(SEED_STEM).legacy_path.read_bytes().decode("utf-8")
    comments = [re.sub(r"^#+", "", line.strip()) for line in source.splitlines() if line.strip().startswith("#")]
    return fold(" ".join(comments))


def quoted_in_seed(quote: str) -> bool:
    return fold(quote) in seed_comments()


def shown_by(claim: Claim, stdout: list[str], stderr: list[str] = ()) -> tuple[list[str], list[str]]:
    """(expected stdout lines not printed in order, absent lines printed on either stream)."""
    missing, position = [], 0
    for line in claim.expect:
        try:
            position = stdout.index(line, position) + 1
        except ValueError:
            missing.append(line)
    printed = [line for line in claim.absent if line in stdout or line in stderr]
    return missing, printed


@dataclass(frozen=True)
class Check:
    """One claim on one interpreter."""

    python: str
    passed: bool
    reason: str = ""
    # For a claim that lists API names: what each does here, from the ledger
    # ("exists", "warns (DeprecationWarning)", "gone").
    names: tuple[tuple[str, str], ...] = ()

    @property
    def verdict(self) -> str:
        """pass / FAIL; a listed name that warns or is gone here says so instead of a bare pass."""
        if not self.passed:
            return "FAIL"
        statuses = {status.split()[0] for _, status in self.names}
        return "partly (names gone)" if "gone" in statuses else "pass, warns" if "warns" in statuses else "pass"

    def to_json(self) -> dict:
        found = {"python": self.python, "passed": self.passed, "reason": self.reason}
        if self.names:
            found["names"] = dict(self.names)
        return found


@dataclass
class ClaimResult:
    pair: str
    claim: Claim
    entry: Entry
    in_seed: bool
    checks: list[Check] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.in_seed and bool(self.checks) and all(c.passed for c in self.checks)

    def to_json(self) -> dict:
        return {
            "quote": self.claim.quote,
            "pair": self.pair,
            "entry": self.claim.entry,
            "expect": list(self.claim.expect),
            "absent": list(self.claim.absent),
            "in_seed": self.in_seed,
            "passed": self.passed,
            "checks": [c.to_json() for c in self.checks],
        }


def judge(claim: Claim, transcript: Transcript) -> Check:
    """Did this run demonstrate the claim?"""
    if transcript.timed_out:
        return Check(transcript.python, False, "deadlock" if transcript.deadlock else "timed out")
    if transcript.exception:
        error = transcript.exception
        return Check(transcript.python, False, f"{error['type']}: {error['message']}")
    if transcript.leftover:
        return Check(transcript.python, False, f"left a process behind: {transcript.leftover[0]}")
    if transcript.exit != 0:
        return Check(transcript.python, False, f"exit status {transcript.exit}")
    if transcript.stderr:
        last = [line for line in transcript.stderr if line.strip()] or transcript.stderr
        return Check(transcript.python, False, f"printed to stderr: {last[-1]!r}")
    missing, printed = shown_by(claim, transcript.stdout, transcript.stderr)
    if missing:
        return Check(transcript.python, False, f"did not print (in order): {missing[0]!r}")
    if printed:
        return Check(transcript.python, False, f"printed {printed[0]!r}")
    return Check(transcript.python, True)


def check(
    pairs: list[Pair],
    legacy: Interpreter | None,
    pythons: list[Interpreter],
    *,
    jobs: int | None = None,
) -> list[ClaimResult]:
    """Run each claimed entry point once per interpreter (legacy half on 2.7, modern on 3.x)."""
    results = [
        ClaimResult(pair.stem, claim, pair.entry(claim.entry), quoted_in_seed(claim.quote))
        for pair in pairs
        for claim in pair.claims
    ]
    by_stem = {pair.stem: pair for pair in pairs}
    sides = [(legacy, True)] if legacy is not None else []
    sides += [(python, False) for python in pythons]
    # One run per (pair, entry, interpreter): the run service runs identical jobs once.
    planned = [
        (result, side_job(by_stem[result.pair], result.entry, python, legacy=is_legacy))
        for result in results
        for python, is_legacy in sides
    ]
    for (result, _), transcript in zip(planned, run_jobs([job for _, job in planned], workers=jobs)):
        result.checks.append(judge(result.claim, transcript))
    if any(result.claim.names for result in results):
        from threadport import ledger

        with_names(results, ledger.build([python for python, _ in sides]))
    return results


def with_names(results: list[ClaimResult], book) -> None:
    """Attach what each listed name does on each interpreter (from the ledger ``book``).

    The seed wrote its list on Python 2.7, so there every name must exist; on
    Python 3 the statuses are reported, not judged (the twin shows the spellings
    that replaced them)."""
    for result in results:
        if not result.claim.names:
            continue
        for index, found in enumerate(result.checks):
            column = book.column(found.python)
            names = tuple((name, column.results[name].short()) for name in result.claim.names)
            missing = [name for name, status in names if status != "exists"]
            if column.version_tuple[:2] == (2, 7) and missing and found.passed:
                found = replace(found, passed=False, reason=f"the seed lists {missing[0]}, which here {names}")
            result.checks[index] = replace(found, names=names)


def names_line(names: tuple[tuple[str, str], ...]) -> str:
    """'exists: daemon, ident; warns (DeprecationWarning): isDaemon; gone: isAlive'."""
    groups: dict[str, list[str]] = {}
    for name, status in names:
        groups.setdefault(status, []).append(name.split(".", 1)[-1])
    return "; ".join(f"{status}: {', '.join(members)}" for status, members in groups.items())


def render(results: list[ClaimResult]) -> str:
    """Each claim in the seed's words, where it is shown, and pass/fail per interpreter."""
    lines = []
    for result in results:
        mark = "PASS" if result.passed else "FAIL"
        lines.append(f'{mark}  "{fold(result.claim.quote)}"')
        lines.append(f"      shown by {result.pair}::{result.entry.label}: {' / '.join(result.claim.expect)}")
        if result.claim.absent:
            lines.append(f"      and never: {' / '.join(result.claim.absent)}")
        if not result.in_seed:
            lines.append("      not found in the seed's comments")
        verdicts = [f"{c.python} {c.verdict}" for c in result.checks]
        lines.append(f"      {', '.join(verdicts)}")
        lines.extend(f"      {c.python}: {names_line(c.names)}" for c in result.checks if c.names)
        lines.extend(f"      {c.python}: {c.reason}" for c in result.checks if not c.passed)
    passed = sum(r.passed for r in results)
    pythons = sorted({c.python for r in results for c in r.checks}, key=lambda v: tuple(map(int, v.split("."))))
    lines.append(f"{passed} of {len(results)} claims demonstrated on Python {', '.join(pythons) or '(none)'}")
    return "\n".join(lines)
