"""`threadport show STEM --width WIDTH` into a pipe, run once per stem and width for the whole
test session: test_show and test_show_layout only read the lines, and each render costs a few
hundred milliseconds of CPU (the alignment, the lexer, rich), in every env of the matrix."""

from __future__ import annotations

from threadport.cli import main

_PIPED: dict[tuple[str, int], list[str]] = {}


def piped(stem: str, width: int, capsys) -> list[str]:
    """The lines `threadport show` prints into a pipe; it must exit 0 and print nothing to stderr."""
    if (stem, width) not in _PIPED:
        assert main(["show", stem, "--width", str(width)]) == 0
        out, err = capsys.readouterr()
        assert err == ""
        _PIPED[stem, width] = out.splitlines()
    return list(_PIPED[stem, width])
