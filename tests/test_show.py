"""`threadport show` and the alignment under it (threadport.align)."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console
from show_output import piped

from threadport import show
from threadport.align import ADDED, BLANK, CHANGED, REMOVED, SAME, align, intraline, outline, pair_segments
from threadport.catalog import get_pair, load_catalog
from threadport.cli import main

ANSI = re.compile(r"\x1b\[")


def rows_of(left: str, right: str, entries=()):
    segments = align(left.splitlines(), right.splitlines(), entries)
    return [row for segment in segments for row in segment.rows], segments


# ---- alignment -----------------------------------------------------------


def test_identical_files_are_all_same():
    source = "import time\n\ndef f():\n    return 1\n"
    rows, _ = rows_of(source, source)
    assert {row.kind for row in rows} <= {SAME}
    assert [(r.left, r.right) for r in rows] == [(i, i) for i in range(4)]


def test_print_statement_faces_print_function_as_a_changed_line():
    rows, _ = rows_of("def f():\n    print 'working'\n", "def f():\n    print('working')\n")
    assert rows[1].kind == CHANGED and (rows[1].left, rows[1].right) == (1, 1)


def test_renamed_entry_points_face_each_other_even_when_their_def_lines_differ():
    left = "def testIsAliveOnSleeper():\n    pass\n\ndef other():\n    pass\n"
    right = "def other():\n    pass\n\ndef poll_sleeper(polls: int = 16, interval: float = 1.0) -> None:\n    pass\n"
    _, segments = rows_of(left, right, [("testIsAliveOnSleeper", "poll_sleeper", "label")])
    entry = next(s for s in segments if s.anchor == "testIsAliveOnSleeper")
    header = next(r for r in entry.rows if r.left == 0)
    assert header.right == 3 and header.kind == CHANGED


def test_unpaired_blank_lines_are_layout_not_changes():
    rows, _ = rows_of("x = 1\n\n\ny = 2\n", "x = 1\ny = 2\n")
    blank_rows = [r for r in rows if r.left in (1, 2)]
    assert all(r.kind == BLANK and not r.left_changed for r in blank_rows)


def test_legacy_only_comments_are_removed_rows_facing_nothing():
    rows, _ = rows_of("def f():\n    pass\n# a note\n# more\n", "def f():\n    pass\n", [("f", "f", "f")])
    tail = [r for r in rows if r.left in (2, 3)]
    assert [(r.kind, r.right) for r in tail] == [(REMOVED, None), (REMOVED, None)]


def test_a_docstring_line_is_added():
    rows, _ = rows_of("def f():\n    return 1\n", 'def f():\n    """Doc."""\n    return 1\n')
    assert [r.kind for r in rows] == [SAME, ADDED, SAME]


def test_outline_skips_defs_inside_strings_and_keeps_decorators():
    source = 'TEXT = """\ndef not_a_function():\n"""\n\n@decorate\ndef real():\n    x = (1,\n2)\n    return x\n'
    blocks = outline(source.splitlines())
    assert [(b.name, b.start, b.end) for b in blocks] == [("real", 4, 9)]


def test_outline_reads_python2_sources():
    lines = get_pair("threading_notes").legacy_path.read_text(encoding="utf-8").splitlines()
    assert [b.name for b in outline(lines)] == ["worker", "workerArgs", "sleeper", "testIsAliveOnSleeper"]


@pytest.mark.parametrize("pair", load_catalog(), ids=lambda p: p.stem)
def test_every_line_of_both_files_appears_once_in_order(pair):
    left, right, segments = pair_segments(pair)
    rows = [row for segment in segments for row in segment.rows]
    assert [r.left for r in rows if r.left is not None] == list(range(len(left)))
    assert [r.right for r in rows if r.right is not None] == list(range(len(right)))
    anchors = {s.anchor for s in segments if s.anchor}
    assert anchors == {e.legacy for e in pair.entries}, "every entry point gets its own segment"


def test_intraline_marks_the_changed_words_only():
    a, b = "    t.start();", "    thread.start()"
    left, right = intraline(a, b)
    assert [a[s:e] for s, e in left] == ["t", ";"]
    assert [b[s:e] for s, e in right] == ["thread"]


# ---- the command ---------------------------------------------------------


def run_show(capsys, *args):
    code = main(["show", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_wide_output_puts_the_two_versions_on_one_line(capsys):
    out = "\n".join(piped("threading_notes", 160, capsys))  # exit 0, nothing on stderr
    line = next(line for line in out.splitlines() if "def workerArgs(a0, a1):" in line)
    assert "def worker_args(" in line
    assert line.index("-") < line.index("def workerArgs") < line.index("+") < line.index("def worker_args")
    assert max(len(line) for line in out.splitlines()) <= 160


def test_narrow_output_stacks_legacy_above_modern(capsys):
    lines = piped("threading_notes", 80, capsys)  # exit 0, nothing on stderr
    legacy = next(i for i, line in enumerate(lines) if "def workerArgs(a0, a1):" in line)
    modern = next(i for i, line in enumerate(lines) if "def worker_args(" in line)
    assert legacy < modern and "worker_args" not in lines[legacy]
    assert max(len(line) for line in lines) <= 80


def test_piped_output_is_plain_and_carries_notes_and_references(capsys):
    _, out, _ = run_show(capsys, "threading_notes")
    assert not ANSI.search(out), "no escape codes when stdout is not a terminal"
    assert all(line == line.rstrip() for line in out.splitlines()), "no padding at line ends"
    pair = get_pair("threading_notes")
    for note in pair.notes:
        assert note.title in out
        for ref in note.refs:
            assert ref.url in out


def test_entry_focuses_on_one_function(capsys):
    code, out, _ = run_show(capsys, "threading_notes", "--entry", "worker_args", "--width", "160")
    assert code == 0
    assert "def worker_args(" in out and "def workerArgs(" in out
    assert "def sleeper" not in out and "Atomic Operations" not in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["no_such_pair"], "no pair named 'no_such_pair'"),
        (["threading_notes", "--entry", "nope"], "has no entry point 'nope' (known: worker"),
        (["threading_notes", "--width", "5"], "--width 5 is too narrow"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, args, message):
    code, out, err = run_show(capsys, *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("threadport show: error: ") and message in err


def terminal(no_color: bool) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, color_system="truecolor", width=160, no_color=no_color)
    return console, buffer


def test_a_terminal_gets_colour_and_no_color_removes_it_but_keeps_emphasis():
    pair = get_pair("threading_notes")
    console, buffer = terminal(no_color=False)
    show.render(pair, console)
    assert re.search(r"\x1b\[[0-9;]*3[18];", buffer.getvalue()), "foreground colours in a terminal"
    console, buffer = terminal(no_color=True)
    show.render(pair, console)
    coloured = re.findall(r"\x1b\[[0-9;]*[34]8;[25];", buffer.getvalue())
    assert coloured == [] and "\x1b[1m" in buffer.getvalue(), "colour gone, bold emphasis kept"


def test_no_color_environment_variable_is_honoured(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert show.make_console().no_color
    monkeypatch.delenv("NO_COLOR")
    assert not show.make_console().no_color
    assert show.make_console(no_color=True).no_color


@pytest.mark.parametrize("pair", load_catalog(), ids=lambda p: p.stem)
@pytest.mark.parametrize("width", [80, 160])
def test_every_pair_renders_every_line(pair, width, capsys):
    out = "\n".join(piped(pair.stem, width, capsys))  # exit 0, nothing on stderr
    for path in (pair.legacy_path, pair.modern_path):
        for line in path.read_text(encoding="utf-8").splitlines():
            words = line.split()
            if words:  # long lines wrap, so look for each line's first word
                assert words[0] in out
