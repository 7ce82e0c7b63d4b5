"""The terminal view of a pair: legacy beside modern, highlighted, changes marked.

rich and pygments are imported here and nowhere on the start-up path, so
other commands never pay for them. Layout: two columns when the console is
at least WIDE columns wide, otherwise each segment's legacy lines above its
modern lines. Colour follows rich's rules (none when piped) plus NO_COLOR
and --no-color; the change markers (- and +) carry the meaning without colour.
"""

from __future__ import annotations

from rich import box
from rich.console import Console, Group, RenderableType
from rich.constrain import Constrain
from rich.padding import Padding
from rich.rule import Rule
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from threadport.align import BLANK, Row, Segment, intraline, pair_segments
from threadport.catalog import Pair, showcase_root

WIDE = 100  # below this, two columns of code are too narrow to read
PROSE = 100  # the notes wrap at most this wide
THEME = "ansi_dark"  # the terminal's own palette, so light and dark terminals both work
LEFT_MARK = Text("-", style="bold red")
RIGHT_MARK = Text("+", style="bold green")
# Emphasis keeps bold when colour is off, so the changed words still stand out.
LEFT_EMPHASIS = "bold on #5f1f1f"
RIGHT_EMPHASIS = "bold on #1f4f27"


def _highlight(lines: list[str], lexer: str) -> list[Text]:
    """Highlight the whole file at once (strings and comments may span lines), then cut."""
    code = "\n".join(lines)
    text = Syntax(code, lexer, theme=THEME, background_color="default").highlight(code)
    text.rstrip()
    parts = text.split("\n", allow_blank=True)
    parts = list(parts)[: len(lines)]
    return parts + [Text(line) for line in lines[len(parts) :]]


def _emphasise(text: Text, spans: list[tuple[int, int]], style: str) -> Text:
    text = text.copy()
    for start, end in spans:
        # Leading/trailing blanks of a changed run say nothing; emphasise the words.
        chunk = text.plain[start:end]
        start += len(chunk) - len(chunk.lstrip())
        end -= len(chunk) - len(chunk.rstrip())
        if end > start:
            text.stylize(style, start, end)
    return text


class PairView:
    """Everything needed to draw one pair: lines, highlighted lines, segments."""

    def __init__(self, pair: Pair, entry: str | None = None):
        self.pair = pair
        self.left, self.right, self.segments = pair_segments(pair, entry)
        self.left_text = _highlight(self.left, "python2")
        self.right_text = _highlight(self.right, "python")
        self.number_width = len(str(max(len(self.left), len(self.right), 1)))

    def cells(self, row: Row) -> tuple[Text | None, Text | None]:
        """The two highlighted lines of a row, changed parts emphasised."""
        left = self.left_text[row.left] if row.left is not None else None
        right = self.right_text[row.right] if row.right is not None else None
        if row.kind == "changed":
            left_spans, right_spans = intraline(self.left[row.left], self.right[row.right])
            left = _emphasise(left, left_spans, LEFT_EMPHASIS)
            right = _emphasise(right, right_spans, RIGHT_EMPHASIS)
        return left, right

    def _line(self, number: int | None, mark: Text | None, code: Text | None) -> Table:
        grid = Table.grid(padding=(0, 1, 0, 0))
        grid.add_column(justify="right", width=self.number_width, style="dim")
        grid.add_column(width=1)
        grid.add_column(overflow="fold")
        if number is None:
            grid.add_row("", "", "")
        else:
            grid.add_row(str(number + 1), mark or "", code)
        return grid

    def side_by_side(self, segment: Segment) -> Table:
        table = Table(box=box.MINIMAL, show_header=False, show_edge=False, expand=True, padding=(0, 1))
        table.add_column(ratio=1)
        table.add_column(ratio=1)
        for row in segment.rows:
            left, right = self.cells(row)
            table.add_row(
                self._line(row.left, LEFT_MARK if row.left_changed else None, left),
                self._line(row.right, RIGHT_MARK if row.right_changed else None, right),
            )
        return table

    def stacked(self, segment: Segment) -> Group:
        parts: list[RenderableType] = []
        for side, path, index_of, mark_of, text_at in (
            ("legacy", self.pair.legacy_path, lambda r: r.left, lambda r: r.left_changed, 0),
            ("modern", self.pair.modern_path, lambda r: r.right, lambda r: r.right_changed, 1),
        ):
            rows = [r for r in segment.rows if index_of(r) is not None]
            lines = self.left if side == "legacy" else self.right
            label = Text(f"{side}  {_relative(path)}", style="italic")
            if not any(lines[index_of(r)].strip() for r in rows):
                parts.append(Text.assemble(label, ("  (nothing here)", "dim")))
                continue
            parts.append(label)
            grid = Table.grid(padding=(0, 1, 0, 0), expand=True)
            grid.add_column(justify="right", width=self.number_width, style="dim")
            grid.add_column(width=1)
            grid.add_column(overflow="fold", ratio=1)
            mark = LEFT_MARK if side == "legacy" else RIGHT_MARK
            for row in rows:
                if row.kind == BLANK and index_of(row) is None:
                    continue
                grid.add_row(str(index_of(row) + 1), mark if mark_of(row) else "", self.cells(row)[text_at])
            parts.append(grid)
        return Group(*parts)


