"""`fix` over a tree rewrites each file in the pass that checks it (fixer/ahead.py).

What the other files say decides what is certain (test_tree_facts.py: those tests go red when a
fix made ahead is kept whatever the tree says); here, that the pass's work is kept when the tree
says nothing new, and that a file changed since it was read is fixed from what it holds now.
"""

from __future__ import annotations

from collections import Counter

from threadport.cli import main
from threadport.fixer import engine, files

FIXABLE = "import threading\nt = threading.Thread()\nt.setDaemon(True)\n"
REPORT_ONLY = "def f(x):\n    return x.isAlive()\n"  # unknown receiver: possible, left for review
OTHER = "import threading\nthreading.currentThread()\n"


def analyses(monkeypatch) -> Counter:
    """How many times each file's text is analysed from now on (check pass, fix, re-analysis)."""
    seen: Counter = Counter()
    real_analyze = engine.analyze

    def counting(text, rules, facts=None, path=None):
        seen[path.rsplit("/", 1)[-1] if path else None] += 1
        return real_analyze(text, rules, facts, path)

    monkeypatch.setattr(engine, "analyze", counting)
    monkeypatch.setattr(files, "analyze", counting)
    return seen


def test_each_file_is_analysed_once_more_only_when_rewritten(tmp_path, capsys, monkeypatch):
    (tmp_path / "fixable.py").write_text(FIXABLE)
    (tmp_path / "report_only.py").write_text(REPORT_ONLY)
    (tmp_path / "quiet.py").write_text("print('hi')\n")
    seen = analyses(monkeypatch)
    assert main(["fix", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert f"Rewrote {tmp_path / 'fixable.py'} (TP009)" in out
    assert "1 finding left for review" in err
    assert (tmp_path / "fixable.py").read_text() == FIXABLE.replace("t.setDaemon(True)", "t.daemon = True")
    assert (tmp_path / "report_only.py").read_text() == REPORT_ONLY
    # checked, then the rewrite checked again; the file with nothing to rewrite: checked only
    assert seen == {"fixable.py": 2, "report_only.py": 1}


def test_a_file_changed_after_the_check_pass_is_fixed_from_its_new_content(tmp_path, capsys, monkeypatch):
    (tmp_path / "a.py").write_text(FIXABLE)
    (tmp_path / "b.py").write_text(FIXABLE)
    real_tree_facts = files.tree_facts

    def then_edited(*args, **kwargs):
        (tmp_path / "b.py").write_text(OTHER)  # another program writes it meanwhile
        return real_tree_facts(*args, **kwargs)

    monkeypatch.setattr(files, "tree_facts", then_edited)
    assert main(["fix", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert err == ""
    assert (tmp_path / "a.py").read_text() == FIXABLE.replace("t.setDaemon(True)", "t.daemon = True")
    assert (tmp_path / "b.py").read_text() == OTHER.replace("currentThread", "current_thread")
    assert f"Rewrote {tmp_path / 'b.py'} (TP002)" in out
