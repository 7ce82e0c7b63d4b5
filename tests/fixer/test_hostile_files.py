"""Hostile files and environments (issue 9, items 1-8): no hang, no traceback, no lost write.

Each bad file gets one `path: error: reason` line on stderr and exit status 2 (1 means
findings only); the other files are still processed. Cases that used to hang run in a
subprocess with a timeout, which guards against a hang and asserts no speed.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from availability import unavailable

import threadport.fixer.files as files_module
from threadport.cli import main
from threadport.fixer import chunks

GOOD = "import threading\nt = threading.Thread()\nt.isAlive()\n"
FIXED = GOOD.replace("isAlive", "is_alive")
HANG_GUARD = 120  # seconds; a guard against hanging for ever, not a speed target


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def threadport(*args: str, **kwargs) -> subprocess.CompletedProcess:
    """`python -m threadport ARGS` in a fresh process (a hang fails the test, never blocks the suite)."""
    try:
        return subprocess.run(
            [sys.executable, "-m", "threadport", *args], capture_output=True, text=True, timeout=HANG_GUARD, **kwargs
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"threadport {' '.join(args)} still running after {HANG_GUARD} s: it hangs")


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ": error: " in line]


def assert_no_traceback(done: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in done.stderr, done.stderr


# -- 1. FIFOs --------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["check", "fix"])
def test_fifo_named_on_the_command_line_is_refused_not_read(tmp_path, command):
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    good = write(tmp_path / "good.py", GOOD)
    done = threadport(command, str(fifo), str(good))
    assert_no_traceback(done)
    assert done.returncode == 2
    assert error_lines(done.stderr) == [f"{fifo}: error: not a regular file (a named pipe)"]
    if command == "fix":
        assert good.read_text() == FIXED
    else:
        assert f"{good}:3:3: TP001" in done.stdout


@pytest.mark.parametrize("command", ["check", "fix"])
def test_fifo_found_in_a_folder_is_reported(hostile_runs, command):
    root, _, _, done = hostile_runs[command]  # the folder holds a FIFO named not_python too
    assert_no_traceback(done)
    assert done.returncode == 2
    pipes = [line for line in error_lines(done.stderr) if "named pipe" in line]
    assert pipes == [f"{root / 'fifo.py'}: error: not a regular file (a named pipe)"]  # not_python: not ours
    good = root / "good.py"  # the run goes on
    assert (good.read_text() == FIXED) if command == "fix" else (f"{good}:3:3: TP001" in done.stdout)


# -- 2. symlinks -------------------------------------------------------------------------


def test_fix_writes_through_a_symlink_named_directly_and_found_in_a_folder(tmp_path, capsys):
    target_a = write(tmp_path / "real" / "a.py", GOOD)
    target_b = write(tmp_path / "real" / "b.py", GOOD)
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "link_a.py").symlink_to(target_a)
    (tree / "link_b.py").symlink_to(Path("..") / "real" / "b.py")  # relative links too
    assert main(["fix", str(tree / "link_a.py")]) == 1
    assert main(["fix", str(tree)]) == 1
    for link, target in ((tree / "link_a.py", target_a), (tree / "link_b.py", target_b)):
        assert link.is_symlink(), f"{link} was replaced by a regular file"
        assert target.read_text() == FIXED
    assert sorted(p.name for p in target_a.parent.iterdir()) == ["a.py", "b.py"]  # no temporary left


def test_symlinked_folders_found_while_walking_are_not_entered_as_in_ruff(tmp_path, capsys):
    write(tmp_path / "vendor" / "dep.py", GOOD)
    project = tmp_path / "project"
    write(project / "app.py", GOOD)
    (project / "vendored").symlink_to(tmp_path / "vendor")
    assert main(["check", str(project)]) == 1
    out = capsys.readouterr().out
    assert "app.py:3:3: TP001" in out and "dep.py" not in out
    assert main(["check", str(project / "vendored")]) == 1  # named on the command line: walked
    assert "dep.py:3:3: TP001" in capsys.readouterr().out


# -- 3. owner, group, read-only ----------------------------------------------------------


def test_fix_keeps_owner_and_group(tmp_path, capsys):
    path = write(tmp_path / "theirs.py", GOOD)
    if os.geteuid() == 0:
        owner = (65534, 65534)  # nobody / nogroup
    else:
        others = [gid for gid in os.getgroups() if gid != os.getegid()]
        if not others:
            unavailable("keeping a file's group needs root or a second group", "THREADPORT_REQUIRE_OWNERSHIP")
        owner = (os.geteuid(), others[0])
    os.chown(path, *owner)
    assert main(["fix", str(path)]) == 1
    assert path.read_text() == FIXED
    assert (path.stat().st_uid, path.stat().st_gid) == owner


def test_read_only_file_is_refused_even_for_root(tmp_path, capsys):
    locked = write(tmp_path / "locked.py", GOOD)
    locked.chmod(0o444)
    good = write(tmp_path / "good.py", GOOD)
    assert main(["fix", str(tmp_path)]) == 2
    assert error_lines(capsys.readouterr().err) == [f"{locked}: error: read-only file (mode 0444); left unchanged"]
    assert locked.read_text() == GOOD and stat.S_IMODE(locked.stat().st_mode) == 0o444
    assert good.read_text() == FIXED
    assert main(["fix", "--diff", str(locked)]) == 1  # a diff writes nothing: nothing to refuse


# -- 4. crashes: one line, exit 2, the run goes on --------------------------------------


@pytest.mark.parametrize("command", ["check", "fix"])
def test_symlink_loops_in_a_folder_are_one_line_each(hostile_runs, command):
    root, _, _, done = hostile_runs[command]  # folder loops too (self, pkg/here): not entered
    assert_no_traceback(done)
    assert done.returncode == 2
    assert [line for line in error_lines(done.stderr) if ": error: cannot read: " in line] == [
        f"{root / 'dangling.py'}: error: cannot read: No such file or directory",
        f"{root / 'loop_a.py'}: error: cannot read: Too many levels of symbolic links",
        f"{root / 'loop_b.py'}: error: cannot read: Too many levels of symbolic links",
    ]
    good = root / "pkg" / "deeper" / "good.py"
    assert (good.read_text() == FIXED) if command == "fix" else (f"{good}:3:3: TP001" in done.stdout)


@pytest.mark.parametrize("command", ["check", "fix"])
def test_parser_stack_overflow_is_one_line(tmp_path, capsys, command):
    minus = write(tmp_path / "minus.py", "x = " + "-" * 100_000 + "1\nt.isAlive()\n")
    good = write(tmp_path / "good.py", GOOD)
    assert main([command, str(minus), str(good)]) == 2
    (line,) = error_lines(capsys.readouterr().err)
    assert line.startswith(f"{minus}: error: too deeply nested: Python's parser gives up (")
    assert minus.read_text().endswith("1\nt.isAlive()\n")
    assert command == "check" or good.read_text() == FIXED


@pytest.mark.parametrize("command", ["check", "fix"])
def test_any_unforeseen_failure_is_one_line_and_the_run_goes_on(tmp_path, capsys, monkeypatch, command):
    from threadport.fixer import tp001_is_alive

    real_find = tp001_is_alive.find

    def find(context):
        if "boom" in context.text:
            raise KeyError("a bug in a rule")
        return real_find(context)

    monkeypatch.setattr(tp001_is_alive, "find", find)
    bad = write(tmp_path / "a_bad.py", "boom = 1\n" + GOOD)
    good = write(tmp_path / "b_good.py", GOOD)
    assert main([command, str(tmp_path)]) == 2
    assert error_lines(capsys.readouterr().err) == [
        f"{bad}: error: internal error (KeyError: 'a bug in a rule'); file left unchanged, please report it"
    ]
    assert bad.read_text() == "boom = 1\n" + GOOD
    assert command == "check" or good.read_text() == FIXED


# -- 5. folders that cannot be listed ------------------------------------------------------


def unprivileged(*args: str) -> subprocess.CompletedProcess:
    """threadport ARGS without root's power to read every folder.

    As root, the run keeps uid 0 (so the interpreter stays reachable, wherever it lives: a
    pyenv under /root is closed to other users) but loses the capabilities that bypass file
    permissions; elsewhere it runs as we are.
    """
    if os.geteuid() != 0:
        return threadport(*args)
    setpriv = shutil.which("setpriv")  # util-linux
    if setpriv is None:
        unavailable("dropping root's file capabilities needs setpriv (util-linux)", "THREADPORT_REQUIRE_OWNERSHIP")
    command = [setpriv, "--bounding-set=-dac_override,-dac_read_search", sys.executable, "-m", "threadport"]
    try:
        return subprocess.run([*command, *args], capture_output=True, text=True, timeout=HANG_GUARD)
    except subprocess.TimeoutExpired:
        pytest.fail(f"threadport {' '.join(args)} still running after {HANG_GUARD} s: it hangs")


@pytest.mark.parametrize("command", ["check", "fix"])
def test_folder_that_cannot_be_listed_is_reported(hostile_runs, command):
    root, _, _, done = hostile_runs[command]  # run by unprivileged(): root's power to list it dropped
    assert_no_traceback(done)
    assert done.returncode == 2
    listed = [line for line in error_lines(done.stderr) if "cannot list" in line]
    assert listed == [f"{root / 'locked'}: error: cannot list folder: Permission denied"]
    good = root / "good.py"
    assert (good.read_text() == FIXED) if command == "fix" else (f"{good}:3:3: TP001" in done.stdout)


# -- 7. lost updates: compare and swap -----------------------------------------------------


def another_run_writes(monkeypatch, path: Path, contents: list[str]) -> None:
    """Between our read and our write, another program writes each of ``contents`` in turn."""
    real_fix_text = files_module.fix_text
    pending = list(contents)

    def fix_text(*args, **kwargs):
        result = real_fix_text(*args, **kwargs)
        if pending:
            temporary = path.with_name(path.name + ".other")
            temporary.write_text(pending.pop(0))
            os.replace(temporary, path)  # as a concurrent `threadport fix` would
        return result

    monkeypatch.setattr(files_module, "fix_text", fix_text)


def test_a_concurrent_edit_is_not_overwritten_the_fix_is_redone_on_it(tmp_path, capsys, monkeypatch):
    text = "import threading\nt = threading.Thread()\nt.setDaemon(True)\nt.isAlive()\n"
    path = write(tmp_path / "both.py", text)
    # The other run (--select TP009) lands its fix after we read the file (--select TP001).
    another_run_writes(monkeypatch, path, [text.replace("t.setDaemon(True)", "t.daemon = True")])
    assert main(["fix", "--select", "TP001", str(path)]) == 1
    assert path.read_text() == "import threading\nt = threading.Thread()\nt.daemon = True\nt.is_alive()\n"
    assert capsys.readouterr().out == f"Rewrote {path} (TP001)\n"


def test_a_file_that_keeps_changing_is_reported_and_left_as_the_other_program_wrote_it(tmp_path, capsys, monkeypatch):
    path = write(tmp_path / "busy.py", GOOD)
    others = [GOOD + f"# edit {n}\n" for n in range(files_module.ATTEMPTS)]
    another_run_writes(monkeypatch, path, others)
    assert main(["fix", str(path)]) == 2
    (line,) = error_lines(capsys.readouterr().err)
    assert line == (
        f"{path}: error: changed by another program while it was being fixed; left as that program wrote it"
        f" ({files_module.ATTEMPTS} attempts; run fix again)"
    )
    assert path.read_text() == others[-1]


# -- 8. messages that say what is wrong -----------------------------------------------------


def test_deep_nesting_says_too_deeply_nested_not_please_report(tmp_path, capsys):
    path = write(tmp_path / "deep.py", "x = " + "(" * 5000 + "1" + ")" * 5000 + "\n")
    assert main(["check", str(path)]) == 2
    (line,) = error_lines(capsys.readouterr().err)
    assert line == (
        f"{path}: error: too deeply nested: line 1: more than 200 nested brackets"
        " (Python 3: too many nested parentheses; python2.7's parser gives up even sooner)"
    )


@pytest.mark.interpreter_free("python2.7 itself parses the files: no threadport code takes part")
def test_python27_itself_rejects_deep_nesting(tmp_path, legacy_python):
    """The claim in that message, checked against the interpreter: 98 levels parse, 99 do not."""
    for depth, ok in ((98, True), (99, False)):
        path = write(tmp_path / f"n{depth}.py", "x = " + "(" * depth + "1" + ")" * depth + "\n")
        done = subprocess.run([legacy_python, str(path)], capture_output=True, text=True, timeout=HANG_GUARD)
        assert (done.returncode == 0) is ok
        assert ("s_push: parser stack overflow" in done.stderr) is not ok


def test_bom_with_a_latin1_cookie_says_they_disagree(tmp_path, capsys):
    data = b"\xef\xbb\xbf# -*- coding: latin-1 -*-\nimport threading\n"
    path = write(tmp_path / "bom.py", data)
    assert main(["fix", str(path)]) == 2
    (line,) = error_lines(capsys.readouterr().err)
    assert line == (
        f"{path}: error: the file starts with a UTF-8 byte-order mark but its coding cookie says latin-1:"
        " the BOM and the cookie disagree (remove one of them)"
    )
    assert path.read_bytes() == data


# -- 6. large files: linear work per edit (the benchmark measures time and memory) -------


def many_edits(count: int) -> str:
    calls = "".join(f"t{n} = threading.Thread()\nt{n}.setDaemon(True)\nt{n}.isAlive()\n" for n in range(count))
    return "import threading\n" + calls


def test_fixing_copies_the_token_list_a_bounded_number_of_times_not_once_per_edit(monkeypatch):
    """Every edit used to copy the whole token list first (to undo a skipped fix): quadratic."""
    from tokenize_rt import src_to_tokens

    from threadport.fixer import engine, rules

    copied = []

    def counting_list(iterable=()):
        result = list(iterable)
        copied.append(len(result))
        return result

    monkeypatch.setattr(engine, "list", counting_list, raising=False)  # the module's name `list`
    text = many_edits(300)
    new, fixed, _ = engine.fix_text(text, rules())
    assert len(fixed) == 600
    assert new == text.replace("isAlive", "is_alive").replace(".setDaemon(True)", ".daemon = True")
    assert sum(copied) <= 2 * len(src_to_tokens(text)) + 1000  # not 600 copies of every token


def test_a_skipped_fix_is_undone_token_by_token():
    from tokenize_rt import src_to_tokens, tokens_to_src

    from threadport.fixer.engine import Journal
    from threadport.fixer.tokens import SkipFix, replace

    text = "a.b(c, d)\n"
    tokens = Journal(src_to_tokens(text))

    def half_done_edit(tokens, i):
        replace(tokens, i, "x")
        replace(tokens, i + 2, "y")
        tokens.insert(0, tokens[0])  # a length change is undone too
        raise SkipFix("unusual layout")

    tokens.begin()
    with pytest.raises(SkipFix):
        half_done_edit(tokens, 0)
    tokens.roll_back()
    assert tokens_to_src(tokens) == text
    tokens.begin()
    replace(tokens, 0, "z")  # an edit that completes stays
    assert tokens_to_src(tokens) == "z.b(c, d)\n"


# -- all at once ---------------------------------------------------------------------------


WORKER = (
    "import threading\nclass Worker:\n    def __init__(self):\n        self._thread = threading.Thread()\n"
    "    def alive(self):\n        return self._thread.isAlive()\n"
)


def hostile_tree(root: Path) -> tuple[dict[str, str], list[Path]]:
    """Every hostile case in one folder; returns (bad entry -> reason) and the good files."""
    good = [write(root / "good.py", GOOD), write(root / "pkg" / "deeper" / "good.py", GOOD)]
    # A finding that relies on self._thread makes fix and check scan every file for it.
    good.append(write(root / "worker.py", WORKER))
    target = write(root / "outside" / "target.py", GOOD)
    (root / "pkg" / "link.py").symlink_to(target)
    # A large file with one finding at its very end: 300 KB, parsed in pieces like any file
    # over chunks.WHOLE_PIECES pieces (bench_large_file.py covers really large ones, up to 32 MB).
    filler = "".join(f"value_{n} = '{n:0>90}'\n" for n in range(3_000))
    assert len(filler) > chunks.WHOLE_PIECES * chunks.PIECE
    good.append(write(root / "huge.py", filler + GOOD))
    os.mkfifo(root / "fifo.py")
    os.mkfifo(root / "not_python")  # not a .py name: not ours, not reported
    (root / "loop_a.py").symlink_to("loop_b.py")
    (root / "loop_b.py").symlink_to("loop_a.py")
    (root / "dangling.py").symlink_to("nowhere.py")
    (root / "pkg" / "here").symlink_to("..")  # folder loops: not entered
    (root / "self").symlink_to(".")
    write(root / "locked" / "secret.py", GOOD).parent.chmod(0)
    write(root / "read_only.py", GOOD).chmod(0o444)
    # (with a finding each: files without the words a rule looks for are not even parsed)
    write(root / "deep.py", "x = " + "(" * 5000 + ")" * 5000 + "\nt.isAlive()\n")
    write(root / "minus.py", "x = " + "-" * 100_000 + "1\nt.isAlive()\n")
    write(root / "binary.py", b"\x7fELF\x02\x01\x01\x00\x00\x00isAlive")
    write(root / "nul.py", GOOD.encode() + b"\x00\n")
    bad = {
        "fifo.py": "not a regular file (a named pipe)",
        "dangling.py": "cannot read: No such file or directory",
        "loop_a.py": "cannot read: Too many levels of symbolic links",
        "loop_b.py": "cannot read: Too many levels of symbolic links",
        "locked": "cannot list folder: Permission denied",
        "deep.py": "too deeply nested: line 1: more than 200 nested brackets",
        "minus.py": "too deeply nested: Python's parser gives up",
        "binary.py": "binary file (contains NUL bytes), not Python source",
        "nul.py": "binary file (contains NUL bytes), not Python source",
    }
    return bad, [*good, root / "pkg" / "link.py"]


@pytest.fixture(scope="module")
def hostile_runs():
    """``check`` and ``fix`` over a folder of every hostile case, each run once (a fresh
    process, unprivileged()): command -> (the folder, bad entry -> reason, the good files,
    the run). The tests of single cases above read theirs from these runs, the test below
    the whole; each case had a folder and two runs of its own (six processes more an env,
    for the same lines)."""
    runs, folders = {}, []
    for command in ("check", "fix"):
        folders.append(Path(tempfile.mkdtemp(prefix="threadport-hostile-")))
        folders[-1].chmod(0o755)  # another user can reach it (a tmp_path is private to its owner)
        root = folders[-1] / "project"
        bad, good = hostile_tree(root)
        if command == "fix":
            bad["read_only.py"] = "read-only file (mode 0444); left unchanged"
        runs[command] = root, bad, good, unprivileged(command, str(root))
    yield runs
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(folder)


@pytest.mark.parametrize("command", ["check", "fix"])
def test_check_and_fix_over_one_folder_with_every_hostile_case(hostile_runs, command):
    root, bad, good, done = hostile_runs[command]
    assert_no_traceback(done)
    assert done.returncode == 2
    lines = error_lines(done.stderr)
    assert len(lines) == len(bad), lines  # one line per bad entry, nothing else
    for name, reason in bad.items():
        (line,) = (line for line in lines if line.startswith(f"{root / name}: error: "))
        assert reason in line, line
    if command == "fix":
        for path in good:
            expected = WORKER.replace("isAlive", "is_alive") if path.name == "worker.py" else FIXED
            assert path.read_text().endswith(expected), path
        assert (root / "pkg" / "link.py").is_symlink() and (root / "read_only.py").read_text() == GOOD
    else:
        lines = {"huge.py": "3003:3", "worker.py": "6:29"}
        for path in [*good, root / "read_only.py"]:
            assert f"{path}:{lines.get(path.name, '3:3')}: TP001" in done.stdout


def test_migrate_refuses_a_read_only_file_writes_through_links_and_goes_on(tmp_path, capsys):
    python2 = "import threading\nt = threading.Thread()\nprint t.isAlive()\n"
    locked = write(tmp_path / "a_locked.py", python2)
    locked.chmod(0o444)
    target = write(tmp_path / "real" / "b.py", python2)
    (tmp_path / "b_link.py").symlink_to(target)
    assert main(["migrate", str(tmp_path / "a_locked.py"), str(tmp_path / "b_link.py")]) == 2
    captured = capsys.readouterr()
    assert error_lines(captured.err) == [f"{locked}: error: read-only file (mode 0444); left unchanged"]
    assert locked.read_text() == python2
    assert (tmp_path / "b_link.py").is_symlink() and "print(t.is_alive())" in target.read_text()


def test_analysis_splits_the_text_into_lines_a_bounded_number_of_times():
    """Each getter/setter site split the whole text to look at its own lines: quadratic."""
    from threadport.fixer import rules
    from threadport.fixer.engine import analyze

    class CountingText(str):
        splits = 0

        def split(self, *args, **kwargs):
            CountingText.splits += 1
            return super().split(*args, **kwargs)

    text = "import threading\n" + "".join(
        f"t{n} = threading.Thread()\nprint(t{n}.getName())  # a comment\nt{n}.setName('w')\n" for n in range(200)
    )
    _, findings = analyze(CountingText(text), rules())
    assert len(findings) == 400
    assert CountingText.splits <= 5  # not one per site


def test_fix_waits_for_the_lock_another_run_holds_and_never_writes_under_it(tmp_path, capsys, monkeypatch):
    """The compare and the rename happen under an advisory lock that every threadport run takes."""
    try:
        import fcntl
    except ImportError:
        unavailable("advisory locks are POSIX only (elsewhere the byte comparison remains)", "THREADPORT_REQUIRE_FLOCK")
    import threadport.fixer.source as source_module

    path = write(tmp_path / "held.py", GOOD)
    monkeypatch.setattr(source_module, "LOCK_PATIENCE", 0.2)
    with open(path, "rb") as other_run:
        fcntl.flock(other_run.fileno(), fcntl.LOCK_EX)  # another run is between its compare and rename
        assert main(["fix", str(path)]) == 2
    assert error_lines(capsys.readouterr().err) == [f"{path}: error: locked by another program for more than 0.2 s"]
    assert path.read_text() == GOOD
    assert main(["fix", str(path)]) == 1  # released: fixed
    assert path.read_text() == FIXED
