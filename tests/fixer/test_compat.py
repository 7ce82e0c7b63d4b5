"""Compatibility fallbacks are reported [compat] and left alone; --min-python bounds every rewrite."""

from __future__ import annotations

import pytest
from fixer_helpers import findings, fix, src

from threadport.cli import main
from threadport.fixer import rules
from threadport.fixer.engine import fix_text
from threadport.fixer.min_python import from_text, project_min_python
from threadport.fixer.tree import TreeFacts

FALLBACKS = [
    pytest.param(
        src("""
            import threading
            t = threading.Thread()
            if hasattr(threading.Thread, "daemon"):
                d = t.daemon
            else:
                d = t.isDaemon()
            """),
        "TP008",
        id="hasattr-daemon",
    ),
    pytest.param(
        src("""
            import sys, threading
            t = threading.Thread()
            if sys.version_info < (2, 6):
                t.setDaemon(True)
            else:
                t.daemon = True
            """),
        "TP009",
        id="version-info",
    ),
    pytest.param(
        src("""
            try:
                from threading import current_thread
            except ImportError:
                from threading import currentThread as current_thread
            """),
        "TP002",
        id="try-import",
    ),
    pytest.param(
        src("""
            import threading
            try:
                me = threading.current_thread
            except AttributeError:
                me = threading.currentThread
            """),
        "TP002",
        id="try-attribute",
    ),
    pytest.param(
        src("""
            import threading
            try:
                from threading import currentThread
            except ImportError:
                pass
            print(currentThread())
            """),
        "TP002",
        id="uses-of-a-fallback-import",
    ),
]


@pytest.mark.parametrize(("source", "code"), FALLBACKS)
def test_fallbacks_are_compat_and_unchanged(source, code):
    found = findings(source, code)
    assert found and all(not f.fixes for f in found)
    assert any(f.compat and "compatibility fallback" in f.message for f in found)
    assert fix(source, code) == source


def test_code_outside_the_guard_is_still_fixed():
    source = src("""
        import threading
        t = threading.Thread()
        if hasattr(threading.Thread, "daemon"):
            d = t.daemon
        else:
            d = t.isDaemon()
        print(t.isDaemon())
        """)
    assert fix(source, "TP008").endswith("print(t.daemon)\n")


def test_min_python_bounds_the_rewrites():
    source = "import threading\nt = threading.Thread()\nt.setDaemon(True)\n"
    new, fixed, left = fix_text(source, rules(("TP009",)), facts=TreeFacts(min_python=(2, 5)))
    assert new == source and not fixed
    assert "the rewrite needs Python 2.6; --min-python is 2.5" in left[0].message
    new, fixed, _ = fix_text(source, rules(("TP009",)), facts=TreeFacts(min_python=(2, 6)))
    assert new.endswith("t.daemon = True\n") and fixed


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("pyproject.toml", '[project]\nrequires-python = ">=3.8"\n', (3, 8)),
        ("setup.cfg", "[options]\npython_requires = >=2.7, !=3.0.*\n", (2, 7)),
        (
            "setup.py",
            "setup(classifiers=['Programming Language :: Python :: 2.5',\n'Programming Language :: Python :: 2.7'])\n",
            (2, 5),
        ),
        ("setup.py", "setup(name='x')\n", (2, 6)),
    ],
)
def test_default_min_python_from_the_project(tmp_path, name, text, expected):
    (tmp_path / name).write_text(text)
    (tmp_path / "pkg").mkdir()
    assert project_min_python([str(tmp_path / "pkg")])[0] == expected
    assert from_text("nothing here") is None


def test_cli_min_python_and_compat_mark(tmp_path, capsys):
    (tmp_path / "setup.py").write_text("classifiers=['Programming Language :: Python :: 2.4']\n")
    app = tmp_path / "app.py"
    body = "import threading\nt = threading.Thread()\nt.setDaemon(True)\nif hasattr(t, 'daemon'):\n    t.isDaemon()\n"
    app.write_text(body)
    assert main(["fix", str(tmp_path)]) == 0  # the project still supports 2.4
    assert app.read_text() == body
    assert main(["check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "app.py:5:7: TP008 [compat] isDaemon() -> .daemon" in out
    assert out.splitlines()[-1].endswith("0 fixable with `threadport fix`), 0 possible, 1 in compatibility fallbacks.")
    assert main(["fix", "--min-python", "2.6", str(tmp_path)]) == 1
    assert app.read_text().splitlines()[2:] == ["t.daemon = True", "if hasattr(t, 'daemon'):", "    t.isDaemon()"]
    assert main(["fix", "--min-python", "two", str(tmp_path)]) == 2
    assert "not a version like 2.6" in capsys.readouterr().err
