"""The static HTML tour: an index of pairs and one page per pair.

Offline by construction: one stylesheet written next to the pages, no script,
no font or asset from elsewhere, relative links only, so the folder works
from file:// and from any static host. Pages come from Jinja templates
shipped as package data; the code view uses the same alignment as
`threadport show` (threadport.align).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from threadport import __version__
from threadport.align import BLANK, Segment, intraline, pair_segments
from threadport.catalog import Pair, showcase_root
from threadport.emphasis import key_changes, lex, line_marks
from threadport.errors import ThreadportError
from threadport.html import course
from threadport.html.highlight import css_runs, line_html, pygments_css, snippet_html
from threadport.matrix import MISMATCH, Matrix, Record, build_matrix, minor

MARKER = ".threadport-site"  # lists the files a build wrote; only such folders are rebuilt
STATIC = Path(__file__).with_name("static")


class SiteError(ThreadportError):
    """The output folder cannot be used (the message says why)."""


def page_name(stem: str) -> str:
    return f"pair-{stem}.html"


def segment_id(segment: Segment, index: int) -> str:
    return f"code-{segment.anchor}" if segment.anchor else f"code-part-{index}"


@dataclass
class Line:
    number: int | None  # 1-based; None for the gap facing an unpaired line
    mark: str  # "−", "+" or ""
    html: Markup
    kind: str
    indent: int = 0  # leading spaces: a wrapped line continues further in than this


@dataclass
class Transcript:
    """One side's output, with every interpreter that printed exactly that."""

    pythons: list[str]
    data: dict

    @property
    def label(self) -> str:
        return ", ".join(self.pythons)


def _code_rows(pair: Pair, notes: dict[int, Markup] | None = None) -> list[dict]:
    """Rows of the code view; ``notes`` puts a claim's note in the gap facing a legacy line."""
    notes = notes or {}
    left, right, segments = pair_segments(pair)
    left_lexed, right_lexed = lex(left, "python2"), lex(right, "python")
    left_runs, right_runs = css_runs(left_lexed.runs), css_runs(right_lexed.runs)
    keys = key_changes(pair.notes)
    out = []
    for index, segment in enumerate(segments):
        rows = []
        for row in segment.rows:
            left_changed, right_changed = ([], [])
            if row.kind == "changed":
                left_changed, right_changed = intraline(left[row.left], right[row.right])
            left_marks = right_marks = []
            if row.left is not None:
                i = row.left
                left_marks = line_marks(left[i], left_lexed.runs[i], left_lexed.prose[i], keys.legacy, left_changed)
            if row.right is not None:
                j = row.right
                right_marks = line_marks(
                    right[j], right_lexed.runs[j], right_lexed.prose[j], keys.modern, right_changed
                )
            modern = _line(row.right, right, right_runs, right_marks, "ins", "+" if row.right_changed else "", row.kind)
            if row.right is None and row.left in notes:
                modern = Line(None, "", notes[row.left], "claim")
            rows.append(
                (_line(row.left, left, left_runs, left_marks, "del", "−" if row.left_changed else "", row.kind), modern)
            )
        out.append(
            {
                "id": segment_id(segment, index),
                "title": segment.title,
                "entry": segment.anchor,
                "rows": rows,
                "changed": segment.changed,
            }
        )
    return out


def _line(index: int | None, lines: list[str], runs: list, marks: list, tag: str, mark: str, kind: str) -> Line:
    if index is None:
        return Line(None, "", Markup(""), "gap")
    text = lines[index]
    indent = len(text) - len(text.lstrip(" "))
    html = Markup(line_html(runs[index], marks, tag))
    return Line(index + 1, mark, html, kind if mark or kind == BLANK else "same", indent)


def _group(records: list[Record], side: str) -> list[Transcript]:
    """Identical transcripts once, listing the interpreters that printed them."""
    keys = ("stdout", "stderr", "exit", "exception", "timed_out", "deadlock", "virtual_seconds")
    groups: dict[str, Transcript] = {}
    for record in sorted(records, key=lambda r: _version_key(r.modern.get("python", ""))):
        data = getattr(record, side)
        key = json.dumps({k: data.get(k) for k in keys}, sort_keys=True)
        python = str(data.get("python"))
        group = groups.setdefault(key, Transcript([], data))
        if python not in group.pythons:
            group.pythons.append(python)
    return list(groups.values())


def _version_key(version: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in str(version).split("."))


def _differences(records: list[Record]) -> list[dict]:
    seen: dict[str, dict] = {}
    for record in records:
        for difference in record.differences:
            key = json.dumps(difference, sort_keys=True, default=str)
            entry = seen.setdefault(key, {**difference, "pythons": []})
            entry["pythons"].append(minor(record.modern.get("python", "")))
    return list(seen.values())


