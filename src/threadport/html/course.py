"""What the tour adds around the code: claims, the 2to3 timeline, exercises, the clock page.

Everything shown here comes from a result file written by a run (compare, claims,
timeline, ledger); nothing is typed in by hand. Paths of the machine that built the
site are never shown: ``local`` turns them into paths relative to the checkout or ``~``.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup, escape

from threadport.align import differing_lines, source_lines, transcript_lines
from threadport.catalog import Pair, showcase_root
from threadport.emphasis import key_changes
from threadport.results import Record, minor
from threadport.tour_results import ClaimResult, Timeline


@dataclass
class Extras:
    """The result files beside compare's: any of them may be missing."""

    timeline: Timeline | None = None
    claims: list[ClaimResult] = field(default_factory=list)
    ledger: object | None = None  # threadport.ledger.Ledger


def _roots() -> list[tuple[str, str]]:
    """Absolute prefixes of this machine -> what the page shows instead, longest first."""
    roots = [(str(showcase_root()), ""), (sys.prefix, "<python>"), (sys.base_prefix, "<python>")]
    roots += [(tempfile.gettempdir(), "<tmp>"), (str(Path.home()), "~"), (os.getcwd(), "")]
    return sorted({(r.rstrip("/"), s) for r, s in roots if len(r) > 1}, key=lambda rs: -len(rs[0]))


def local(text: object) -> str:
    """Text with this machine's absolute paths replaced (a page must not publish them)."""
    text = str(text)
    for root, shown in _roots():

        def replace(match: re.Match, shown: str = shown) -> str:
            if match.group(1) == "/":
                return f"{shown}/" if shown else ""
            return shown or "."

        # Only where an absolute path starts: the showcase's own .tox/tour/tmp/results, made
        # relative first, must not become .tox/tour<tmp>/results.
        text = re.sub(r"(?<![\w.~-])" + re.escape(root) + r"(/|\b)", replace, text)
    return text


def _claim_view(claim: ClaimResult, anchors: dict[tuple[str, str], str]) -> dict:
    by_python = {minor(check.python): check for check in claim.checks}
    return {
        "quote": claim.quote,
        "pair": claim.pair,
        "entry": claim.entry,
        "expect": claim.expect,
        "passed": claim.passed,
        "checks": claim.checks,
        "by_python": by_python,
        "anchor": anchors.get((claim.pair, claim.quote), "claims"),
    }


def claims_by_pair(pairs: tuple[Pair, ...], results: list[ClaimResult]) -> tuple[dict[str, list[dict]], list[dict]]:
    """Per pair, its claims (catalogue order) with their results; and every claim, in order."""
    anchors: dict[tuple[str, str], str] = {}
    for pair in pairs:
        for number, claim in enumerate(pair.claims, 1):
            anchors[(pair.stem, claim.quote)] = f"claim-{number}"
    by_pair: dict[str, list[dict]] = {}
    everything = []
    entries = {(p.stem, name): e.legacy for p in pairs for e in p.entries for name in (e.legacy, e.modern)}
    for claim in results:
        view = _claim_view(claim, anchors)
        view["legacy_entry"] = entries.get((claim.pair, claim.entry), claim.entry)
        by_pair.setdefault(claim.pair, []).append(view)
        everything.append(view)
    return by_pair, everything


def claim_pythons(results: list[ClaimResult]) -> list[str]:
    versions = {minor(check.python) for claim in results for check in claim.checks}
    return sorted(versions, key=lambda v: tuple(int(p) for p in v.split(".") if p.isdigit()))


def declared(pair: Pair) -> list[dict]:
    """Each declared difference as two transcripts, the lines that differ flagged."""
    out = []
    for entry in pair.entries:
        for difference in entry.declared:
            legacy, modern = transcript_lines(difference.legacy), transcript_lines(difference.modern)
            left, right = differing_lines(legacy, modern)
            out.append(
                {
                    "label": entry.label,
                    "field": difference.field,
                    "why": difference.why,
                    "legacy": [(line, k in left) for k, line in enumerate(legacy)],
                    "modern": [(line, k in right) for k, line in enumerate(modern)],
                }
            )
    return out


def key_example(pair: Pair) -> tuple[str, str]:
    """A rename of this pair for the legend (the seed's by default)."""
    keys = key_changes(pair.notes)
    legacy, modern = sorted(keys.names("legacy")), sorted(keys.names("modern"))
    return (legacy[0] if legacy else "isAlive", modern[0] if modern else "is_alive")


def _function_lines(pair: Pair, entry: str) -> list[str]:
    from threadport.align import outline

    lines = source_lines(pair.legacy_path)
    block = next((b for b in outline(lines) if b.name == entry), None)
    return lines[block.start : block.end] if block else []


