"""Line alignment of a legacy file and its modern twin, for side-by-side reading.

Both the terminal view (`threadport show`) and the HTML tour read a pair
through this module, so they agree on which lines face each other.

The two files are first cut at their entry points (from the catalogue:
``workerArgs`` faces ``worker_args`` even though the names differ), so a
function can never be matched against the wrong one. Within each piece the
lines are aligned by a small dynamic programme that pairs lines which are
similar enough (``print 'working'`` with ``print("working")``) and leaves the
rest unpaired; this is what difflib's line matcher alone cannot do, since it
only pairs identical lines.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

SAME = "same"  # identical lines
CHANGED = "changed"  # similar lines: the changed parts are emphasised
REPLACED = "replaced"  # unrelated lines that share a row to keep the view compact
REMOVED = "removed"  # legacy only
ADDED = "added"  # modern only
BLANK = "blank"  # an unpaired blank line: layout, not a change worth marking

# Below this similarity two lines are not "the same line, changed".
SIMILAR = 0.5


@dataclass(frozen=True)
class Row:
    """One row of the side-by-side view: 0-based line indexes, or None for a gap."""

    left: int | None
    right: int | None
    kind: str

    @property
    def left_changed(self) -> bool:
        return self.left is not None and self.kind in (CHANGED, REPLACED, REMOVED)

    @property
    def right_changed(self) -> bool:
        return self.right is not None and self.kind in (CHANGED, REPLACED, ADDED)


@dataclass(frozen=True)
class Segment:
    """A stretch of both files: an entry point's function, or the text around them."""

    title: str  # the entry's label, "top of file" or "end of file"
    anchor: str | None  # the legacy entry name when this segment is an entry point
    rows: tuple[Row, ...]

    @property
    def changed(self) -> int:
        return sum(row.kind not in (SAME, BLANK) for row in self.rows)


@dataclass(frozen=True)
class Block:
    """A top-level def or class: name and [start, end) line indexes (decorators included)."""

    name: str
    start: int
    end: int
    header: int  # the def/class line itself


_DEF = re.compile(r"(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)")


def _continuation_lines(text: str) -> set[int]:
    """Indexes of lines that continue a multi-line string or a bracketed expression.

    Python 3's tokenizer reads Python 2 sources well enough for this (print
    statements are just names and strings); if it gives up, indentation alone decides.
    """
    inside: set[int] = set()
    depth = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            (start_row, _), (end_row, _) = token.start, token.end
            if token.type == tokenize.OP and token.string in "([{":
                depth += 1
            elif token.type == tokenize.OP and token.string in ")]}":
                depth = max(0, depth - 1)
            elif token.type == tokenize.NL and depth:
                inside.add(start_row)  # 1-based row; the next line continues it
            if end_row > start_row:
                inside.update(range(start_row, end_row))  # rows start_row+1..end_row, 0-based
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return inside


def outline(lines: list[str]) -> list[Block]:
    """The top-level defs and classes of a source, in order."""
    continued = _continuation_lines("\n".join(lines) + "\n")
    blocks = []
    for index, line in enumerate(lines):
        match = _DEF.match(line)
        if not match or index in continued:
            continue
        start = index
        while start > 0 and lines[start - 1].startswith("@"):
            start -= 1
        end = last_body = index + 1
        while end < len(lines):
            text = lines[end]
            if end in continued or text[:1] in (" ", "\t"):
                last_body = end + 1
            elif text.strip() and not text.startswith("#"):
                break  # the next top-level statement
            end += 1
        blocks.append(Block(match.group(1), start, last_body, index))
    return blocks


