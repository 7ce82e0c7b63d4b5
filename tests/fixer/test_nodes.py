"""The shared statement index holds exactly the statements ast.walk visits, by class."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from threadport.fixer import compat
from threadport.fixer.nodes import index_statements

SEED = Path(__file__).resolve().parents[2] / "modern" / "threading_notes.py"


NESTED = """
import a
def f():
    import b
    class C:
        import c
        def g(self):
            try:
                import d
            except ImportError:
                import e
            else:
                import f
            finally:
                import g
    while x:
        import h
    else:
        import i
    for y in z:
        with w:
            if q:
                import j
            elif r:
                import k
            else:
                import l
async def h():
    async for u in v:
        async with t:
            import m
"""
MATCH = "match p:\n    case 1:\n        import n\n    case _:\n        import o\n"


def test_the_index_has_every_statement_ast_walk_visits_once():
    texts = [Path(compat.__file__).read_text(encoding="utf-8"), SEED.read_text(encoding="utf-8"), NESTED]
    if sys.version_info >= (3, 10):
        texts.append(MATCH)
    for text in texts:
        tree = ast.parse(text)
        walked = sorted((type(node).__name__, id(node)) for node in ast.walk(tree) if isinstance(node, ast.stmt))
        index = index_statements(tree)
        indexed = sorted((kind.__name__, id(node)) for kind, nodes in index.items() for node in nodes)
        assert indexed == walked
        assert all(type(node) is kind for kind, nodes in index.items() for node in nodes)
    assert len(index_statements(ast.parse(NESTED))[ast.Import]) == 13


def test_the_statements_the_walk_keeps_are_those_ast_walk_visits(monkeypatch):
    """Context.statements answers for if and import statements from the scopes walk, without
    a pass of its own over the blocks (engine._COLLECTED_STATEMENTS)."""
    from threadport.fixer import CODES, engine, rules
    from threadport.fixer.parsing import parse

    def no_index(tree):
        raise AssertionError("the walk kept these: no index needed")

    monkeypatch.setattr(engine, "index_statements", no_index)
    extra = "try:\n    import p\nexcept E:\n    if a:\n        from q import r\n"
    texts = [Path(compat.__file__).read_text(encoding="utf-8"), SEED.read_text(encoding="utf-8"), NESTED, extra]
    if sys.version_info >= (3, 10):
        texts.append(MATCH)
    for text in texts:
        context = engine.Context(text, parse(text), rules=rules(CODES))
        for kinds in ((ast.If,), (ast.Import,), (ast.ImportFrom,), (ast.Import, ast.ImportFrom)):
            walked = sorted(id(node) for node in ast.walk(context.tree) if type(node) in kinds)
            assert sorted(map(id, context.statements(*kinds))) == walked, (kinds, text[:40])
    assert len(engine.Context(NESTED, parse(NESTED), rules=rules(CODES)).statements(ast.Import)) == 13


def test_the_scopes_walk_does_not_look_inside_nodes_that_hold_none(monkeypatch):
    """Constants, contexts and operators (a fifth of the nodes) hold no node: the walk passes
    them by instead of looking through their fields (scopes._LEAVES)."""
    from threadport.fixer import scopes

    looked = []
    real = scopes.Collector.generic

    def generic(self, node, scope):
        looked.append(type(node))
        return real(self, node, scope)

    monkeypatch.setattr(scopes.Collector, "generic", generic)
    text = "x = a[1] + -b\ny = (c, *d) == [e] and not f or 'g'\ndel h[0]\n"
    scopes.collect(ast.parse(text), frozenset(), frozenset())
    assert looked and not set(looked) & scopes._LEAVES
    assert ast.Constant in scopes._LEAVES and ast.Load in scopes._LEAVES and ast.Add in scopes._LEAVES
    assert all(not kind._fields for kind in scopes._LEAVES - {ast.Constant})