def exercise(pair: Pair, timeline: Timeline | None, records: list[Record]) -> dict | None:
    """One "predict the output" question, answered from a run.

    From the timeline when 2to3's output breaks or warns somewhere on 3.9+ (what does this
    line do there?), else from compare (what does the legacy entry print on Python 2.7?).
    """
    rows = timeline.for_pair(pair.stem) if timeline else []
    for status in ("fails", "differs", "warns"):
        for row in rows:
            cell = next((c for c in row.cells if c.status == status and _at_least(c.python, (3, 9))), None)
            if cell is None:
                continue
            lines = _function_lines(pair, row.entry)
            # The last name an error quotes is the one that broke ('Thread' object has no attribute
            # 'isAlive'); a warning names the call (isSet() is deprecated).
            names = re.findall(r"'(\w+)'", cell.detail)[::-1] + re.findall(r"(\w+)\(\)", cell.detail)
            # In the entry point's function, else anywhere in the file (a method of a class it uses).
            code = [text for text in lines + source_lines(pair.legacy_path) if not text.lstrip().startswith("#")]
            line = next(
                (text for name in names for text in code if re.search(rf"\b{name}\b", text)),
                lines[0] if lines else "",
            )
            across = ", ".join(f"{minor(c.python)} {c.status}" for c in row.cells)
            return {
                "question": f"2to3 converts legacy/{pair.stem}.py, and {row.entry}() runs on Python "
                f"{minor(cell.python)}. What happens at this line?",
                "code": line.strip(),
                "answer": [
                    f"{cell.status}: {cell.detail}" if cell.detail else cell.status,
                    f"by interpreter: {across}",
                ],
                "source": f"From `threadport timeline` ({timeline.converter}): Python {cell.python}.",
            }
    record = next((r for e in pair.entries for r in records if r.pair == pair.stem and r.entry == e.legacy), None)
    if record is None:
        return None
    lines = _function_lines(pair, record.entry)
    printing = next((text for text in lines if "print" in text), lines[0] if lines else "")
    return {
        "question": f"What does the legacy {record.entry}() print on Python 2.7? It starts at this line:",
        "code": (lines[0] if lines else printing).strip(),
        "answer": record.legacy["stdout"] or ["(nothing)"],
        "source": f"From `threadport compare`: Python {record.legacy['python']}.",
    }


def _at_least(version: str, wanted: tuple[int, int]) -> bool:
    parts = tuple(int(p) for p in re.findall(r"\d+", version)[:2])
    return parts >= wanted


def seed_run(records: list[Record]) -> dict | None:
    """The seed's polling demo as the clock page shows it, from a compare run."""
    for record in sorted(records, key=lambda r: r.column):
        if record.pair == "threading_notes" and record.entry == "testIsAliveOnSleeper":
            side = record.modern
            if side.get("virtual_seconds") is not None:
                return {
                    "entry": record.modern_entry,
                    "python": side["python"],
                    "stdout": side["stdout"],
                    "virtual_seconds": side["virtual_seconds"],
                    "seconds": side["seconds"],
                }
    return None


def ledger_cell(status, kind: str) -> str:
    """A ledger status as the table shows it (the words `threadport ledger` uses)."""
    if status.status == "warns":
        return "warns"
    if kind == "behaviour":
        return {"exists": "yes", "gone": "no"}.get(status.status, status.status)
    return {"exists": "ok"}.get(status.status, status.status)


def _fold(text: str) -> str:
    return " ".join(text.split())


def claim_lines(pair: Pair, quotes: list[str]) -> dict[str, int]:
    """Where each quote starts in the legacy file's comments: quote -> 0-based line index."""
    joined, starts = "", []
    for index, line in enumerate(source_lines(pair.legacy_path)):
        if line.strip().startswith("#"):
            text = _fold(re.sub(r"^#+", "", line.strip()))
            if text:
                starts.append((len(joined) + (1 if joined else 0), index))
                joined = f"{joined} {text}" if joined else text
    found = {}
    for quote in quotes:
        at = joined.find(_fold(quote))
        if at >= 0:
            found[quote] = max(index for start, index in starts if start <= at)
    return found


def claim_notes(pair: Pair, claims: list[dict]) -> dict[int, Markup]:
    """For the seed's code view: beside the comment line where a claim starts, where it is shown
    and its verdict on each interpreter."""
    from threadport.html import page_name

    where = claim_lines(pair, [claim["quote"] for claim in claims])
    notes: dict[int, list[str]] = {}
    for claim in claims:
        if claim["quote"] not in where:
            continue
        verdicts = " ".join(f"{minor(check.python)}&nbsp;{'✓' if check.passed else '✗'}" for check in claim["checks"])
        label = "shown" if claim["passed"] else "not shown everywhere"
        notes.setdefault(where[claim["quote"]], []).append(
            f'<a href="{escape(page_name(claim["pair"]))}#{escape(claim["anchor"])}">'
            + f"claim {label} by {escape(claim['pair'])}::{escape(claim['entry'])}</a>"
            + f' <span class="verdicts-inline">{verdicts}</span>'
        )
    return {index: Markup("<br>".join(parts)) for index, parts in notes.items()}
