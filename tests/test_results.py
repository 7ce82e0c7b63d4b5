"""threadport.results: the one model of the compare JSON, validated on load (issue 9 item 15)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from threadport.cli import main
from threadport.results import ResultsError, load_results, read_file

FIXTURES = Path(__file__).parent / "fixtures" / "compare"


def good() -> dict:
    return json.loads((FIXTURES / "py3.9.json").read_text())[0]


def broken(change) -> list:
    record = good()
    change(record)
    return [record]


# (what is wrong, the change, the field the message must name)
MALFORMED = [
    (
        "verdict is a list",
        lambda r: r.update(verdict=["equivalent"]),
        "item 0: verdict: expected one of equivalent, declared, mismatch, got list",
    ),
    ("verdict unknown", lambda r: r.update(verdict="fine"), "item 0: verdict: unknown verdict 'fine'"),
    ("pair is a number", lambda r: r.update(pair=3), "item 0: pair: expected a non-empty string"),
    ("no stdout", lambda r: r["legacy"].pop("stdout"), "item 0: legacy: transcript lacks stdout"),
    ("no python", lambda r: r["modern"].pop("python"), "item 0: modern: transcript lacks python"),
    ("stdout of numbers", lambda r: r["modern"].update(stdout=[1, 2]), "modern.stdout: expected a list of strings"),
    ("exit as text", lambda r: r["legacy"].update(exit="0"), "legacy.exit: expected an integer or null"),
    ("exit as bool", lambda r: r["legacy"].update(exit=True), "legacy.exit: expected an integer or null"),
    ("bad clock", lambda r: r["legacy"].update(clock="wall"), "legacy.clock: expected one of virtual, real"),
    ("exception shape", lambda r: r["legacy"].update(exception={"type": 1}), "legacy.exception: expected null or"),
    ("transcript a list", lambda r: r.update(modern=[]), "item 0: modern: expected a transcript object, got list"),
    ("differences a dict", lambda r: r.update(differences={}), "item 0: differences: expected a list, got object"),
    ("difference lacks why", lambda r: r.update(differences=[{"field": "x"}]), "differences[0]: missing legacy"),
    ("no differences", lambda r: r.pop("differences"), "item 0: missing differences"),
]


@pytest.mark.parametrize("what, change, message", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_records_name_the_file_and_the_field(tmp_path, what, change, message):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(broken(change)))
    with pytest.raises(ResultsError) as caught:
        read_file(path)
    assert str(caught.value).startswith(f"{path}: ") and message in str(caught.value)


def deep(tmp_path: Path) -> Path:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    return path


def test_deep_nesting_is_one_error_not_a_recursion_error(tmp_path):
    path = deep(tmp_path)
    with pytest.raises(ResultsError, match="nested too deeply"):
        load_results([path])


@pytest.mark.parametrize("command", ["matrix", "html"])
@pytest.mark.parametrize("case", ["verdict-list", "deep", "missing-field"])
def test_matrix_and_html_exit_2_with_one_line(tmp_path, capsys, command, case):
    if case == "deep":
        path = deep(tmp_path)
    else:
        path = tmp_path / "bad.json"
        change = (
            (lambda r: r.update(verdict=["equivalent"]))
            if case == "verdict-list"
            else lambda r: r["modern"].pop("exit")
        )
        path.write_text(json.dumps(broken(change)))
    argv = ["matrix", str(path)] if command == "matrix" else ["html", str(tmp_path / "site"), "--results", str(path)]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and captured.err.startswith(f"threadport {command}: error: {path}: ")
    assert "Traceback" not in captured.err + captured.out


def test_the_checked_in_fixtures_are_valid():
    for path in sorted(FIXTURES.glob("*.json")):
        assert read_file(path), path


def test_what_compare_writes_loads_back(tmp_path):
    from threadport.catalog import get_pair
    from threadport.compare import compare
    from threadport.results import write_results
    from threadport.runner import Transcript

    pair = get_pair("threading_notes")
    side = Transcript(python="2.7.18", stdout=["working"], stderr=[], exit=0, ended="exit status 0")
    modern = Transcript(python="3.12.1", stdout=["working"], stderr=[], exit=0)
    result = compare(pair, pair.entry("worker"), side, modern)
    path = tmp_path / "out" / "r.json"
    write_results(path, [result])
    [loaded] = load_results([path])
    assert (loaded.pair, loaded.entry, loaded.verdict, loaded.column) == (
        "threading_notes",
        "worker",
        "equivalent",
        "3.12",
    )
    assert loaded.legacy["ended"] == "exit status 0" and loaded.modern["stdout"] == ["working"]


def test_result_files_are_readable_by_others_as_open_would_make_them(tmp_path):
    """Both result writers go through one atomic writer; its temporary file is 0600, and a
    results file that only its writer can read broke sharing a CI artifact folder."""
    import os

    from threadport.results import write_results
    from threadport.tour_results import write_json

    old = os.umask(0o022)
    try:
        write_results(tmp_path / "compare.json", [])
        write_json(tmp_path / "tour" / "claims.json", [])
    finally:
        os.umask(old)
    assert oct((tmp_path / "compare.json").stat().st_mode & 0o777) == oct(0o644)
    assert oct((tmp_path / "tour" / "claims.json").stat().st_mode & 0o777) == oct(0o644)
    assert load_results([tmp_path / "compare.json"]) == []
