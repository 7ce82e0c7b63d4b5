"""The terminal view of a pair: legacy beside modern, highlighted, changes marked.

rich and pygments are imported here and nowhere on the start-up path, so
other commands never pay for them.

Every line is laid out here, not by rich's wrapping, so that the rules hold at any width:

- code is never folded at a column: a line too long for its pane continues on
  the next row with a ``↪`` in the mark column and a hanging indent (4 more than
  the line's own indentation), broken at a space when there is one;
- prose (summaries, notes, reasons, comments and docstrings) wraps at word boundaries;
- a URL is never split: it gets a line of its own, even when that is wider than the screen;
- two columns only when the pair's code (not its comments) fits each column,
  otherwise each segment's legacy lines above its modern lines.

Colour follows rich's rules (none when piped) plus NO_COLOR and --no-color; the
change markers (``-``, ``+``, ``↪``) and bold/underline carry the meaning without colour.
"""

from __future__ import annotations

import textwrap

from rich.console import Console
from rich.syntax import Syntax
from rich.text import Text

from threadport.align import BLANK, CHANGED, Segment, differing_lines, intraline, pair_segments, transcript_lines
from threadport.catalog import Pair, showcase_root
from threadport.emphasis import key_changes, lex, line_marks

WIDE = 100  # below this, two columns of code are too narrow to read
PROSE = 100  # prose wraps at most this wide
HANG = 4  # a wrapped code line continues this much further in than its indentation
THEME = "ansi_dark"  # the terminal's own palette, so light and dark terminals both work
LEFT_MARK = Text("-", style="bold red")
RIGHT_MARK = Text("+", style="bold green")
CONTINUED = "↪"  # marks the continuation of a wrapped line
SEPARATOR = " │ "
# Emphasis keeps bold (and underline) when colour is off, so the changed words still stand out.
LEFT_EMPHASIS = "bold on #5f1f1f"
RIGHT_EMPHASIS = "bold on #1f4f27"
LEFT_KEY = "bold underline on #8f2f2f"
RIGHT_KEY = "bold underline on #2f6f37"


# ---- wrapping ---------------------------------------------------------------


