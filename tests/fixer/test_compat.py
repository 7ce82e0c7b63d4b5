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


GUARDED = src("""
    import sys, threading
    t = threading.Thread()
    if sys.version_info < (2, 6):
        t.setDaemon(True)
    elif hasattr(t, "daemon"):
        t.daemon = True
    if t:
        if getattr(t, "name", None):
            pass
    try:
        from threading import current_thread
    except (ImportError, AttributeError):
        from threading import currentThread as current_thread
    finally:
        pass
    try:
        import thread
        import dummy_threading
        import _thread
        import _dummy_thread
    except ImportError:
        pass
    if (sys.
            hexversion > 0x2060000):
        t.isDaemon()
    """)


@pytest.mark.parametrize("text", [text for text, *_ in (p.values for p in FALLBACKS)] + [GUARDED])
def test_guards_asked_line_by_line_answer_as_the_guards_found_at_once(text):
    """Guards looks only at the statements around a line asked about, then at every guard
    once EAGER lines were asked: both must answer as the ranges of guarded_lines."""
    from threadport.fixer.compat import Guards, guarded_lines
    from threadport.fixer.engine import analyze

    context, _ = analyze(text, rules(("TP001",)))
    branches = context.collected.branches
    ranges = guarded_lines(branches)
    assert ranges, "the text has guards: the case is not empty"
    lines = range(0, text.count("\n") + 3)
    expected = [any(first <= line <= last for first, last in ranges) for line in lines]
    assert True in expected and False in expected
    assert [line in Guards(branches) for line in lines] == expected  # each asked first
    asked = Guards(branches)
    rounds = Guards.EAGER // len(lines) + 2  # the lines asked again and again, past EAGER questions
    assert [line in asked for _ in range(rounds) for line in lines] == expected * rounds
    assert asked.ranges == ranges  # ...and then found at once
