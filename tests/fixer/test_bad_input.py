"""Bad and unusual input: one line per bad file naming it, others still processed, no data lost."""

from __future__ import annotations

import os

import pytest

from threadport.cli import main

GOOD = "import threading\nt = threading.Thread()\nt.isAlive()\n"


@pytest.fixture
def good(tmp_path):
    path = tmp_path / "good.py"
    path.write_text(GOOD)
    return path


BAD = [
    pytest.param(
        b"import threading\n\xff\xfe t.isAlive()\n", "cannot decode as utf-8: byte 0xff on line 2", id="undecodable"
    ),
    pytest.param(b"\x7fELF\x02\x01\x00\x00isAlive", "binary file", id="binary"),
    pytest.param(b"# -*- coding: klingon -*-\nt.isAlive()\n", "bad coding declaration", id="unknown-cookie"),
    pytest.param(b"def f(:\n    t.isAlive()\n", "syntax error in both grammars", id="syntax-error"),
]


@pytest.mark.parametrize(("data", "reason"), BAD)
@pytest.mark.parametrize("command", ["check", "fix"])
def test_bad_file_is_reported_others_processed_exit_2(tmp_path, good, capsys, command, data, reason):
    bad = tmp_path / "bad.py"
    bad.write_bytes(data)
    assert main([command, str(bad), str(good)]) == 2
    captured = capsys.readouterr()
    (line,) = (line for line in captured.err.splitlines() if line.startswith(str(bad)))
    assert line.startswith(f"{bad}: error: ") and reason in line
    assert bad.read_bytes() == data
    if command == "fix":
        assert good.read_text() == GOOD.replace("isAlive", "is_alive")
    else:
        assert f"{good}:3:3: TP001" in captured.out
        # The summary counts the files that were checked, not the one that could not be.
        assert " in 1 of 1 files: " in captured.out.splitlines()[-1]


def test_unreadable_and_missing(tmp_path, good, capsys):
    locked = tmp_path / "locked.py"
    locked.write_text(GOOD)
    locked.chmod(0)
    missing = tmp_path / "missing.py"
    try:
        code = main(["fix", str(locked), str(missing), str(good)])
    finally:
        locked.chmod(0o644)
    err = capsys.readouterr().err
    assert code == 2
    assert f"{missing}: error: cannot read: No such file or directory" in err
    if "root" not in err and __import__("os").geteuid() != 0:  # root reads anything
        assert f"{locked}: error: cannot read: Permission denied" in err
    assert good.read_text() == GOOD.replace("isAlive", "is_alive")


VALID = [
    pytest.param(
        "# -*- coding: latin-1 -*-\n# caf\xe9\nimport threading\nt = threading.Thread()\nt.isAlive()\n",
        "latin-1",
        id="latin-1-cookie",
    ),
    pytest.param(GOOD, "utf-8-sig", id="bom"),
    pytest.param(GOOD.replace("\n", "\r\n"), "utf-8", id="crlf"),
    pytest.param(
        "import threading\ndef f():\n\tt = threading.Thread()\n\tif t.isAlive():\n\t\tprint 'tabs'\n",
        "utf-8",
        id="tabs-python2",
    ),
    pytest.param(
        "import threading\nclass T(threading.Thread):\n    def f(self):\n\tprint self.isAlive()\n",
        "utf-8",
        id="mixed-tabs-python2",
    ),
    pytest.param(
        "# caf\u00e9 \u201cquoted\u201d\nimport threading\nt = threading.Thread()\nprint t.isAlive()\n",
        "utf-8",
        id="utf-8-no-cookie-python2",
    ),
]


@pytest.mark.parametrize(("text", "encoding"), VALID)
def test_valid_unusual_files_are_fixed_and_preserved(tmp_path, capsys, text, encoding):
    path = tmp_path / "unusual.py"
    path.write_bytes(text.encode(encoding))
    assert main(["fix", str(path)]) == 1
    expected = text.replace("isAlive", "is_alive").encode(encoding)
    assert path.read_bytes() == expected
    assert main(["fix", str(path)]) == 0
    assert main(["check", str(path)]) == 0


def test_empty_file_is_clean(tmp_path, capsys):
    path = tmp_path / "empty.py"
    path.write_bytes(b"")
    assert main(["check", str(path)]) == 0
    assert main(["fix", str(path)]) == 0
    assert path.read_bytes() == b""


PYTHON2_ONLY = r"""import sys, threading
t = threading.Thread()
try:
    mode = 0777 + 10L
except OSError, e:
    print >>sys.stderr, `e`, ur'raw\d'
exec "pass" in {}
if t.isAlive() <> True: raise ValueError, "not alive"
def f(a, (b, c)): return lambda (k, v): t.isDaemon()
print "done", t.getName()
"""


def test_python2_only_file_is_checked_and_fixed_as_python2(tmp_path, capsys):
    path = tmp_path / "old.py"
    path.write_text(PYTHON2_ONLY)
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:8:6: TP001" in out and f"{path}:9:43: TP008" in out and f"{path}:10:17: TP006" in out
    assert main(["fix", str(path)]) == 1
    expected = PYTHON2_ONLY.replace("t.isAlive()", "t.is_alive()").replace("t.isDaemon()", "t.daemon")
    assert path.read_text() == expected.replace("t.getName()", "t.name")


def test_python2_assigning_true_and_false_is_analyzed(tmp_path, capsys):
    """2.2-era fallbacks bind True and False, names in Python 2 (paste's subprocess24.py)."""
    text = "try:\n    False\nexcept NameError:\n    False = 0\n    True = 1\nimport threading\n"
    text += "t = threading.Thread()\nt.setDaemon(True)\nprint t.isAlive() == False\n"
    path = tmp_path / "old.py"
    path.write_text(text)
    assert main(["fix", str(path)]) == 1
    assert path.read_text() == text.replace("t.setDaemon(True)", "t.daemon = True").replace("isAlive", "is_alive")


def test_migrate_says_so_when_a_file_is_not_utf8(tmp_path, capsys):
    path = tmp_path / "latin.py"
    data = b"# caf\xe9, no coding cookie\nprint 'x'\n"
    path.write_bytes(data)
    assert main(["migrate", str(path)]) == 2
    assert f"{path}: error: cannot decode as utf-8: byte 0xe9 on line 1" in capsys.readouterr().err
    assert path.read_bytes() == data


@pytest.mark.parametrize("size", [0, 1, 4095, 4096, (1 << 20) - 1, 1 << 20, (1 << 20) + 5, 3 << 20])
def test_read_bytes_reads_every_byte_whatever_the_size(tmp_path, size):
    from threadport.fixer.source import read_bytes

    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    path = tmp_path / "sized.py"
    path.write_bytes(data)
    assert read_bytes(path) == data


@pytest.mark.parametrize("told", [0, 3, 9, 10, 11, 5000])
def test_a_file_read_on_to_its_end_whatever_size_it_was_when_opened(tmp_path, told):
    """read_bytes asks first for the size the file had when opened (and a byte more): a file
    that has grown since, or shrunk, is still read to its end."""
    from threadport.fixer.source import _read_all

    path = tmp_path / "grown.py"
    path.write_bytes(b"0123456789" * 300)
    fd = os.open(path, os.O_RDONLY)
    try:
        assert _read_all(fd, told) == b"0123456789" * 300
    finally:
        os.close(fd)
