"""`fix` over a tree rewrites each file in the pass that checks it, before the tree's facts are known.

What the other files say (tree.py) can change a file's findings, so `fix` used to check the
whole tree, then analyse every file with findings a second time with the tree's facts: on
2.7's Lib, 35 files, 27 of which it then left as they were (findings to review, nothing to
rewrite), for almost the time of the whole check. Now the check pass also fixes each file with
findings (in memory), with facts that note every question an analysis asks of them. Once the
tree's facts are known, a file whose questions they answer alike is done: the analysis, and so
the rewrite, is the one those facts would give (both are functions of the text and of the
answers). Only the others are fixed again, as before.
"""

from __future__ import annotations

from threadport.fixer.engine import Finding
from threadport.fixer.tree import TreeFacts
from threadport.records import Record

_MISSING = "\0 not in the mapping"  # no fact's value is this string


class _AskedMapping(dict):
    """One of TreeFacts' mappings (re-exporting modules, callers' parameters...), empty, noting
    each look-up in ``asked``: ("in"/"get", field, key) -> answer; ("all", field, None) when
    the mapping is read whole (then the tree's must be empty too)."""

    def __init__(self, asked: dict, field: str) -> None:
        super().__init__()
        self.asked = asked
        self.field = field

    def __bool__(self) -> bool:
        return True  # `reexports or {}` must keep this mapping, empty as it is

    def __contains__(self, key: object) -> bool:
        answer = super().__contains__(key)
        self.asked[("in", self.field, key)] = answer
        return answer

    def get(self, key, default=None):
        answer = super().get(key, _MISSING)
        self.asked[("get", self.field, key)] = answer
        return default if answer is _MISSING else answer

    def __getitem__(self, key):
        if self.get(key, _MISSING) is _MISSING:
            raise KeyError(key)
        return super().__getitem__(key)

    def _whole(self) -> None:
        self.asked[("all", self.field, None)] = True

    def __iter__(self):
        self._whole()
        return super().__iter__()

    def __len__(self) -> int:
        self._whole()
        return super().__len__()

    def keys(self):
        self._whole()
        return super().keys()

    def values(self):
        self._whole()
        return super().values()

    def items(self):
        self._whole()
        return super().items()


class AskedFacts(TreeFacts):
    """What one file says alone (no definitions, outside assignments, re-exports nor callers
    elsewhere), noting each question asked and its answer in ``asked``. Every mapping field of
    TreeFacts is watched, so a fact added to it later is noted too."""

    __slots__ = ("asked",)

    def __init__(self, min_python: tuple[int, int] = (2, 6)) -> None:
        super().__init__(min_python=min_python)
        self.asked: dict[tuple[str, object, object], object] = {}
        for field in TreeFacts._fields:
            if isinstance(getattr(self, field), dict):
                setattr(self, field, _AskedMapping(self.asked, field))

    def defines(self, name: str, except_file: str | None = None) -> bool:
        answer = any(path != except_file for path in dict.get(self.defined, name, ()))
        self.asked[("defines", name, except_file)] = answer
        return answer

    def assigns_outside(self, attr: str, except_file: str | None = None) -> bool:
        answer = any(path != except_file for path in dict.get(self.assigned_outside, attr, ()))
        self.asked[("outside", attr, except_file)] = answer
        return answer


def answers_alike(asked: dict[tuple[str, object, object], object], min_python, facts: TreeFacts) -> bool:
    """Would ``facts`` have answered every question of ``asked`` as it was answered?"""
    if facts.min_python != min_python:
        return False
    for (kind, name, detail), answer in asked.items():
        if kind == "defines":
            now = facts.defines(name, detail)
        elif kind == "outside":
            now = facts.assigns_outside(name, detail)
        elif kind == "in":
            now = detail in getattr(facts, name)
        elif kind == "get":
            now = getattr(facts, name).get(detail, _MISSING)
        else:  # "all": read whole, and empty then
            now = not getattr(facts, name)
        if now != answer:
            return False
    return True


class Ahead(Record):
    """One file fixed in the check pass: what ``fix_file`` makes of it when the tree's facts
    answer ``asked`` alike. ``data``: the bytes it was read as (it is written only over them);
    ``new_text``: None when the file stays as it is."""

    __slots__ = ("asked", "min_python", "data", "new_text", "fixed", "findings", "error")

    def __init__(
        self,
        asked: dict[tuple[str, object, str | None], bool],
        min_python: tuple[int, int],
        data: bytes,
        new_text: str | None = None,
        fixed: list[Finding] | None = None,
        findings: list[Finding] | None = None,
        error: str | None = None,
    ) -> None:
        self.asked = asked
        self.min_python = min_python
        self.data = data
        self.new_text = new_text
        self.fixed = [] if fixed is None else fixed
        self.findings = [] if findings is None else findings  # left for review
        self.error = error

    def holds(self, facts: TreeFacts) -> bool:
        """Would the tree's ``facts`` have answered every question as it was answered?"""
        return answers_alike(self.asked, self.min_python, facts)