# Kept across calls: a pair's segments and the entries' own alignments face many of the same
# two lines again (11,144 different pairs of 17,576 over the catalogue).
@lru_cache(maxsize=1 << 16)
def _similarity(a: str, b: str) -> float:
    """How alike two stripped lines are (difflib's ratio), 0.0 below SIMILAR."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    # SequenceMatcher.real_quick_ratio's bound, the same figure, before the matcher is built
    # (indexing b's characters): a quarter of the pairs end here.
    if 2.0 * min(len(a), len(b)) / (len(a) + len(b)) < SIMILAR:
        return 0.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.quick_ratio() < SIMILAR:
        return 0.0
    return matcher.ratio()


def _pair_lines(left: list[str], right: list[str]) -> list[tuple[int | None, int | None]]:
    """Monotonic pairing that maximises total similarity; unpaired lines face a gap."""
    n, m = len(left), len(right)
    if not n or not m:
        return [(i, None) for i in range(n)] + [(None, j) for j in range(m)]
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    sims = [[0.0] * m for _ in range(n)]
    stripped_left, stripped_right = [line.strip() for line in left], [line.strip() for line in right]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            sim = _similarity(stripped_left[i], stripped_right[j])
            if not stripped_left[i] and not stripped_right[j]:
                sim = 0.25  # blank faces blank, but weakly: code lines decide the shape
            sims[i][j] = sim
            best = max(score[i + 1][j], score[i][j + 1])
            if sim >= SIMILAR or sim == 0.25:
                best = max(best, score[i + 1][j + 1] + sim)
            score[i][j] = best
    pairs: list[tuple[int | None, int | None]] = []
    i = j = 0
    while i < n and j < m:
        sim = sims[i][j]
        if (sim >= SIMILAR or sim == 0.25) and score[i][j] == score[i + 1][j + 1] + sim:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif score[i][j] == score[i + 1][j]:
            pairs.append((i, None))
            i += 1
        else:
            pairs.append((None, j))
            j += 1
    pairs += [(k, None) for k in range(i, n)] + [(None, k) for k in range(j, m)]
    return pairs


def _rows(left: list[str], right: list[str], left_base: int, right_base: int) -> list[Row]:
    rows: list[Row] = []
    pending_left: list[int] = []
    pending_right: list[int] = []

    def flush() -> None:
        # Unpaired runs between two paired lines share rows, removed beside added,
        # so eight deleted lines and three new ones take eight rows, not eleven.
        # A run of blank lines is left alone: a comment facing a blank line reads as a pairing.
        left_blank = all(not left[a - left_base].strip() for a in pending_left)
        right_blank = all(not right[b - right_base].strip() for b in pending_right)
        if left_blank or right_blank:
            for a in pending_left:
                rows.append(Row(a, None, REMOVED if left[a - left_base].strip() else BLANK))
            for b in pending_right:
                rows.append(Row(None, b, ADDED if right[b - right_base].strip() else BLANK))
            pending_left.clear()
            pending_right.clear()
            return
        for k in range(max(len(pending_left), len(pending_right))):
            a = pending_left[k] if k < len(pending_left) else None
            b = pending_right[k] if k < len(pending_right) else None
            a_blank = a is None or not left[a - left_base].strip()
            b_blank = b is None or not right[b - right_base].strip()
            if a_blank and b_blank:
                kind = BLANK
            elif a is not None and b is not None and not a_blank and not b_blank:
                kind = REPLACED
            elif b_blank:
                kind = REMOVED
            else:
                kind = ADDED
            rows.append(Row(a, b, kind))
        pending_left.clear()
        pending_right.clear()

    for i, j in _pair_lines(left, right):
        if i is not None and j is not None:
            flush()
            same = left[i].rstrip() == right[j].rstrip()
            kind = SAME if same else CHANGED
            rows.append(Row(i + left_base, j + right_base, kind))
        else:
            if i is not None:
                pending_left.append(i + left_base)
            if j is not None:
                pending_right.append(j + right_base)
    flush()
    return rows


def _anchors(left: list[Block], right: list[Block], names: list[tuple[str, str]]) -> list[tuple[Block, Block, str]]:
    """Blocks that face each other: catalogue entries first, then same-named defs, in file order."""
    by_left = {b.name: b for b in left}
    by_right = {b.name: b for b in right}
    pairs = []
    seen = set()
    for legacy, modern in names:
        if legacy in by_left and modern in by_right and legacy not in seen:
            pairs.append((by_left[legacy], by_right[modern], legacy))
            seen.add(legacy)
    for name in by_left:
        if name in by_right and name not in seen and by_right[name] not in [p[1] for p in pairs]:
            pairs.append((by_left[name], by_right[name], name))
            seen.add(name)
    pairs.sort(key=lambda p: p[0].start)
    # Keep the longest run that is in order on both sides (a cut cannot cross).
    best: list[list[int]] = []
    for k, (_, r, _) in enumerate(pairs):
        chain = max((c for c in best if pairs[c[-1]][1].start < r.start), key=len, default=[])
        best.append(chain + [k])
    keep = max(best, key=len, default=[])
    return [pairs[k] for k in keep]


def _block_rows(left: list[str], right: list[str], lb: Block, rb: Block) -> list[Row]:
    # The two def lines always face each other, however much the signature changed.
    header_same = left[lb.header].rstrip() == right[rb.header].rstrip()
    return (
        _rows(left[lb.start : lb.header], right[rb.start : rb.header], lb.start, rb.start)
        + [Row(lb.header, rb.header, SAME if header_same else CHANGED)]
        + _rows(left[lb.header + 1 : lb.end], right[rb.header + 1 : rb.end], lb.header + 1, rb.header + 1)
    )


def align_entry(left: list[str], right: list[str], legacy: str, modern: str, label: str) -> Segment:
    """Only the two functions of one entry point, facing each other.

    Raises LookupError naming the side whose function is missing.
    """
    lb = next((b for b in outline(left) if b.name == legacy), None)
    rb = next((b for b in outline(right) if b.name == modern), None)
    if lb is None:
        raise LookupError(f"no top-level def {legacy} in the legacy file")
    if rb is None:
        raise LookupError(f"no top-level def {modern} in the modern file")
    return Segment(label, legacy, tuple(_block_rows(left, right, lb, rb)))


def align(
    left: list[str],
    right: list[str],
    entries: list[tuple[str, str, str]] = (),
) -> list[Segment]:
    """Cut both files at the facing entry points and align each piece.

    ``entries`` holds (legacy name, modern name, label) triples from the catalogue.
    The text before the first function is "top of file"; text between two
    functions goes with the function after it (a leading comment belongs to
    what it introduces); what follows the last function is "end of file".
    """
    labels = {legacy: label for legacy, _, label in entries}
    anchors = _anchors(outline(left), outline(right), [(a, b) for a, b, _ in entries])
    segments: list[Segment] = []
    li = ri = 0
    for position, (lb, rb, name) in enumerate(anchors):
        gap = _rows(left[li : lb.start], right[ri : rb.start], li, ri)
        body = _block_rows(left, right, lb, rb)
        if position == 0 and any(row.kind != BLANK for row in gap):
            segments.append(Segment("top of file", None, tuple(gap)))
            gap = []
        segments.append(Segment(labels.get(name, name), name if name in labels else None, tuple(gap + body)))
        li, ri = lb.end, rb.end
    tail = _rows(left[li:], right[ri:], li, ri)
    if any(row.kind != BLANK for row in tail):
        segments.append(Segment("end of file" if anchors else "whole file", None, tuple(tail)))
    return segments


_WORDS = re.compile(r"\w+|\s+|[^\w\s]")


def intraline(a: str, b: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Character ranges that differ between two similar lines, word by word."""
    a_words, b_words = _WORDS.findall(a), _WORDS.findall(b)
    a_starts = [0]
    for word in a_words:
        a_starts.append(a_starts[-1] + len(word))
    b_starts = [0]
    for word in b_words:
        b_starts.append(b_starts[-1] + len(word))
    left, right = [], []
    matcher = SequenceMatcher(None, a_words, b_words, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i2 > i1:
            left.append((a_starts[i1], a_starts[i2]))
        if j2 > j1:
            right.append((b_starts[j1], b_starts[j2]))
    return left, right


def source_lines(path) -> list[str]:
    """A source file's lines, tabs expanded, as a reader sees them.

    Legacy files may hold UTF-8 without a coding cookie (the seed does) or an
    old 8-bit encoding; neither stops the view.
    """
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return [line.expandtabs(8) for line in text.splitlines()]


def pair_segments(pair, entry: str | None = None) -> tuple[list[str], list[str], list[Segment]]:
    """Both sources of a catalogue pair and their aligned segments (one entry's, if named)."""
    left, right = source_lines(pair.legacy_path), source_lines(pair.modern_path)
    if entry is not None:
        chosen = pair.entry(entry)  # CatalogError names the known entries
        return left, right, [_aligned_entry(tuple(left), tuple(right), chosen.legacy, chosen.modern, chosen.label)]
    triples = tuple((e.legacy, e.modern, e.label) for e in pair.entries)
    return left, right, list(_aligned(tuple(left), tuple(right), triples))


# The alignment is a pure function of the two files' lines (and the entries), and its
# result is immutable: a process that lays out the same pair again (`show` at another
# width, the tour built again, the test suite) reuses it instead of running the line
# matcher's thousands of comparisons once more. Keyed by the text, so an edited file
# is aligned anew.
@lru_cache(maxsize=64)
def _aligned(left: tuple[str, ...], right: tuple[str, ...], entries: tuple) -> tuple[Segment, ...]:
    return tuple(align(list(left), list(right), entries))


@lru_cache(maxsize=64)
def _aligned_entry(left: tuple[str, ...], right: tuple[str, ...], legacy: str, modern: str, label: str) -> Segment:
    return align_entry(list(left), list(right), legacy, modern, label)


def transcript_lines(value: object) -> list[str]:
    """A transcript field as the lines a reader sees: stdout/stderr lists as they are,
    an exception as "Type: message", anything else as one line."""
    if isinstance(value, (list, tuple)):
        return [str(line) for line in value]
    if isinstance(value, dict):
        return [f"{value.get('type')}: {value.get('message')}"]
    return ["(none)" if value is None else str(value)]


def differing_lines(left: list[str], right: list[str]) -> tuple[set[int], set[int]]:
    """Indexes of the lines of two transcripts that the other side does not print in that place."""
    left_diff, right_diff = set(range(len(left))), set(range(len(right)))
    for block in SequenceMatcher(None, left, right, autojunk=False).get_matching_blocks():
        left_diff -= set(range(block.a, block.a + block.size))
        right_diff -= set(range(block.b, block.b + block.size))
    return left_diff, right_diff