def wrap_code(text: Text, width: int) -> list[Text]:
    """A code line cut into rows of at most ``width``; continuations carry a hanging indent.

    Breaks fall at the last space that fits (after the indentation); a run
    without one is cut at the width (the ``↪`` of the next row says so).
    """
    width = max(width, 8)
    plain = text.plain
    if len(plain) <= width:
        return [text]
    indent = len(plain) - len(plain.lstrip(" "))
    hang = min(indent + HANG, width // 2)
    rows: list[Text] = []
    start, room, prefix = 0, width, 0
    while len(plain) - start > room:
        end = start + room
        space = plain.rfind(" ", start + (indent + 1 if not rows else 1), end + 1)
        cut = space if space > start else end
        row = text[start:cut]
        row.rstrip()
        rows.append(Text(" " * prefix) + row if prefix else row)
        start = cut + 1 if space > start else cut
        prefix, room = hang, width - hang
    rows.append(Text(" " * prefix) + text[start:])
    return rows


def wrap_prose(text: str, width: int, style: str = "") -> list[Text]:
    """Prose wrapped at word boundaries; a word longer than the width (a URL) stays whole."""
    lines = textwrap.wrap(" ".join(text.split()), max(width, 20), break_long_words=False, break_on_hyphens=False)
    return [Text(line, style=style) for line in lines] or [Text("")]


def rule(title: str, width: int) -> Text:
    head = Text("── ", style="dim")
    head.append(title, style="bold")
    head.append(" " + "─" * max(3, width - len(title) - 4), style="dim")
    return head


# ---- code -------------------------------------------------------------------


def _styled(lexed, lines: list[str]) -> list[Text]:
    theme = Syntax.get_theme(THEME)
    out = []
    for runs in lexed.runs:
        text = Text()
        for ttype, value in runs:
            text.append(value, style=theme.get_style_for_token(ttype))
        out.append(text)
    return out + [Text(line) for line in lines[len(out) :]]


def _emphasise(text: Text, marks: list[tuple[int, int, str]], key: str, word: str) -> Text:
    text = text.copy()
    for start, end, kind in sorted(marks, key=lambda m: m[2] == "key"):  # keys last: on top
        text.stylize(key if kind == "key" else word, start, end)
    return text


class PairView:
    """Everything needed to draw one pair: lines, highlighted lines, segments."""

    def __init__(self, pair: Pair, entry: str | None = None):
        self.pair = pair
        self.left, self.right, self.segments = pair_segments(pair, entry)
        self.left_lexed, self.right_lexed = lex(self.left, "python2"), lex(self.right, "python")
        self.left_text = _styled(self.left_lexed, self.left)
        self.right_text = _styled(self.right_lexed, self.right)
        self.keys = key_changes(pair.notes)
        self.number_width = len(str(max(len(self.left), len(self.right), 1)))

    def cells(self, row) -> tuple[Text | None, Text | None]:
        """The two highlighted lines of a row: key renames and changed code words emphasised."""
        left_changed, right_changed = ([], [])
        if row.kind == CHANGED:
            left_changed, right_changed = intraline(self.left[row.left], self.right[row.right])
        left = right = None
        if row.left is not None:
            i, lexed = row.left, self.left_lexed
            marks = line_marks(self.left[i], lexed.runs[i], lexed.prose[i], self.keys.legacy, left_changed)
            left = _emphasise(self.left_text[i], marks, LEFT_KEY, LEFT_EMPHASIS)
        if row.right is not None:
            j, lexed = row.right, self.right_lexed
            marks = line_marks(self.right[j], lexed.runs[j], lexed.prose[j], self.keys.modern, right_changed)
            right = _emphasise(self.right_text[j], marks, RIGHT_KEY, RIGHT_EMPHASIS)
        return left, right

    def longest(self, side: str, code_only: bool) -> int:
        """The longest line of one side; with ``code_only``, comments and docstrings (which
        wrap as prose does) do not count."""
        lines, lexed = (self.left, self.left_lexed) if side == "legacy" else (self.right, self.right_lexed)
        longest = 0
        for line, prose in zip(lines, lexed.prose):
            if code_only and prose and prose[0][0] <= len(line) - len(line.lstrip()):
                continue
            longest = max(longest, len(line.rstrip()))
        return longest

    def columns(self, width: int) -> tuple[int, int] | None:
        """Widths of the two panes, or None when the code does not fit side by side.

        Each pane gets at least what its longest code line needs; the rest is shared
        in proportion to the longest lines (comments included), so a side with long
        docstrings gets the room it needs to show them in one row.
        """
        room = width - len(SEPARATOR)
        if width < WIDE:
            return None
        code = [self.longest(side, True) + self.gutter() for side in ("legacy", "modern")]
        if sum(code) > room:
            return None
        need = [max(self.longest(side, False) + self.gutter(), c) for side, c in zip(("legacy", "modern"), code)]
        left = room * need[0] // sum(need)
        left = max(code[0], min(left, room - code[1]))
        return left, room - left

    def gutter(self) -> int:
        return self.number_width + 3  # number, space, mark, space

    def _rows(self, index: int | None, mark: Text | None, code: Text | None, width: int) -> list[Text]:
        """One source line as rows of ``width``: number, mark, code (wrapped)."""
        if index is None:
            return []
        rows = []
        for k, part in enumerate(wrap_code(code, width - self.gutter())):
            row = Text(str(index + 1).rjust(self.number_width) if k == 0 else " " * self.number_width, style="dim")
            row.append(" ")
            if k == 0:
                row.append_text(mark or Text(" "))
            else:
                row.append(CONTINUED, style="dim")
            row.append(" ")
            row.append_text(part)
            rows.append(row)
        return rows

    def side_by_side(self, segment: Segment, columns: tuple[int, int]) -> list[Text]:
        column, right_column = columns
        out = []
        for row in segment.rows:
            left, right = self.cells(row)
            left_rows = self._rows(row.left, LEFT_MARK if row.left_changed else None, left, column)
            right_rows = self._rows(row.right, RIGHT_MARK if row.right_changed else None, right, right_column)
            for k in range(max(len(left_rows), len(right_rows), 1)):
                line = left_rows[k].copy() if k < len(left_rows) else Text()
                line.pad_right(column - line.cell_len)
                line.append(SEPARATOR, style="dim")
                if k < len(right_rows):
                    line.append_text(right_rows[k])
                out.append(line)
        return out

    def stacked(self, segment: Segment, width: int) -> list[Text]:
        out: list[Text] = []
        for side, path, index_of, mark, text_at in (
            ("legacy", self.pair.legacy_path, lambda r: r.left, LEFT_MARK, 0),
            ("modern", self.pair.modern_path, lambda r: r.right, RIGHT_MARK, 1),
        ):
            rows = [r for r in segment.rows if index_of(r) is not None]
            lines = self.left if side == "legacy" else self.right
            label = Text(f"{side}  {_relative(path)}", style="italic")
            if not any(lines[index_of(r)].strip() for r in rows):
                out.append(Text.assemble(label, ("  (nothing here)", "dim")))
                continue
            out.append(label)
            for row in rows:
                if row.kind == BLANK and index_of(row) is None:
                    continue
                changed = row.left_changed if side == "legacy" else row.right_changed
                out += self._rows(index_of(row), mark if changed else None, self.cells(row)[text_at], width)
        return out


def _relative(path) -> str:
    try:
        return str(path.relative_to(showcase_root()))
    except ValueError:
        return path.name


# ---- notes ------------------------------------------------------------------


def ref_label(ref) -> str:
    """ "PEP 8: Style Guide for Python Code"; the docs: forms read better as the docs they point to."""
    if ref.label.startswith("docs2:"):
        return "Python 2.7 docs"
    if ref.label.startswith("docs:"):
        return "Python 3 docs"
    return f"{ref.label}: {ref.title}" if ref.title else ref.label


def _snippet(label: str, code: str, lexer: str, width: int) -> list[Text]:
    """A note's example: every line of it, wrapped like code (never cut without a mark)."""
    out = []
    lines = code.splitlines() or [""]
    styled = _styled(lex(lines, lexer), lines)
    for k, text in enumerate(styled):
        head = Text(f"{label if k == 0 else '':<8}", style="dim")
        for n, part in enumerate(wrap_code(text, width - 10)):
            row = head.copy() if n == 0 else Text(" " * 8)
            row.append(CONTINUED if n else " ", style="dim")
            row.append(" ")
            row.append_text(part)
            out.append(row)
    return out


def notes(pair: Pair, width: int) -> list[Text]:
    width = min(width, PROSE)
    inner = width - 3
    out: list[Text] = [rule("Migration notes", width)]
    for number, note in enumerate(pair.notes, 1):
        since = "style" if note.since == "style" else f"since Python {note.since}"
        out += [Text(line.plain, style="bold") for line in wrap_prose(f"{number}. {note.title}", width)]
        if out[-1].cell_len + len(since) + 4 <= width:
            out[-1].append(f"  ({since})", style="dim")
        else:
            out.append(Text(f"({since})", style="dim"))
        body: list[Text] = []
        if note.legacy:
            body += _snippet("legacy", note.legacy, "python2", inner)
        if note.modern:
            body += _snippet("modern", note.modern, "python", inner)
        body += wrap_prose(note.why, inner)
        for ref in note.refs:
            # The URL is printed too, whole, on its own line: many terminals and every pipe
            # ignore hyperlinks, and a URL cut in two opens nothing.
            body.append(Text(ref_label(ref), style=f"bold link {ref.url}"))
            body.append(Text(ref.url, style="dim"))
        out += [Text("   ") + line for line in body] + [Text("")]
    declared = [(entry, d) for entry in pair.entries for d in entry.declared]
    if declared:
        out.append(rule("Declared differences", width))
        for entry, difference in declared:
            out += declared_difference(entry.label, difference, width)
    return out


def declared_difference(label: str, difference, width: int) -> list[Text]:
    """Both sides as transcripts, the lines that differ marked ``!``, and the reason."""
    legacy, modern = transcript_lines(difference.legacy), transcript_lines(difference.modern)
    left_diff, right_diff = differing_lines(legacy, modern)
    out = [Text.assemble((label, "bold"), (f"  {difference.field}: the twin differs on purpose", "dim"))]
    for side, lines, diff, style in (
        ("legacy", legacy, left_diff, "bold red"),
        ("modern", modern, right_diff, "bold green"),
    ):
        out.append(Text(f"   {side} prints", style="italic"))
        for k, line in enumerate(lines):
            differs = k in diff
            for n, part in enumerate(wrap_code(Text(line, style=style if differs else ""), width - 7)):
                mark = ("!" if differs else " ") if n == 0 else CONTINUED
                out.append(Text.assemble("   ", (mark, style if differs else "dim"), "  ", part))
    out += [Text("   why: ", style="dim") + wrap_prose(difference.why, width - 8)[0]]
    out += [Text("        ") + line for line in wrap_prose(difference.why, width - 8)[1:]]
    out.append(Text(""))
    return out


# ---- the whole view -----------------------------------------------------------


def header(view: PairView, width: int, columns: tuple[int, int] | None) -> list[Text]:
    pair = view.pair
    prose = min(width, PROSE)
    out = [Text(line.plain, style="bold") for line in wrap_prose(pair.title, prose)]
    if pair.summary:
        out += wrap_prose(pair.summary, prose)
    entries = ", ".join(entry.label for entry in pair.entries)
    out += [Text("entry points  ", style="dim") + wrap_prose(entries, prose - 14)[0]]
    out += [Text(" " * 14) + line for line in wrap_prose(entries, prose - 14)[1:]]
    out.append(Text.assemble(LEFT_MARK, " legacy line changed or gone   ", RIGHT_MARK, " modern line changed or new"))
    legend = Text()
    keys = (sorted(view.keys.names("legacy")), sorted(view.keys.names("modern")))
    if keys[0] or keys[1]:
        legend.append(keys[0][0] if keys[0] else "", style=LEFT_KEY)
        legend.append(" / " if keys[0] and keys[1] else "")
        legend.append(keys[1][0] if keys[1] else "", style=RIGHT_KEY)
        legend.append(" (bold, underlined) the renames this pair teaches   ")
    legend.append(CONTINUED, style="dim")
    legend.append(" the line above continues")
    out += [legend] if legend.cell_len <= width else [Text(part) for part in legend.plain.split("   ")]
    if columns:
        column = columns[0]
        left = Text.assemble(("legacy  ", "bold"), _relative(pair.legacy_path), ("  Python 2.7", "dim"))
        left.truncate(column)
        left.pad_right(column - left.cell_len)
        right = Text.assemble(("modern  ", "bold"), _relative(pair.modern_path), ("  Python 3", "dim"))
        right.truncate(column)
        out.append(left + Text(SEPARATOR, style="dim") + right)
    return out


def lines(pair: Pair, width: int, entry: str | None = None) -> list[Text]:
    """The whole view as physical lines, none wider than ``width`` except a URL's own line."""
    view = PairView(pair, entry)
    columns = view.columns(width)
    out = header(view, width, columns)
    for segment in view.segments:
        out.append(rule(segment.title, width))
        out += view.side_by_side(segment, columns) if columns else view.stacked(segment, width)
    out += notes(pair, width)
    return out


def render(pair: Pair, console: Console, entry: str | None = None) -> None:
    emit(console, lines(pair, console.width, entry))


def emit(console: Console, parts: list) -> None:
    """Print; in a pipe or a file, without the padding spaces rich leaves at line ends.

    Lines of Text are printed as they are (soft_wrap: never re-wrapped or cropped, they
    were laid out for this width); other renderables go through rich as usual.
    """

    def out(part) -> None:
        if isinstance(part, Text):
            console.print(part, soft_wrap=True)
        else:
            console.print(part)

    if console.is_terminal:
        for part in parts:
            out(part)
        return
    with console.capture() as captured:
        # Into a pipe (no colour: text alone), each run of Text lines in one print, joined by
        # newlines: the same text as a print per line, without rich's set-up of every print
        # (its options, the terminal's size, the collecting of renderables) once per line, 40%
        # of a render. (With colour, rich 12 and 13 split a joined line's styles into other
        # escape sequences: the same look, not the same bytes; rich 15 gives the same bytes.)
        run: list[Text] = []
        for part in [*parts, None]:
            if isinstance(part, Text) and console.color_system is None:
                run.append(part)
                continue
            if run:
                console.print(*run, sep="\n", soft_wrap=True)
                run.clear()
            if part is not None:
                out(part)
    text = "\n".join(line.rstrip() for line in captured.get().splitlines())
    console.file.write(text + "\n")


def make_console(width: int | None = None, no_color: bool = False) -> Console:
    """A console that honours --width, --no-color and NO_COLOR (rich also drops colour in pipes)."""
    import os

    no_color = no_color or bool(os.environ.get("NO_COLOR"))
    return Console(width=width, no_color=no_color, highlight=False, soft_wrap=False)
