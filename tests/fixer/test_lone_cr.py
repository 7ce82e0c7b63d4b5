"""A lone CR inside a string is accepted; a file with no threading code is never parsed at all."""

from __future__ import annotations

from threadport.cli import main

IN_STRING = b'import threading\nx = """a\rb"""\nt = threading.Thread()\nt.isAlive()\n'


def test_cr_inside_a_string_is_fixed_and_kept(tmp_path, capsys):
    path = tmp_path / "cr.py"
    path.write_bytes(IN_STRING)
    assert main(["check", str(path)]) == 1
    assert f"{path}:4:3: TP001 isAlive()" in capsys.readouterr().out
    assert main(["fix", str(path)]) == 1
    assert path.read_bytes() == IN_STRING.replace(b"isAlive", b"is_alive")


def test_no_trigger_word_no_error_even_with_lone_cr_line_ends(tmp_path, capsys):
    (tmp_path / "mac.py").write_bytes(b"x = 1\ry = 2\n")
    assert main(["check", "--exit-zero", str(tmp_path)]) == 0
    assert main(["fix", str(tmp_path)]) == 0


def test_lone_cr_line_ends_in_threading_code_are_one_clear_error(tmp_path, capsys):
    path = tmp_path / "mac.py"
    path.write_bytes(b"import threading\rt = threading.Thread()\rt.isAlive()\n")
    assert main(["check", "--exit-zero", str(path)]) == 2
    assert capsys.readouterr().err.startswith(f"{path}: error: lone CR line ends (classic Mac OS) are not supported")
