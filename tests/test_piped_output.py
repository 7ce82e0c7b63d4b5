"""compare and matrix in a pipe: nothing clipped, nothing wrapped inside a cell, a legend."""

from __future__ import annotations

from pathlib import Path

import pytest

from threadport.cli import main
from threadport.matrix import LEGEND

FIXTURES = Path(__file__).parent / "fixtures" / "compare"


def test_piped_matrix_keeps_each_row_on_one_line_and_explains_the_verdicts(capsys):
    assert main(["matrix", str(FIXTURES)]) == 0
    out = capsys.readouterr().out
    assert LEGEND in out.replace("\n", " ") and LEGEND in out, "the legend, on one line"
    row = next(line for line in out.splitlines() if line.strip().startswith("worker_pool"))
    assert row.count("declared 1, equivalent 1") == 2, "each cell whole on the pair's line"


@pytest.mark.legacy
def test_piped_compare_clips_nothing_and_folds_the_reason(legacy_python, capsys):
    assert main(["compare", "graceful_stop", "worker_pool", "--legacy-python", legacy_python]) == 0
    out = capsys.readouterr().out
    assert "…" not in out
    assert "main: the ticker stopped 0.5 s after the request, after 3 ticks" in out
    why = next(line for line in out.splitlines() if line.strip().startswith("stdout declared: The sleeping loop"))
    assert why.endswith("Same ticks, same order."), "the reason on one line, not wrapped to column 0"
    assert "3 entry points:" in out
