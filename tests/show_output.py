"""`threadport show STEM --width WIDTH` into a pipe, run once per stem and width for the whole
test session: test_show and test_show_layout only read the lines, and each render costs a few
hundred milliseconds of CPU (the alignment, the lexer, rich), in every env of the matrix.

The pair's view (show.PairView: its alignment, lexing and highlighting, a third of a render)
does not depend on the width, and drawing it copies what it draws (cells()), so one view per
pair serves every width here, as it serves test_show_layout's own looks at the cells."""

from __future__ import annotations

from unittest import mock

from threadport import show
from threadport.catalog import Pair
from threadport.cli import main

_PIPED: dict[tuple[str, int], list[str]] = {}
_VIEWS: dict[tuple[str, str | None], show.PairView] = {}
_PAIR_VIEW = show.PairView  # the class itself: piped() puts view() in its place while show runs


def view(pair: Pair, entry: str | None = None) -> show.PairView:
    """The one show.PairView of ``pair`` (and ``entry``) for the session."""
    made = _VIEWS.get((pair.stem, entry))
    if made is None or made.pair != pair:
        made = _VIEWS[pair.stem, entry] = _PAIR_VIEW(pair, entry)
    return made


def piped(stem: str, width: int, capsys) -> list[str]:
    """The lines `threadport show` prints into a pipe; it must exit 0 and print nothing to stderr."""
    if (stem, width) not in _PIPED:
        with mock.patch.object(show, "PairView", view):
            assert main(["show", stem, "--width", str(width)]) == 0
        out, err = capsys.readouterr()
        assert err == ""
        _PIPED[stem, width] = out.splitlines()
    return list(_PIPED[stem, width])
