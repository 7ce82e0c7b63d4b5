"""[tool.threadport] in pyproject.toml: honoured, overridden by flags, wrong keys refused;
exclude globs and .gitignore when walking folders."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from threadport.cli import main

THREADED = "import threading\nt = threading.Thread()\nt.setDaemon(True)\nprint(t.isAlive())\nx.getName()\n"


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(THREADED)
    return tmp_path


def config(folder, body: str) -> None:
    (folder / "pyproject.toml").write_text(f"[project]\nname = 'x'\n\n[tool.threadport]\n{body}\n")


def codes(capsys) -> list[str]:
    return [line.split(": ")[1].split()[0] for line in capsys.readouterr().out.splitlines() if ": TP" in line]


def test_select_and_ignore_from_the_file_then_flags_win(project, capsys):
    config(project, 'select = ["TP001", "TP006"]\nignore = ["TP006"]')
    assert main(["check", "."]) == 1
    assert codes(capsys) == ["TP001"]
    assert main(["check", ".", "--select", "TP009"]) == 1  # the flag replaces the file's select
    assert codes(capsys) == ["TP009"]
    assert main(["check", ".", "--select", "TP0", "--ignore", "TP009"]) == 1  # ... and its ignore
    assert codes(capsys) == ["TP001", "TP006"]
    assert main(["check", ".", "--isolated"]) == 1  # no file at all
    assert codes(capsys) == ["TP009", "TP001", "TP006"]


def test_the_nearest_config_upward_is_used_and_config_names_one(project, capsys):
    config(project, 'select = ["TP001"]')
    (project / "sub").mkdir()
    (project / "sub" / "pyproject.toml").write_text("[project]\nname = 'no threadport table'\n")
    (project / "sub" / "b.py").write_text(THREADED)
    elsewhere = project / "elsewhere.toml"
    elsewhere.write_text('[tool.threadport]\nselect = ["TP009"]\n')
    os.chdir(project / "sub")  # monkeypatch restores the folder
    assert main(["check", "b.py"]) == 1
    assert codes(capsys) == ["TP001"]  # sub/pyproject.toml has no [tool.threadport]: the parent's
    assert main(["check", "b.py", "--config", str(elsewhere)]) == 1
    assert codes(capsys) == ["TP009"]


def test_fail_on_and_aggressive_from_the_file_then_flags_win(project, capsys):
    (project / "maybe.py").write_text("x.getName()\nthing.isAlive()\n")
    config(project, 'fail-on = "certain"\naggressive = true')
    assert main(["check", "maybe.py"]) == 0
    assert main(["check", "maybe.py", "--fail-on", "possible"]) == 1
    assert main(["fix", "maybe.py", "--diff", "--no-aggressive"]) == 0  # nothing certain to rewrite
    assert main(["fix", "maybe.py", "--diff"]) == 1  # the file's aggressive = true renames isAlive
    assert "+thing.is_alive()" in capsys.readouterr().out
    assert main(["fix", "maybe.py"]) == 1
    assert main(["fix", "app.py", "--exit-zero"]) == 0  # rewritten, exit 0 all the same
    assert "t.daemon = True" in (project / "app.py").read_text()


def test_exclude_globs_from_the_file_and_the_flags(project, capsys):
    for name in ("legacy/old.py", "tests/fixtures/f.py", "tests/test_x.py", "gen_pb2.py"):
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(THREADED)

    def checked(*flags) -> set[str]:
        main(["check", ".", "--output-format", "json", *flags])
        return {f["path"] for f in json.loads(capsys.readouterr().out)["findings"]}

    everything = {"app.py", "legacy/old.py", "tests/fixtures/f.py", "tests/test_x.py", "gen_pb2.py"}
    assert checked() == everything
    config(project, 'exclude = ["legacy", "tests/fixtures/*"]\nextend-exclude = ["*_pb2.py"]')
    assert checked() == {"app.py", "tests/test_x.py"}
    # --exclude replaces the file's exclude; its extend-exclude stays
    assert checked("--exclude", "tests") == {"app.py", "legacy/old.py"}
    assert checked("--extend-exclude", "app.py") == {"tests/test_x.py"}
    # a file named on the command line is read anyway, unless --force-exclude
    assert main(["check", "legacy/old.py"]) == 1
    capsys.readouterr()
    assert main(["check", "legacy/old.py", "--force-exclude"]) == 0
    assert capsys.readouterr().out == "No findings in 0 files.\n"


def test_bad_config_is_one_line_and_exit_2(project, capsys):
    for body, message in (
        ('selct = ["TP001"]', "[tool.threadport] unknown key 'selct' (known: select, ignore, exclude,"),
        ('select = "TP001"', "[tool.threadport] select must be a list of codes, not 'TP001'"),
        ('fail-on = "never"', "[tool.threadport] fail-on must be one of 'certain', 'possible', not 'never'"),
        ('aggressive = "yes"', "[tool.threadport] aggressive must be true or false, not 'yes'"),
        ('select = ["TP999"]', "--select: unknown code 'TP999'"),
        ("select = [", "not valid TOML"),
    ):
        config(project, body)
        assert main(["check", "app.py"]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("threadport check: error: ") and message in err, err


def test_gitignored_files_are_skipped_inside_a_git_work_tree(project, capsys):
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    (project / ".gitignore").write_text("generated/\nscratch_*.py\n")
    for name in ("generated/g.py", "scratch_1.py", "pkg/kept.py"):
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(THREADED)

    def checked(*flags) -> set[str]:
        main(["check", "--output-format", "json", *flags])
        return {f["path"] for f in json.loads(capsys.readouterr().out)["findings"]}

    assert checked(".") == {"app.py", "pkg/kept.py"}
    assert checked("pkg", "generated") == {"pkg/kept.py"}  # a folder git ignores, walked: nothing in it
    assert checked(".", "--no-respect-gitignore") == {"app.py", "pkg/kept.py", "generated/g.py", "scratch_1.py"}
    config(project, "respect-gitignore = false")
    assert checked(".") == {"app.py", "pkg/kept.py", "generated/g.py", "scratch_1.py"}
    (project / "pyproject.toml").unlink()
    assert checked("scratch_1.py") == {"scratch_1.py"}  # named: read, as ruff does without --force-exclude
    # a tracked file is never ignored, whatever .gitignore says (git's own rule)
    subprocess.run(["git", "-C", str(project), "add", "-f", "scratch_1.py"], check=True)
    assert checked(".") == {"app.py", "pkg/kept.py", "scratch_1.py"}
