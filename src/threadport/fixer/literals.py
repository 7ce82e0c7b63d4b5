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
and callers test each literal themselves: same answers, more scans.
"""

from __future__ import annotations

import functools

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


def _accelerator():
    """ahocorasick_rs, imported on the first tree (never for files named one by one), or None."""
    try:
        import ahocorasick_rs
    except ImportError:
        return None
    return ahocorasick_rs
