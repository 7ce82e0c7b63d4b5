"""The shared node index holds exactly the nodes ast.walk visits, by class."""

from __future__ import annotations

import ast
from pathlib import Path

from threadport.fixer import compat
from threadport.fixer.nodes import index_nodes

SEED = Path(__file__).resolve().parents[2] / "modern" / "threading_notes.py"


def test_the_index_has_every_node_ast_walk_visits_once():
    source = compat.__file__  # a real module with ifs, tries, nested expressions and comprehensions
    for path in (Path(source), SEED):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        walked = sorted((type(node).__name__, id(node)) for node in ast.walk(tree))
        indexed = sorted((kind.__name__, id(node)) for kind, nodes in index_nodes(tree).items() for node in nodes)
        assert indexed == walked
        assert all(type(node) is kind for kind, nodes in index_nodes(tree).items() for node in nodes)
