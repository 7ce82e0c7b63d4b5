"""`-` reads one file from standard input: fix writes the source to stdout, check names it --stdin-filename."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from threadport.cli import main


@pytest.fixture
def stdin(monkeypatch):
    def feed(data: bytes) -> None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))

    return feed


def test_fix_dash_prints_the_fixed_source_as_a_pipe_would():
    # the issue's own command line, through a real pipe
    done = subprocess.run(
        [sys.executable, "-m", "threadport", "fix", "-"],
        input=b"import threading\nthreading.currentThread()\n",
        capture_output=True,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, b"import threading\nthreading.current_thread()\n", b"")


def test_fix_dash_keeps_encoding_crlf_and_reports_what_is_left(stdin, capsysbinary):
    source = (
        "# -*- coding: latin-1 -*-\r\nimport threading\r\nname = 'é'\r\nthreading.currentThread()\r\nx.getName()\r\n"
    )
    stdin(source.encode("latin-1"))
    assert main(["fix", "-"]) == 0
    captured = capsysbinary.readouterr()
    assert captured.out == source.replace("currentThread", "current_thread").encode("latin-1")
    assert captured.err == b"1 finding left for review: see `threadport check`.\n"


def test_fix_dash_on_bad_input_echoes_it_unchanged_and_exits_2(stdin, capsysbinary):
    data = b"import threading\nthreading.currentThread(\n"  # does not parse
    stdin(data)
    assert main(["fix", "-", "--stdin-filename", "src/app.py"]) == 2
    captured = capsysbinary.readouterr()
    assert captured.out == data  # a pipe into a file never loses it
    assert captured.err.startswith(b"src/app.py: error: ") and captured.err.count(b"\n") == 1


def test_fix_dash_diff_reads_the_input_in_its_own_encoding(stdin, capsys):
    stdin("# coding: latin-1\nimport threading\nthreading.currentThread()  # é\n".encode("latin-1"))
    assert main(["fix", "-", "--diff", "--stdin-filename", "app.py"]) == 0
    assert capsys.readouterr().out.splitlines()[-2:] == [
        "-threading.currentThread()  # é",
        "+threading.current_thread()  # é",
    ]


def test_check_dash_names_the_findings_after_stdin_filename(stdin, capsys):
    stdin(b"import threading\nthreading.currentThread()\n")
    assert main(["check", "-", "--stdin-filename", "pkg/app.py", "--isolated"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("pkg/app.py:2:11: TP002 ")
    assert out[1] == "Found 1 finding in 1 of 1 files: 1 certain (1 fixable with `threadport fix`), 0 possible."
    stdin(b"print('clean')\n")
    assert main(["check", "-"]) == 0
    assert capsys.readouterr().out == "No findings in 1 file.\n"


@pytest.mark.parametrize("command", ["check", "fix"])
def test_dash_with_other_paths_is_a_usage_error(command, tmp_path, capsys):
    assert main([command, "-", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"threadport {command}: error: `-` (standard input) cannot be combined with other paths\n"
    )


def test_an_excluded_stdin_filename_is_left_alone_with_force_exclude(stdin, capsysbinary, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.threadport]\nexclude = ["vendor"]\n')
    data = b"import threading\nthreading.currentThread()\n"
    stdin(data)
    assert main(["fix", "-", "--stdin-filename", "vendor/lib.py", "--force-exclude"]) == 0
    assert capsysbinary.readouterr().out == data
    stdin(data)
    assert main(["check", "-", "--stdin-filename", "vendor/lib.py", "--force-exclude"]) == 0
    assert capsysbinary.readouterr().out == b"No findings in 0 files.\n"
    stdin(data)  # without --force-exclude the name is only a name
    assert main(["fix", "-", "--stdin-filename", "vendor/lib.py"]) == 0
    assert capsysbinary.readouterr().out == data.replace(b"currentThread", b"current_thread")
