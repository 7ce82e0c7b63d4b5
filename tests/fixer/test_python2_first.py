"""A file the shim finds certainly not Python 3 (py2shim.Shim.python2_only) is parsed as
Python 2 at once, without the Python 3 attempt; the result must be that of the usual order."""

from __future__ import annotations

import ast
import sys

import pytest

from threadport.fixer import parsing
from threadport.fixer.py2shim import shim

PYTHON2_ONLY = [
    "import threading\nprint threading.currentThread()\n",
    "print 'x', 1\n",
    "def f():\n    print\n    print x\n",
    "exec code in namespace\n",
    "exec 'x = 1'\n",
    "raise ValueError, 'message'\n",
    "if x: raise E, v, tb\n",
    "x = 10L\n",
    "x = 0x1fL\n",
    "os.chmod(path, 0600)\n",
    "x = `y`\n",
    "print \\\n    x\n",
]
if sys.version_info < (3, 14):  # 3.14 takes `except A, B:` (PEP 758)
    PYTHON2_ONLY.append("try:\n    pass\nexcept ValueError, error:\n    pass\n")

PYTHON3_TOO = [
    "print >>f, x\n",  # (print >> f), x
    "print if a else b\n",
    "print (x)\n",
    "x = print not in y\n",
    "x = 00\n",
    "x = 07.5 + 07e5 + 07j\n",
    "raise (E, v)\n",
    "raise E(a, b)\n",
    "raise E; x = 1, 2\n",
    "try:\n    pass\nexcept (A, B):\n    pass\n",
    "print 'x'\n" + 'y = f"{z}"\n',  # an f-string: this lexer's tokens may not be Python's
    'x = f"{d["k"]};print y"\n',  # (3.12+: the print is in the f-string)
]


def usual_order(text: str, monkeypatch) -> tuple:
    """parse() as it was: the Python 3 attempt first."""
    with monkeypatch.context() as patch:
        patch.setattr(parsing, "_looks_like_python2", lambda text: False)
        return described(text)


def described(text: str) -> tuple:
    try:
        parsed = parsing.parse(text)
    except parsing.ParseFailure as error:
        return ("failure", str(error))
    shifted = parsed.shim.shifted if parsed.shim else None
    return parsed.python2, ast.dump(parsed.tree, include_attributes=True), shifted


@pytest.mark.parametrize("text", PYTHON2_ONLY)
def test_what_no_python_3_accepts_is_parsed_as_python_2_at_once(text, monkeypatch):
    assert shim(text).python2_only
    with pytest.raises(SyntaxError):
        ast.parse(text)  # the claim: no Python 3 accepts it
    assert described(text) == usual_order(text, monkeypatch)
    assert described(text)[0] is True


@pytest.mark.parametrize("text", PYTHON3_TOO)
def test_what_python_3_may_accept_goes_the_usual_way(text, monkeypatch):
    assert not shim(text).python2_only
    assert described(text) == usual_order(text, monkeypatch)


@pytest.mark.parametrize(
    ("text", "hinted"),
    [
        ("    print x\n", True),
        ("exec code\n", True),
        ("  raise E, v\n", True),
        ("except os.error, e:\n", True),
        ('def f():\n    """\n    >>> print x\n    """\n', False),
        ("x = 1  # print x\n", False),
        ("print(x)\nraise E(a, b)\n", False),
    ],
)
def test_the_hint_is_a_python_2_statement_first_on_its_line(text, hinted):
    assert parsing._looks_like_python2(text) is hinted
