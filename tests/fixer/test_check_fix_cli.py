"""`threadport check` and `threadport fix` as a user runs them: output, exit codes, options."""

from __future__ import annotations

import json
import os

from threadport.cli import main

THREADED = "import threading\nt = threading.Thread()\nt.setDaemon(True)\nprint(t.isAlive())\nx.getName()\n"


def write(folder, name, text, encoding="utf-8"):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def test_check_prints_findings_summary_and_exit_1(tmp_path, capsys):
    path = write(tmp_path, "app.py", THREADED)
    assert main(["check", str(tmp_path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{path}:3:3: TP009 setDaemon(v) -> .daemon = v (deprecated since Python 3.10)"
    assert out[1].startswith(f"{path}:4:9: TP001 isAlive() -> is_alive()")
    assert out[2].startswith(f"{path}:5:3: TP006 [possible] getName()")
    assert out[3] == ("Found 3 findings in 1 of 1 files: 2 certain (2 fixable with `threadport fix`), 1 possible.")


def test_check_clean_exit_zero_select_ignore(tmp_path, capsys):
    write(tmp_path, "app.py", THREADED)
    write(tmp_path, "clean.py", "print('hi')\n")
    assert main(["check", str(tmp_path), "--exit-zero"]) == 0
    assert main(["check", str(tmp_path), "--select", "TP002,TP003"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "No findings in 2 files."
    assert main(["check", str(tmp_path), "--ignore", "TP001,TP006"]) == 1
    assert "TP001" not in capsys.readouterr().out
    assert main(["check", str(tmp_path), "--select", "TP999"]) == 2
    assert "unknown code 'TP999'" in capsys.readouterr().err


def test_check_json(tmp_path, capsys):
    path = write(tmp_path, "app.py", THREADED)
    assert main(["check", "--json", str(path)]) == 1
    document = json.loads(capsys.readouterr().out)
    assert [(f["code"], f["line"], f["severity"], f["fixable"]) for f in document["findings"]] == [
        ("TP009", 3, "error", True),
        ("TP001", 4, "error", True),
        ("TP006", 5, "possible", False),
    ]
    assert document["errors"] == [] and document["files"] == 1


def test_walk_skips_tool_folders_but_explicit_files_are_read(tmp_path, capsys):
    for folder in (".git", ".tox", ".venv", "venv", "build", "__pycache__"):
        write(tmp_path, f"{folder}/x.py", THREADED)
    write(tmp_path, "pkg/script", THREADED)  # no .py: only read when named
    assert main(["check", str(tmp_path)]) == 0
    assert main(["check", str(tmp_path / "pkg" / "script")]) == 1
    assert "pkg/script:4:9: TP001" in capsys.readouterr().out


def test_fix_rewrites_prints_changed_files_and_is_idempotent(tmp_path, capsys):
    path = write(tmp_path, "app.py", THREADED)
    untouched = write(tmp_path, "clean.py", "import threading\n")
    os.utime(untouched, (1_000_000, 1_000_000))
    assert main(["fix", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == f"Rewrote {path} (TP001, TP009)\n"
    assert "1 finding left for review" in captured.err
    assert path.read_text() == (
        "import threading\nt = threading.Thread()\nt.daemon = True\nprint(t.is_alive())\nx.getName()\n"
    )
    assert untouched.stat().st_mtime == 1_000_000  # never written
    assert main(["fix", str(tmp_path)]) == 0
    assert capsys.readouterr().out == ""


def test_fix_diff_writes_nothing(tmp_path, capsys):
    path = write(tmp_path, "app.py", THREADED)
    assert main(["fix", "--diff", str(path)]) == 1
    out = capsys.readouterr().out
    assert "-print(t.isAlive())\n+t.daemon = True\n+print(t.is_alive())\n" in out and out.startswith(
        f"--- {path}\n+++ {path}\n"
    )
    assert path.read_text() == THREADED


def test_fix_aggressive_renames_isAlive_on_any_receiver(tmp_path, capsys):
    path = write(tmp_path, "app.py", "def poll(worker):\n    return worker.isAlive()\n")
    assert main(["fix", str(path)]) == 0
    assert main(["fix", "--aggressive", str(path)]) == 1
    assert path.read_text() == "def poll(worker):\n    return worker.is_alive()\n"


def test_check_says_when_aggressive_leaves_a_call_to_a_method_defined_in_another_file(tmp_path, capsys):
    write(tmp_path, "spawn.py", "class Spawn(object):\n    def isAlive(self):\n        return True\n")
    use = write(tmp_path, "use.py", "def poll(p):\n    return p.isAlive()\n")
    assert main(["check", str(tmp_path)]) == 1
    assert "isAlive is defined in this tree, so it is left alone" in capsys.readouterr().out
    assert main(["fix", "--aggressive", str(tmp_path)]) == 0
    assert use.read_text() == "def poll(p):\n    return p.isAlive()\n"


def test_fix_diff_is_a_patch_of_the_file_as_patch_reads_it(tmp_path, capsys):
    # A form feed between sections, a CR inside a triple-quoted string, a CRLF line and no
    # newline at the end: patch tools split lines at "\n" only, so must the diff.
    source = 'import threading\n\x0c\nDOC = """a\rb"""\r\nt = threading.Thread()\nt.setDaemon(True)\nprint(t.isAlive())'
    path = write(tmp_path, "app.py", source)
    assert main(["fix", "--diff", str(path)]) == 1
    diff = capsys.readouterr().out
    old = set(source.split("\n"))
    hunk = diff.split("\n")[3:]  # after the ---, +++ and @@ lines
    assert all(line[1:] in old for line in hunk if line[:1] in (" ", "-")), diff
    assert hunk[-3:] == ["+print(t.is_alive())", "\\ No newline at end of file", ""], diff
    assert path.read_bytes().decode() == source


def test_fix_keeps_file_mode(tmp_path):
    path = write(tmp_path, "tool.py", THREADED)
    path.chmod(0o751)
    assert main(["fix", str(path)]) == 1
    assert path.stat().st_mode & 0o777 == 0o751
    assert not [p for p in tmp_path.iterdir() if p.name != "tool.py"]  # no temporary left behind


def test_pre_commit_hooks_are_declared():
    import pathlib

    hooks = (pathlib.Path(__file__).parents[2] / ".pre-commit-hooks.yaml").read_text()
    for hook in ("id: threadport-fix", "id: threadport-check", "entry: threadport fix", "entry: threadport check"):
        assert hook in hooks


def test_noqa_comments_silence_a_line(tmp_path, capsys):
    text = (
        "import threading\nt = threading.Thread()\n"
        "t.isDaemon()  # noqa: TP008 (this test checks the deprecation warning)\n"
        "t.isAlive()  # noqa\n"
        "t.getName()  # noqa: TP001\n"
    )
    path = write(tmp_path, "app.py", text)
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:5:3: TP006" in out and "TP008" not in out and "TP001" not in out
    assert main(["fix", str(path)]) == 1
    assert path.read_text() == text.replace("t.getName()", "t.name")
