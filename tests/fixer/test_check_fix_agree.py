"""`check` says what `fix` does: on every fixture, the fixable findings are the rewritten sites.

Every source in the rule tables (rewrites, no-ops, fallbacks), the showcase's legacy files
and the fixture project is checked and then fixed with every rule; the findings check
calls fixable must be exactly those fix rewrites, and each certain finding check reports
is either fixable or says why it is left for a human.
"""

from __future__ import annotations

import importlib
from collections import Counter
from pathlib import Path

import pytest
from fixer_helpers import src

from threadport.fixer import rules
from threadport.fixer.engine import analyze, apply, fix_text
from threadport.fixer.tree import TreeFacts

ROOT = Path(__file__).parents[2]
TABLE_MODULES = [
    "test_tp001_is_alive",
    "test_tp002_tp003_module_functions",
    "test_tp004_tp005_renames",
    "test_tp006_to_tp009_accessors",
    "test_tp010_lock_with",
    "test_compat",
    "test_receivers_inference",
    "test_receivers_flow",
    "test_tp011_to_tp014_newer_rules",
]
MODULE_LEVEL_ALIAS = src("""
    import threading
    current_thread = threading.currentThread
    currentThread = threading.currentThread

    def name():
        return current_thread().getName()

    def other_name():
        return currentThread().getName()

    if FAST:
        me = threading.currentThread
    else:
        me = threading.current_thread

    def third_name():
        return me().getName()
    """)


def _sources():
    seen = set()
    for module_name in TABLE_MODULES:
        module = importlib.import_module(module_name)
        for table_name, table in vars(module).items():
            if not (table_name.isupper() and isinstance(table, list)):
                continue
            for param in table:
                for value in param.values:
                    if isinstance(value, str) and "\n" in value and value not in seen:
                        seen.add(value)
                        yield pytest.param(value, id=f"{module_name}.{table_name}.{param.id}")
    for path in sorted([*ROOT.glob("legacy/*.py"), *ROOT.glob("tests/fixtures/py2workers/*.py")]):
        yield pytest.param(path.read_text(encoding="utf-8"), id=str(path.relative_to(ROOT)))
    yield pytest.param(MODULE_LEVEL_ALIAS, id="module-level-current_thread-alias")


SOURCES = list(_sources())


def test_there_are_fixtures():
    assert len(SOURCES) > 60


@pytest.mark.parametrize("source", SOURCES)
def test_fixable_findings_are_the_rewritten_sites(source):
    _check_says_what_fix_does(source, TreeFacts())


# TP010 writes ``with a, b:`` only from --min-python 2.7: its tables run there too.
SOURCES_27 = [param for param in SOURCES if param.id.startswith("test_tp010_lock_with.")]


@pytest.mark.parametrize("source", SOURCES_27)
def test_fixable_findings_are_the_rewritten_sites_from_2_7(source):
    _check_says_what_fix_does(source, TreeFacts(min_python=(2, 7)))


def _check_says_what_fix_does(source, facts):
    context, checked = analyze(source, rules(), facts)
    _, first_pass = apply(context, checked, aggressive=False)  # positions still the original ones
    _, fixed, _ = fix_text(source, rules(), facts=facts)  # every pass, as `fix` runs it
    assert [(f.code, f.line, f.col) for f in checked if f.fixable] == [(f.code, f.line, f.col) for f in first_pass]
    assert Counter(f.code for f in checked if f.fixable) == Counter(f.code for f in fixed)
    for finding in checked:
        if not finding.possible and not finding.fixable:
            assert "(" in finding.message and any(
                why in finding.message for why in ("by hand", "left alone", "needs Python", "consider")
            ), finding.message


def test_module_level_alias_name_is_not_renamed_without_its_binding():
    new, fixed, _ = fix_text(MODULE_LEVEL_ALIAS, rules())
    assert "currentThread = threading.current_thread\n" in new
    assert "return currentThread().name\n" in new and "return current_thread().name\n" in new
    assert "return me().name\n" in new