def _entries(pair: Pair, records: list[Record], matrix: Matrix) -> list[dict]:
    # Keyed by both names: two modern twins may share one legacy entry point.
    by_entry: dict[tuple[str, str], list[Record]] = {}
    for record in records:
        by_entry.setdefault((record.entry, record.modern_entry), []).append(record)
    # The code view links to #run-LEGACY: the first entry of a legacy name keeps that id.
    ids: set[str] = set()
    out = []
    for entry in pair.entries:
        mine = by_entry.get((entry.legacy, entry.modern), [])
        verdicts = {r.column: r.verdict for r in mine}
        anchor = f"run-{entry.legacy}" if f"run-{entry.legacy}" not in ids else f"run-{entry.legacy}-{entry.modern}"
        ids.add(anchor)
        out.append(
            {
                "entry": entry,
                "id": anchor,
                "verdicts": [(column, verdicts.get(column)) for column in matrix.columns],
                "legacy": _group(mine, "legacy"),
                "modern": _group(mine, "modern"),
                "differences": _differences(mine),
            }
        )
    return out


@cache  # the templates are compiled once per process, however many sites it builds
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("threadport.html", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["snippet"] = lambda code, lexer: Markup(snippet_html(code, lexer))
    env.filters["paragraph"] = lambda text: " ".join(str(text).split())
    env.filters["page"] = page_name
    env.filters["relative"] = _relative
    env.filters["json"] = lambda value: json.dumps(value, ensure_ascii=False)
    env.filters["local"] = course.local
    env.filters["minor"] = minor
    env.filters["count"] = lambda number, noun: f"{number} {noun}{'' if number == 1 else 's'}"
    env.filters["ledger_cell"] = course.ledger_cell
    return env


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(showcase_root()))
    except ValueError:
        return path.name


def _prepare(outdir: Path) -> set[str]:
    """Make sure writing here loses nothing: a new or empty folder, or an earlier build."""
    if outdir.exists() and not outdir.is_dir():
        raise SiteError(f"{outdir}: exists and is not a folder")
    marker = outdir / MARKER
    if outdir.is_dir() and any(outdir.iterdir()):
        if not marker.is_file():
            raise SiteError(
                f"{outdir}: folder is not empty and was not made by `threadport html`; choose a new or empty folder"
            )
        return set(marker.read_text(encoding="utf-8").split())
    outdir.mkdir(parents=True, exist_ok=True)
    return set()


def build_site(
    outdir: Path,
    pairs: tuple[Pair, ...],
    records: list[Record] | None = None,
    sources: list[str] = (),
    extras: course.Extras | None = None,
) -> list[Path]:
    """Write the site; returns the files written. ``sources`` names the results files, for the record;
    ``extras`` holds the timeline, claims and ledger results, when there are any."""
    records = records or []
    extras = extras or course.Extras()
    claims_of, all_claims = course.claims_by_pair(pairs, extras.claims)
    previous = _prepare(outdir)
    matrix = build_matrix(records, pairs)
    env = _environment()
    common = {
        "version": __version__,
        "matrix": matrix,
        "pairs": pairs,
        "sources": [course.local(source) for source in sources],
        "timeline": extras.timeline,
        "ledger": extras.ledger,
        "has_results": bool(records),
        "MISMATCH": MISMATCH,
    }
    files: dict[str, str] = {
        "site.css": (STATIC / "site.css").read_text(encoding="utf-8") + "\n" + pygments_css() + "\n"
    }
    files["index.html"] = env.get_template("index.html").render(
        **common, page="index", all_claims=all_claims, claim_pythons=course.claim_pythons(extras.claims)
    )
    files["clock.html"] = env.get_template("clock.html").render(
        **common, page="clock", seed_run=course.seed_run(records)
    )
    for position, pair in enumerate(pairs):
        mine = [r for r in records if r.pair == pair.stem]
        files[page_name(pair.stem)] = env.get_template("pair.html").render(
            **common,
            page="pair",
            pair=pair,
            position=position + 1,
            total=len(pairs),
            prev=pairs[position - 1] if position else None,
            next=pairs[position + 1] if position + 1 < len(pairs) else None,
            claims=claims_of.get(pair.stem, []),
            seed_claims=all_claims if pair.origin == "seed" else [],
            timeline_rows=extras.timeline.for_pair(pair.stem) if extras.timeline else [],
            exercise=course.exercise(pair, extras.timeline, mine),
            declared=course.declared(pair),
            key_example=course.key_example(pair),
            segments=_code_rows(pair, course.claim_notes(pair, all_claims) if pair.origin == "seed" else None),
            entries=_entries(pair, mine, matrix),
            legacy_path=_relative(pair.legacy_path),
            modern_path=_relative(pair.modern_path),
        )
    written = []
    for name, text in files.items():
        path = outdir / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    for stale in previous - set(files):  # a pair page from an earlier catalogue
        if "/" not in stale and (outdir / stale).is_file():
            (outdir / stale).unlink()
    (outdir / MARKER).write_text("\n".join(sorted(files)) + "\n", encoding="utf-8")
    return written
