"""py2shim: each Python-2-only shape the shim rewrites, and the tokens it passes over unseen.

shim() looks only at the tokens _tokens() marks (a number, a name it acts on, a string with a
prefix or a backslash, an operator it changes): each row below is one branch of its chain, so
a kind of token left unmarked turns its rows red. The texts are pinned as the full-scan shim
wrote them (byte for byte, with the same python2_only answer).
"""

from __future__ import annotations

import pytest

from threadport.fixer import py2shim
from threadport.fixer.py2shim import shim

# (Python 2 text, the shim's Python 3 text of the same layout, python2_only)
SHAPES = [
    ("print x, y\n", "yield x, y\n", True),
    ("print >>sys.stderr, x\n", "yield   sys.stderr, x\n", False),
    ("if a: print b\n", "if a: yield b\n", True),
    ("a = 1; print a\n", "a = 1; yield a\n", True),
    ("s = 'print x'  # print y\n", "s = 'print x'  # print y\n", False),
    ("exec code in ns\n", "not  code in ns\n", True),
    ("raise E, v\n", "yield E, v\n", True),
    ("raise E(v)\n", "yield E(v)\n", False),
    ("try:\n    pass\nexcept E, e:\n    pass\n", "try:\n    pass\nexcept E. e:\n    pass\n", True),
    ("try:\n    pass\nexcept E, (a, b):\n    pass\n", "try:\n    pass\nexcept E  (a, b):\n    pass\n", True),
    ("x = `y`\n", "x = (y)\n", True),
    ("if a <> b:\n    pass\n", "if a != b:\n    pass\n", False),
    ("mode = 0777\n", "mode = 1777\n", True),
    ("mode = 0600L\n", "mode = 1600 \n", True),
    ("n = 10L + 0x1fL\n", "n = 10  + 0x1f \n", True),
    ("n = 00 + 1jL\n", "n = 10 + 1j \n", False),
    ("n = 7L.bit_length()\n", "n = 7 .bit_length()\n", True),
    ("s = ur'\\n+'\n", "s = r' \\n+'\n", False),
    ('s = UR"x" + Ur\'\'\'y\'\'\' + uR"""z"""\n', 's = r" x" + r\'\'\' y\'\'\' + r""" z"""\n', False),
    ("s = '\\u00e9' + u'\\u00e9' + r'\\u'\n", "s = '_u00e9' + u'\\u00e9' + r'\\u'\n", False),
    ("s = b'été' + rb'é'\n", "s = u'été' + u 'é'\n", False),
    ("def f(a, (b, c)):\n    return b\n", "def f(a, _b, c_):\n    return b\n", False),
    ("g = lambda (a, b): a\n", "g = lambda _a, b_: a\n", False),
    ("async = await = 1\nnonlocal = 2\n", "_sync = _wait = 1\n_onlocal = 2\n", False),
    ("x = xmlrpclib.False\n", "x = xmlrpclib._alse\n", False),
    ("False = 0\nTrue = 1\n", "_alse = 0\n_rue = 1\n", False),
    (
        "from __future__ import print_function\nprint(x)\nprint x\n",
        "from __future__ import print_function\nprint(x)\nprint x\n",
        True,
    ),
    ("x = f'{y}'\nprint x\n", "x = f'{y}'\nyield x\n", False),
    ("foo(\n    print,\n)\nprint\n", "foo(\n    print,\n)\nyield\n", False),
]

# Texts whose answer depends on the whole text (a print_function import, an f-string)
GLOBAL = {"from __future__ import print_function", "f'{y}'"}


@pytest.mark.parametrize(("text", "shimmed", "python2_only"), SHAPES)
def test_each_shape(text, shimmed, python2_only):
    result = shim(text)
    assert (result.text, result.python2_only) == (shimmed, python2_only)
    assert len(result.text) == len(text) and len(result.text.encode()) == len(text.encode())


def test_the_shapes_far_apart_in_one_text():
    """The marked tokens' indexes hold across a long text: each shape after thousands of
    tokens the shim passes over (names, brackets, plain strings, comments, continuations)."""
    filler = "".join(
        f"value_{n} = call(first[{n}], 'plain', (a, b), {{key: [x.attr for x in y]}})  # print x\n"
        f"if value_{n} and not other:\n    result = compute(value_{n}, \\\n        more)\n"
        for n in range(60)
    )
    local = [(text, shimmed) for text, shimmed, _ in SHAPES if not any(part in text for part in GLOBAL)]
    text = filler + filler.join(text for text, _ in local) + filler
    expected = filler + filler.join(shimmed for _, shimmed in local) + filler
    result = shim(text)
    assert result.text == expected
    assert result.python2_only  # print x, 0777, backticks... are not Python 3


def test_the_print_function_import_is_looked_for_only_in_texts_naming_it(monkeypatch):
    """Its regex begins at every line start (about 4 ms a 100 KB file): a text without the
    words is not scanned by it, and one with them still is."""

    class Counted:
        def __init__(self, pattern):
            self.pattern, self.calls = pattern, 0

        def search(self, text):
            self.calls += 1
            return self.pattern.search(text)

    counted = Counted(py2shim._PRINT_FUNCTION)
    monkeypatch.setattr(py2shim, "_PRINT_FUNCTION", counted)
    assert py2shim.shim("print x\n").text == "yield x\n"
    assert counted.calls == 0
    assert py2shim.shim("from __future__ import print_function\nprint(x)\n").text.endswith("print(x)\n")
    assert counted.calls == 1
