"""Does a file hold any of a few byte strings? One pass over it when ahocorasick-rs is there.

The prefilter tests each selected rule's literal in every file (bytes ``in``: one scan of
the whole file per literal), and the tree facts test each attribute they look for in every
file again. On CPython 3.13's Lib without tests those scans were a fifth of `check`'s CPU
(callgrind: 281 M of 1,367 M instructions), though 529 of its 628 files hold none of the
literals at all. ahocorasick-rs (the ``fast`` extra: Rust's aho-corasick, whose
leftmost-first search finds candidates with SIMD) tells in one pass, about thirty times
faster, whether a file holds any of them: a leftmost-first search reports a match if and
only if one of the strings occurs somewhere. Only that answer is used: a file that holds
one is asked literal by literal as before, so what passes is exactly what passed.

Without the package (not installed, or no wheel for this Python), ``any_of`` gives None
and callers test each literal themselves: same answers, more scans. For the prefilter's
many literals ``one_pass`` then gives ``Marked``: one ``re`` search over a translated copy
of the file, about two and a half times cheaper than its twelve scans (see there).
"""

from __future__ import annotations

import functools
import re

# Bytes searched at a time (AnyOf._pieces): every match of a search comes back as a tuple.
PIECE = 1 << 20


class AnyOf:
    """One automaton over ``literals``: ``found(data)`` is ``any(l in data for l in literals)``,
    and ``presence(data)`` tells for most of them, from the same pass, whether ``data`` holds it."""

    def __init__(self, literals: tuple[bytes, ...], module) -> None:
        self.literals = literals
        self._search = module.BytesAhoCorasick(list(literals), matchkind=module.MATCHKIND_LEFTMOST_FIRST)
        # The literals each one contains (held wherever it is), and those that may hide it: a
        # leftmost-first search reports no occurrence that starts inside a reported match (nor
        # one that starts where a literal listed before it matches too), so a literal that was
        # not reported is absent unless a literal that can overlap its start was reported.
        self._inside = {m: frozenset(x for x in literals if x in m) for m in literals}
        self._hidden_by = {x: frozenset(m for m in literals if m != x and _may_hide(m, x)) for x in literals}
        self._overlap = max(map(len, literals)) - 1

    def _pieces(self, data: bytes):
        """``data`` whole, or a large one in overlapping views: each search returns every match
        as a tuple, and a file holding a literal a million times would hold them all at once.
        An occurrence across a cut lies whole in the next piece, which starts earlier by the
        longest literal less one byte (the next piece's matches may hide some: presence then
        says unknown, as within one piece)."""
        if len(data) <= PIECE:
            yield data
            return
        view = memoryview(data)
        for start in range(0, len(data), PIECE):
            yield view[max(0, start - self._overlap) : start + PIECE]

    def found(self, data: bytes) -> bool:
        return any(self._search.find_matches_as_indexes(piece) for piece in self._pieces(data))

    def presence(self, data: bytes) -> tuple[frozenset[bytes], frozenset[bytes]]:
        """(the literals ``data`` holds, those it certainly does not hold); any other is unknown."""
        reported = {
            self.literals[i] for piece in self._pieces(data) for i, _, _ in self._search.find_matches_as_indexes(piece)
        }
        held = frozenset().union(*(self._inside[m] for m in reported))
        absent = frozenset(x for x in self.literals if x not in held and not self._hidden_by[x] & reported)
        return held, absent


def _may_hide(first: bytes, second: bytes) -> bool:
    """Can an occurrence of ``second`` start inside one of ``first`` (or where it starts)?
    Then ``first[d:]`` and the start of ``second`` are the same bytes, for some offset d
    (only the offsets where ``second``'s first byte is are tried)."""
    d = first.find(second[:1])
    while d >= 0:
        rest = first[d:]
        if second.startswith(rest) if len(second) >= len(rest) else rest.startswith(second):
            return True
        d = first.find(second[:1], d + 1)
    return False


@functools.lru_cache(maxsize=32)  # the same literals for every file of a run (and each pass)
def any_of(literals: frozenset[bytes]) -> AnyOf | None:
    """The one-pass test for ``literals`` (non-empty strings), or None without ahocorasick-rs."""
    module = _accelerator()
    if module is None or not literals or not all(literals):
        return None
    return AnyOf(tuple(sorted(literals)), module)


# Bytes of Python source, rarest first (counted over CPython 3.13's and 2.7's Lib); bytes not
# listed count as the commonest. Only the speed of ``Marked`` depends on it, never an answer.
RAREST_FIRST = b"JQZYKXV7zj9W68GBH45U3qMFPDO2CS1vkRNwLAIyxEbTg0hm_pucdfloinarste"
MARK = 1  # the byte every anchor becomes in Marked's copy (a real one becomes 0 there)


