"""threadport.matrix and `threadport matrix`: merging compare --json files into pair x interpreter."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from threadport.catalog import get_pair, load_catalog
from threadport.cli import main
from threadport.matrix import ResultsError, build_matrix, load_results

FIXTURES = Path(__file__).parent / "fixtures" / "compare"  # real `threadport compare --json` output, 3.9 and 3.13


def fixture_records() -> list[dict]:
    return json.loads((FIXTURES / "py3.9.json").read_text())


def write(path: Path, document) -> Path:
    path.write_text(json.dumps(document))
    return path


def test_a_folder_reads_every_json_file_and_columns_are_modern_minor_versions():
    matrix = build_matrix(load_results([FIXTURES]), load_catalog())
    assert matrix.columns == ["3.9", "3.13"]  # by version, not by name
    cell = matrix.cell("threading_notes", "3.13")
    assert cell.verdict == "equivalent" and cell.summary() == f"equivalent {len(get_pair('threading_notes').entries)}"
    assert matrix.header("3.9") == "2.7 -> 3.9"


def test_the_cell_is_the_worst_verdict_with_counts(tmp_path):
    records = fixture_records()
    records[0]["verdict"] = "declared"
    records[1]["verdict"] = "mismatch"
    matrix = build_matrix(load_results([write(tmp_path / "r.json", records)]), load_catalog())
    cell = matrix.cell("threading_notes", "3.9")
    assert cell.verdict == "mismatch"
    assert cell.summary() == f"mismatch 1, declared 1, equivalent {len(records) - 2}"
    assert matrix.mismatches == [("threading_notes", "3.9")]


def test_missing_entries_and_interpreters_are_gaps(tmp_path):
    records = fixture_records()[:-1]
    matrix = build_matrix(load_results([write(tmp_path / "r.json", records), FIXTURES / "py3.13.json"]), load_catalog())
    assert matrix.cell("threading_notes", "3.9").summary().endswith("1 not run")
    assert ("threading_notes", "3.9") in matrix.gaps and ("threading_notes", "3.13") not in matrix.gaps


def test_a_later_file_replaces_the_same_pair_entry_and_version(tmp_path):
    first = write(tmp_path / "a.json", fixture_records())
    again = fixture_records()
    again[0]["verdict"] = "mismatch"
    second = write(tmp_path / "b.json", again)
    records = load_results([first, second])
    assert len(records) == len(again)
    assert build_matrix(records, load_catalog()).cell("threading_notes", "3.9").verdict == "mismatch"


@pytest.mark.parametrize(
    "content, message",
    [
        ("{", "not JSON"),
        ('{"pair": 1}', "expected a JSON list"),
        ('[{"pair": "x"}]', "item 0: missing entry, legacy, modern, verdict, differences"),
        (
            '[{"pair": "x", "entry": "e", "legacy": {"python": "2.7.18"},'
            ' "modern": {"python": "3.9.1"}, "verdict": "fine", "differences": []}]',
            "unknown verdict 'fine'",
        ),
    ],
)
def test_bad_files_name_the_file_and_the_reason(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(ResultsError, match=message) as caught:
        load_results([path])
    assert str(caught.value).startswith(str(path))


def test_an_empty_folder_or_missing_path_is_an_error(tmp_path):
    with pytest.raises(ResultsError, match="no \\*.json files"):
        load_results([tmp_path])
    with pytest.raises(ResultsError, match="no such file or folder"):
        load_results([tmp_path / "nope.json"])


def test_the_command_prints_the_table_and_strict_fails_on_a_mismatch(tmp_path, capsys):
    assert main(["matrix", str(FIXTURES), "--strict"]) == 0
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if line.split()[:1] == ["pair"])
    assert header.split() == ["pair", "3.9", "3.13"] and "legacy on Python 2.7.18" in out
    assert "threading_notes" in out
    records = fixture_records()
    records[2]["verdict"] = "mismatch"
    bad = write(tmp_path / "bad.json", records)
    assert main(["matrix", str(bad)]) == 0, "without --strict the table is information"
    assert main(["matrix", str(bad), "--strict"]) == 1
    assert "mismatch: threading_notes on 3.9" in capsys.readouterr().out


def test_expect_names_the_interpreters_that_must_be_there(capsys):
    assert main(["matrix", str(FIXTURES), "--strict", "--expect", "3.9,3.13"]) == 0
    capsys.readouterr()
    assert main(["matrix", str(FIXTURES), "--strict", "--expect", "3.9,3.10,3.13"]) == 1
    assert "no results at all for Python 3.10" in capsys.readouterr().out


def test_results_for_a_pair_the_catalogue_lacks_are_shown_not_dropped(tmp_path, capsys):
    records = fixture_records()
    for record in records:
        record["pair"] = "from_another_branch"
    path = write(tmp_path / "other.json", records)
    matrix = build_matrix(load_results([path]), load_catalog())
    assert matrix.unknown_pairs == ["from_another_branch"]
    assert main(["matrix", str(path)]) == 0
    assert "from_another_branch  (not in the catalogue)" in capsys.readouterr().out
