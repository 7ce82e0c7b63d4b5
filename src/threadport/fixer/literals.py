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


class AnyOf:
    """One automaton over ``literals``: ``found(data)`` is ``any(l in data for l in literals)``."""

    def __init__(self, literals: tuple[bytes, ...], module) -> None:
        self.literals = literals
        self._search = module.BytesAhoCorasick(list(literals), matchkind=module.MATCHKIND_LEFTMOST_FIRST)

    def found(self, data: bytes) -> bool:
        return bool(self._search.find_matches_as_indexes(data))


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
