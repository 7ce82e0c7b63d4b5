"""`check` frees each file's tree by reference counting, not by the cycle collector.

check_file pauses gc while a file is analysed (files.collector_paused): the tree and the
walk's records are all alive until the findings are made, and the collector traversed
them again every 700 allocations. That is only sound if nothing the analysis leaves
behind is cyclic: a cycle through the tree would keep a whole file's nodes until the
collector ran. The walk's records (scopes and their children, bindings and their scope,
what it hangs on nodes) are broken up by Collector.dispose, and a failed Python 3 parse
keeps no traceback (its frames reach the caller's analysis).
"""

from __future__ import annotations

import ast
import gc

import pytest

from threadport.fixer import CODES
from threadport.fixer.files import check_file, prefilter

PYTHON3 = """\
import threading

class Worker(threading.Thread):
    def __init__(self):
        super().__init__()
        self.lock = threading.Lock()
        self.done = threading.Condition()

    def run(self):
        self.lock.acquire()
        try:
            items = [x for x in range(3) if x]
        finally:
            self.lock.release()
        return self.done.wait(1)

    def helper(self):
        return threading.Lock()

def make():
    w = Worker()
    w.setDaemon(True)
    print(w.isAlive(), w.getName(), threading.currentThread())
    return (lambda: w)()
"""
# The same in Python 2: its Python 3 parse fails first (parsing.parse), then the shim's parses.
PYTHON2 = PYTHON3.replace("print(w.isAlive(), w.getName(), threading.currentThread())", "print w.isAlive()")


def tree_nodes_left_to_the_collector(path) -> int:
    codes = tuple(CODES)
    pattern = prefilter(codes)
    enabled = gc.isenabled()
    gc.disable()
    try:
        outcome = check_file(path, True, codes, pattern)
        assert outcome.findings and outcome.error is None  # analysed, with findings
        gc.collect()  # what came before (pytest's own garbage, first imports)
        gc.set_debug(gc.DEBUG_SAVEALL)
        try:
            check_file(path, True, codes, pattern)
            gc.collect()
            return sum(isinstance(thing, ast.AST) for thing in gc.garbage)
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
    finally:
        if enabled:
            gc.enable()


@pytest.mark.parametrize("text", [PYTHON3, PYTHON2], ids=["python3", "python2"])
def test_the_analysis_of_a_file_leaves_no_tree_in_a_cycle(tmp_path, text):
    path = tmp_path / "worker.py"
    path.write_text(text)
    assert tree_nodes_left_to_the_collector(path) == 0


def test_the_collector_runs_again_after_each_file(tmp_path):
    path = tmp_path / "worker.py"
    path.write_text(PYTHON3)
    assert gc.isenabled()
    check_file(path, True, tuple(CODES), prefilter(tuple(CODES)))
    assert gc.isenabled()


def test_a_file_fixed_again_is_fixed_with_the_collector_paused(tmp_path, monkeypatch):
    """As in the check pass (which fixes the others ahead): the two analyses of a file fixed
    again, and its rewrite, run without the collector traversing their trees."""
    from threadport.fixer import files
    from threadport.fixer.tree import TreeFacts

    path = tmp_path / "worker.py"
    path.write_text(PYTHON3)
    seen = []
    real_fix_text = files.fix_text

    def fix_text(*args, **kwargs):
        seen.append(gc.isenabled())
        return real_fix_text(*args, **kwargs)

    monkeypatch.setattr(files, "fix_text", fix_text)
    ahead = files._fix_unwritten((path, True), tuple(CODES), prefilter(tuple(CODES)), False, TreeFacts())
    assert ahead is not None and ahead.new_text is not None and ahead.error is None
    assert seen == [False] and gc.isenabled()
