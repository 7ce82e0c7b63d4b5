"""`threadport show` at 80, 100 and 160 columns: code is never cut without a mark and
never loses its indentation, prose wraps at word boundaries, URLs stay whole, the
pair's key renames are emphasised, declared differences read as transcripts."""

from __future__ import annotations

import io
import re

import pytest
from key_renames import KEY_RENAMES
from rich.console import Console
from rich.style import Style
from show_output import piped, view

from threadport import show
from threadport.align import source_lines
from threadport.catalog import get_pair, load_catalog
from threadport.cli import main

WIDTHS = [80, 100, 160]
PAIRS = list(load_catalog())
ROW = re.compile(r"^ *(?P<number>\d+)?(?: (?P<mark>[-+ ↪])(?: (?P<code>.*))?)?$")


def sides(lines: list[str]) -> dict[str, list[str]]:
    """The code rows of each pane: side by side (split at the separator) or stacked."""
    panes: dict[str, list[str]] = {"legacy": [], "modern": []}
    stacked_side = None
    for line in lines:
        if line.startswith("── Migration notes"):
            break
        if line.startswith(("legacy  ", "modern  ")) and show.SEPARATOR not in line:
            stacked_side = line.split()[0]
            continue
        separator = show.SEPARATOR.rstrip()  # a pipe strips the blank after it when the right pane is empty
        if line.count(separator) == 1 and not stacked_side:
            left, right = line.split(separator)
            panes["legacy"].append(left.rstrip())
            panes["modern"].append(right[1:])
        elif stacked_side and ROW.match(line):
            panes[stacked_side].append(line)
    return panes


def rebuild(rows: list[str]) -> dict[int, tuple[str, list[str]]]:
    """Line number -> (first row's code, continuation rows' code), read back from the rows."""
    lines: dict[int, tuple[str, list[str]]] = {}
    current = None
    for row in rows:
        match = ROW.match(row)
        if not match or not row.strip():
            continue
        if match["number"]:
            current = int(match["number"])
            lines[current] = (match["code"] or "", [])
        elif match["mark"] == "↪":
            assert current is not None, f"a continuation with no line before it: {row!r}"
            lines[current][1].append(match["code"])
    return lines


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: p.stem)
def test_code_is_whole_indented_and_marked_where_it_wraps(pair, width, capsys):
    lines = piped(pair.stem, width, capsys)
    long_lines = [line for line in lines if len(line) > width]
    assert all(re.fullmatch(r" *https?://\S+", line) for line in long_lines), long_lines[:3]
    panes = sides(lines)
    for side, path in (("legacy", pair.legacy_path), ("modern", pair.modern_path)):
        source = source_lines(path)
        shown = rebuild(panes[side])
        assert sorted(shown) == [n + 1 for n in range(len(source))], f"{side}: every line once"
        for number, (first, rest) in shown.items():
            original = source[number - 1].rstrip()
            assert first == original[: len(first)], f"{side}:{number}: the first row starts the line as written"
            indent = len(original) - len(original.lstrip())
            for part in rest:
                assert len(part) - len(part.lstrip()) > indent, f"{side}:{number}: a continuation keeps indenting"
            rejoined = " ".join([first.strip()] + [part.strip() for part in rest])
            assert rejoined.split() == original.split() or rejoined.replace(" ", "") == original.replace(" ", ""), (
                f"{side}:{number}: nothing lost: {rejoined!r} != {original!r}"
            )


def test_seed_polling_lines_take_one_row_at_100_and_docstrings_break_at_spaces_at_160(capsys):
    pair = get_pair("threading_notes")
    at_100 = rebuild(sides(piped(pair.stem, 100, capsys))["legacy"])
    polling = [n for n, line in enumerate(source_lines(pair.legacy_path), 1) if "print t.isAlive()" in line]
    assert polling and all(at_100[n][1] == [] for n in polling)
    at_160 = rebuild(sides(piped(pair.stem, 160, capsys))["modern"])
    maps = next(n for n, line in enumerate(source_lines(pair.modern_path), 1) if "catalog.toml maps the" in line)
    assert at_160[maps][1] == [], "the docstring line fits its pane at 160 columns"


@pytest.mark.parametrize("width", WIDTHS)
def test_prose_wraps_at_word_boundaries_and_urls_stay_whole(width, capsys):
    for pair in PAIRS:
        text = "\n".join(piped(pair.stem, width, capsys))
        words = set(text.split())
        for note in pair.notes:
            for word in note.why.split():
                assert word in words, f"{pair.stem}: {word!r} of a note was split across lines"
            for ref in note.refs:
                assert ref.url in text.splitlines() or any(line.strip() == ref.url for line in text.splitlines())
        for legacy_snippet in [n.legacy for n in pair.notes if n.legacy]:
            for line in legacy_snippet.splitlines():
                assert all(word in text for word in line.split()), f"{pair.stem}: a note sample was cut: {line!r}"


