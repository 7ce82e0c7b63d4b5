"""Helpers for the rule tables: run one rule over a snippet, as `fix` and as `check` would."""

from __future__ import annotations

import textwrap
from pathlib import Path

from threadport.fixer import CODES, rule
from threadport.fixer.engine import Finding, analyze, fix_text
from threadport.fixer.files import Prefilter, _screen
from threadport.fixer.parsing import parse
from threadport.fixer.tree import TreeFacts, threading_reexport
from threadport.fixer.trigger import Matcher


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def fix(text: str, code: str, *, aggressive: bool = False, min_python: tuple[int, int] = (2, 6)) -> str:
    """The rewrite of ``text`` by one rule; also asserts it is idempotent and still parses."""
    facts = TreeFacts(min_python=min_python)
    new, _, _ = fix_text(text, [rule(code)], aggressive, facts)
    again, fixed_again, _ = fix_text(new, [rule(code)], aggressive, facts)
    assert again == new and not fixed_again, "fix is not idempotent"
    assert parse(new).python2 == parse(text).python2
    return new


def findings(text: str, code: str, *, min_python: tuple[int, int] = (2, 6)) -> list[Finding]:
    return analyze(text, [rule(code)], TreeFacts(min_python=min_python))[1]


def severities(text: str, code: str) -> list[str]:
    return ["possible" if f.possible else "certain" for f in findings(text, code)]


def assert_screens_as_each_trigger(folder: Path, texts: list[bytes]) -> None:
    """The prefilter (every rule, then each rule alone) and _screen answer for each text as
    the rules' own triggers do, one by one, and _screen's re-export test as threading_reexport."""
    # Each text in a file of its own, written once: rewriting one file for every text and
    # selection (960 truncations) cost seconds of waiting on the disk.
    paths = [folder / f"screened{i}.py" for i in range(len(texts))]
    for path, data in zip(paths, texts):
        path.write_bytes(data)
    for codes in (CODES, *((code,) for code in CODES)):
        pattern = Prefilter(codes)
        for path, data in zip(paths, texts):
            alone = any(Matcher(rule(code).TRIGGER).search(data) for code in codes)
            assert pattern.search(data) == alone, (codes, data[:80])
            size, reexports = _screen((path, False), pattern)
            assert (size is not None, reexports) == (alone, threading_reexport(data)), (codes, data[:80])
