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


class _AskedModules(dict):
    """``TreeFacts.reexports`` noting which module names were looked up."""

    def __init__(self, asked: dict) -> None:
        super().__init__()
        self.asked = asked

    def __bool__(self) -> bool:
        return True  # `reexports or {}` must keep this mapping, empty as it is

    def __contains__(self, module: object) -> bool:
        answer = super().__contains__(module)
        self.asked[("module", module, None)] = answer
        return answer

    def __getitem__(self, module: str) -> frozenset[str]:
        self.asked[("module", module, None)] = True  # only ever after `in` said so
        return super().__getitem__(module)

    def get(self, module, default=None):
        return self[module] if module in self else default

    def __iter__(self):
        raise TypeError("an analysis ahead of the tree's facts may look modules up, not list them")


class AskedFacts(TreeFacts):
    """What one file says alone (no definitions, outside assignments nor re-exports elsewhere),
    noting each question asked and its answer in ``asked``: (kind, name, file) -> answer."""

    __slots__ = ("asked",)

    def __init__(self, min_python: tuple[int, int] = (2, 6)) -> None:
        self.asked: dict[tuple[str, object, str | None], bool] = {}
        super().__init__(min_python=min_python, reexports=_AskedModules(self.asked))

    def defines(self, name: str, except_file: str | None = None) -> bool:
        answer = super().defines(name, except_file)
        self.asked[("defines", name, except_file)] = answer
        return answer

    def assigns_outside(self, attr: str, except_file: str | None = None) -> bool:
        answer = super().assigns_outside(attr, except_file)
        self.asked[("outside", attr, except_file)] = answer
        return answer


def answers_alike(asked: dict[tuple[str, object, str | None], bool], min_python, facts: TreeFacts) -> bool:
    """Would ``facts`` have answered every question of ``asked`` as it was answered?"""
    if facts.min_python != min_python:
        return False
    for (kind, name, except_file), answer in asked.items():
        if kind == "defines":
            now = facts.defines(name, except_file)
        elif kind == "outside":
            now = facts.assigns_outside(name, except_file)
        else:
            now = name in facts.reexports
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