def _relative(path) -> str:
    try:
        return str(path.relative_to(showcase_root()))
    except ValueError:
        return str(path)


def _paragraph(text: str) -> str:
    """Catalogue prose is wrapped by hand in the TOML; let the console wrap it."""
    return " ".join(text.split())


def header(view: PairView, wide: bool) -> Group:
    pair = view.pair
    entries = ", ".join(entry.label for entry in pair.entries)
    legend = Text.assemble(LEFT_MARK, " legacy line changed or gone    ", RIGHT_MARK, " modern line changed or new")
    parts: list[RenderableType] = [
        Text(pair.title, style="bold"),
        Text(_paragraph(pair.summary)) if pair.summary else Text(),
        Text.assemble(("entry points  ", "dim"), entries),
        legend,
    ]
    if wide:
        heads = Table(box=box.MINIMAL, show_header=False, show_edge=False, expand=True, padding=(0, 1))
        heads.add_column(ratio=1)
        heads.add_column(ratio=1)
        heads.add_row(
            Text.assemble(("legacy  ", "bold"), _relative(pair.legacy_path), ("  Python 2.7", "dim")),
            Text.assemble(("modern  ", "bold"), _relative(pair.modern_path), ("  Python 3", "dim")),
        )
        parts.append(heads)
    return Group(*parts)


def ref_label(ref) -> str:
    """ "PEP 8: Style Guide for Python Code"; the docs: forms read better as the docs they point to."""
    if ref.label.startswith("docs2:"):
        return "Python 2.7 docs"
    if ref.label.startswith("docs:"):
        return "Python 3 docs"
    return f"{ref.label}: {ref.title}" if ref.title else ref.label


def notes(pair: Pair) -> Group:
    parts: list[RenderableType] = [Rule("Migration notes", style="dim")]
    for number, note in enumerate(pair.notes, 1):
        since = "style" if note.since == "style" else f"since Python {note.since}"
        parts.append(Text.assemble((f"{number}. {note.title}", "bold"), (f"  ({since})", "dim")))
        snippets = Table.grid(padding=(0, 2, 0, 0))
        snippets.add_column(style="dim")
        snippets.add_column(overflow="fold")
        if note.legacy:
            snippets.add_row("legacy", _highlight([note.legacy], "python2")[0])
        if note.modern:
            snippets.add_row("modern", _highlight([note.modern], "python")[0])
        body: list[RenderableType] = [snippets, Text(_paragraph(note.why))]
        for ref in note.refs:
            # The URL is printed too: many terminals and every pipe ignore hyperlinks.
            body.append(Text.assemble((ref_label(ref), f"bold link {ref.url}"), "  ", (ref.url, "dim")))
        parts.append(Padding(Group(*body), (0, 0, 1, 3)))
    declared = [(entry, d) for entry in pair.entries for d in entry.declared]
    if declared:
        parts.append(Rule("Declared differences", style="dim"))
        for entry, difference in declared:
            parts.append(Text.assemble((f"{entry.label}: {difference.field}", "bold")))
            parts.append(
                Padding(
                    Group(
                        Text(f"legacy  {difference.legacy!r}"),
                        Text(f"modern  {difference.modern!r}"),
                        Text(_paragraph(difference.why)),
                    ),
                    (0, 0, 1, 3),
                )
            )
    return Group(*parts)


def renderables(pair: Pair, width: int, entry: str | None = None) -> list[RenderableType]:
    view = PairView(pair, entry)
    wide = width >= WIDE
    parts: list[RenderableType] = [header(view, wide)]
    for segment in view.segments:
        parts.append(Rule(Text(segment.title, style="bold"), style="dim", align="left"))
        parts.append(view.side_by_side(segment) if wide else view.stacked(segment))
    parts.append(Constrain(notes(pair), PROSE))  # long lines of prose are hard to read
    return parts


def render(pair: Pair, console: Console, entry: str | None = None) -> None:
    emit(console, renderables(pair, console.width, entry))


def emit(console: Console, parts: list[RenderableType]) -> None:
    """Print; in a pipe or a file, without the padding spaces rich leaves at line ends."""
    if console.is_terminal:
        for part in parts:
            console.print(part)
        return
    # In a pipe or a file: no padding spaces at line ends, so diff and grep see clean lines.
    with console.capture() as captured:
        for part in parts:
            console.print(part)
    text = "\n".join(line.rstrip() for line in captured.get().splitlines())
    console.file.write(text + "\n")


def make_console(width: int | None = None, no_color: bool = False) -> Console:
    """A console that honours --width, --no-color and NO_COLOR (rich also drops colour in pipes)."""
    import os

    no_color = no_color or bool(os.environ.get("NO_COLOR"))
    return Console(width=width, no_color=no_color, highlight=False, soft_wrap=False)