def view_of(stem: str) -> show.PairView:
    """One PairView per pair for the session (show_output.view): it does not depend on the
    width, and cells() copies."""
    return view(get_pair(stem))


def styled_rows(stem: str, width: int) -> list:
    return show.lines(get_pair(stem), width)


KEY_BACKGROUNDS = {Style.parse(show.LEFT_KEY).bgcolor, Style.parse(show.RIGHT_KEY).bgcolor}


def char_styles(text, console: Console) -> list[Style]:
    """The style each character of a Text is drawn in: what rich renders (its segments, each
    with the base style and the spans over it combined), the same as get_style_at_offset asks
    character by character (the same attributes for each of the catalogue's 2,066 cells), in
    one pass instead of one pass over the spans per character."""
    null = Style()
    return [segment.style or null for segment in text.render(console) for _ in segment.text]


def underlined(text, console: Console) -> set[str]:
    """The words of a Text row drawn as key renames: bold, underlined, on the key background."""
    words, current = set(), ""
    for char, style in zip(text.plain, char_styles(text, console)):
        key = style.underline and style.bold and style.bgcolor in KEY_BACKGROUNDS
        if key and (char.isalnum() or char == "_"):
            current += char
        elif current:
            words.add(current)
            current = ""
    if current:
        words.add(current)
    return words


_EMPHASISED: dict[str, dict[str, set[str]]] = {}


def emphasised(stem: str) -> dict[str, set[str]]:
    """The words each side's cells draw as key renames, read once per pair for the session:
    a character-by-character pass over every cell, most of the test's CPU. Neither the cells
    (view.cells) nor the style at an offset (the console's named styles, never its width)
    depend on the width, so each width's case read the same words again."""
    if stem not in _EMPHASISED:
        console = Console(file=io.StringIO(), width=80)
        view = view_of(stem)
        found: dict[str, set[str]] = {"legacy": set(), "modern": set()}
        for row in [r for segment in view.segments for r in segment.rows]:
            left, right = view.cells(row)
            if left is not None:
                found["legacy"] |= underlined(left, console)
            if right is not None:
                found["modern"] |= underlined(right, console)
        _EMPHASISED[stem] = found
    return _EMPHASISED[stem]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("stem", sorted(KEY_RENAMES))
def test_every_key_rename_is_emphasised_on_its_side(stem, width):
    legacy_names, modern_names = KEY_RENAMES[stem]
    found = emphasised(stem)  # the same at every width (see emphasised)
    assert legacy_names <= found["legacy"], f"legacy renames not emphasised: {legacy_names - found['legacy']}"
    assert modern_names <= found["modern"], f"modern renames not emphasised: {modern_names - found['modern']}"


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: p.stem)
def test_comments_and_docstrings_get_no_word_diff(pair):
    console = Console(file=io.StringIO(), width=160)
    view = view_of(pair.stem)
    for row in [r for segment in view.segments for r in segment.rows]:
        left, right = view.cells(row)  # both sides' cells, drawn once per row
        for index, text, lexed in ((row.left, left, view.left_lexed), (row.right, right, view.right_lexed)):
            if index is None:
                continue
            drawn = char_styles(text, console) if lexed.prose[index] else []
            for start, end in lexed.prose[index]:
                styles = {style.bgcolor for style in drawn[start:end]}
                assert styles == {None}, f"line {index + 1}: prose emphasised"


def test_the_seed_is_alive_line_emphasises_is_alive_and_not_the_receiver():
    console = Console(file=io.StringIO(), width=160)
    view = view_of("threading_notes")
    row = next(
        r for s in view.segments for r in s.rows if r.right is not None and "thread.is_alive()" in view.right[r.right]
    )
    assert underlined(view.cells(row)[1], console) == {"print", "is_alive"}


def test_declared_differences_are_transcripts_with_the_differing_lines_marked(capsys):
    lines = piped("graceful_stop", 80, capsys)
    start = lines.index(next(line for line in lines if line.startswith("── Declared differences")))
    block = lines[start:]
    assert not any("['ticker" in line for line in block), "no Python list dumped"
    marked = [line for line in block if line.lstrip().startswith("!")]
    assert [m.split("!", 1)[1].strip() for m in marked] == [
        "main: the ticker stopped 0.5 s after the request, after 3 ticks",
        "main: the ticker stopped 0.0 s after the request, after 3 ticks",
    ]
    assert any(line.strip().startswith("ticker: tick 1") for line in block), "equal lines shown, unmarked"
    assert any(line.strip().startswith("why: The sleeping loop") for line in block)


def test_an_unknown_entry_lists_legacy_and_modern_names(capsys):
    assert main(["show", "threading_notes", "--entry", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "workerArgs / worker_args" in err and "testIsAliveOnSleeper / poll_sleeper" in err


def test_no_command_prints_the_commands_and_a_typo_gets_a_suggestion(capsys):
    assert main([]) == 2
    out, _ = capsys.readouterr()
    assert "show" in out and "compare" in out and "usage: threadport" in out
    assert main(["shwo", "threading_notes"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "did you mean 'show'?" in err