class Marked:
    """``AnyOf`` without ahocorasick-rs: the same ``found`` and ``presence``, in pure Python.

    Scanning for each literal costs a pass over the file per literal (twelve for the
    prefilter), and ``re`` is no faster with an alternation of them: when its alternatives
    start with different bytes, it tests a byte set at every position of the file. So each
    literal gets an anchor, its rarest byte (``acquire``: q), and a copy of the file
    (``bytes.translate``, a table lookup a byte) has every anchor byte turned into one marker
    byte: a pattern whose alternatives all start with the marker is searched for that one
    byte, a tight loop, and tried only where it is (about 3% of a file's bytes). Each
    alternative is the translated literal, matched from its anchor with a lookbehind for what
    precedes it. A literal in the file is in the copy, translated, so no match means none of
    them is there. A match (translation merges bytes) is checked against the file itself.
    """

    def __init__(self, literals: tuple[bytes, ...]) -> None:
        self.literals = literals
        anchors = _anchors(literals)
        table = bytearray(range(256))
        table[MARK] = 0
        for literal, at in anchors.items():
            table[literal[at]] = MARK
        self._table = bytes(table)
        branches = []
        self._at_anchor: dict[int, list[tuple[bytes, int]]] = {}  # anchor byte -> (literal, its index)
        for literal, at in anchors.items():
            marked = literal.translate(self._table)
            branches.append(re.escape(marked[at + 1 :]) + b"(?<=" + re.escape(marked) + b")")
            self._at_anchor.setdefault(literal[at], []).append((literal, at))
        self._search = re.compile(bytes([MARK]) + b"(?:" + b"|".join(branches) + b")")
        self._inside = {m: frozenset(x for x in literals if x in m) for m in literals}

    def found(self, data: bytes) -> bool:
        held, absent = self.presence(data)
        return bool(held) or any(literal in data for literal in self.literals if literal not in absent)

    def presence(self, data: bytes) -> tuple[frozenset[bytes], frozenset[bytes]]:
        """(the literals ``data`` holds, those it certainly does not hold), as AnyOf's: every
        literal whose anchor is where a match starts is checked there in ``data``. A match hides
        nothing that starts with it; an occurrence whose anchor lies inside a match is missed
        (the search goes on after the match), so if a match holds another marker byte, every
        literal not seen held is unknown."""
        marked = data.translate(self._table)
        held: set[bytes] = set()
        covered = False
        for match in self._search.finditer(marked):
            start, end = match.span()
            for literal, at in self._at_anchor[data[start]]:
                if start >= at and data.startswith(literal, start - at):
                    held.update(self._inside[literal])
            covered = covered or marked.find(MARK, start + 1, end) >= 0
        held_now = frozenset(held)
        return held_now, frozenset() if covered else frozenset(self.literals) - held_now


def _anchors(literals: tuple[bytes, ...]) -> dict[bytes, int]:
    """Each literal's anchor: the index of its rarest byte (RAREST_FIRST) other than its last
    (an alternative that starts with a byte is skipped at once where that byte is not); then,
    for a literal whose anchor byte no other literal's is, one of its bytes that is another's
    anchor, if it has one: one byte fewer to mark, and no place more tried."""

    def rank(byte: int) -> int:
        found = RAREST_FIRST.find(bytes([byte]))
        return len(RAREST_FIRST) if found < 0 else found

    def rarest(literal: bytes, allowed) -> int:
        places = [i for i in range(max(1, len(literal) - 1)) if allowed(literal[i])]
        return min(places, key=lambda i: rank(literal[i]), default=-1)

    anchors = {literal: rarest(literal, lambda byte: True) for literal in literals}
    for literal in literals:
        others = {other[at] for other, at in anchors.items() if other != literal}
        if literal[anchors[literal]] not in others:
            shared = rarest(literal, others.__contains__)
            if shared >= 0:
                anchors[literal] = shared
    return anchors


@functools.lru_cache(maxsize=32)  # the same literals for every file of a run
def one_pass(literals: frozenset[bytes]) -> AnyOf | Marked:
    """The one-pass test for ``literals`` (non-empty strings): any_of's, else Marked."""
    if not literals or not all(literals):
        raise ValueError("one_pass needs non-empty literals")
    return any_of(literals) or Marked(tuple(sorted(literals)))


def _accelerator():
    """ahocorasick_rs, imported on the first tree (never for files named one by one), or None."""
    try:
        import ahocorasick_rs
    except ImportError:
        return None
    return ahocorasick_rs
