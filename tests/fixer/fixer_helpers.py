"""Helpers for the rule tables: run one rule over a snippet, as `fix` and as `check` would."""

from __future__ import annotations

import textwrap

from threadport.fixer import rule
from threadport.fixer.engine import Finding, analyze, fix_text
from threadport.fixer.parsing import parse
from threadport.fixer.tree import TreeFacts


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
