"""The deprecation ledger: probes that are exact, facts that can fail, a file that round-trips."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from availability import unavailable

from threadport import ledger
from threadport.cli import main
from threadport.ledger import Fact, check_facts

# The interpreters the facts are checked on; CI has them all (THREADPORT_REQUIRE_PYTHONS=1).
REQUIRED = ("2.7", "3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13")


@pytest.fixture(scope="session")
def book() -> ledger.Ledger:
    found = ledger.load()
    have = {".".join(map(str, c.version_tuple[:2])) for c in found.columns if not c.free_threaded}
    missing = [v for v in REQUIRED if v not in have]
    if missing:
        unavailable(
            f"the ledger lacks Python {', '.join(missing)} (tools/with-pythons puts pyenv's on PATH)",
            "THREADPORT_REQUIRE_PYTHONS",
        )
    return found


def test_no_probe_errs_on_any_interpreter(book):
    errors = [(c.label, n, s.detail) for c in book.columns for n, s in c.results.items() if s.status == "error"]
    assert errors == []


def test_every_interpreter_answers_every_name(book):
    names = [n for n, _ in book.names]
    for column in book.columns:
        assert sorted(column.results) == sorted(names), column.label


def test_the_isalive_timeline_is_measured_to_the_warning_category(book):
    # Measured, not remembered: 3.7 (from 3.7.3, bpo-35283) warns Pending, 3.8 Deprecation, 3.9 removed it.
    assert book.status("Thread.isAlive", "3.6").status == "exists"
    assert book.status("Thread.isAlive", "3.7").short() == "warns (PendingDeprecationWarning)"
    assert book.status("Thread.isAlive", "3.8").short() == "warns (DeprecationWarning)"
    assert book.status("Thread.isAlive", "3.9").status == "gone"
    assert "has no attribute 'isAlive'" in book.status("Thread.isAlive", "3.13").detail


def test_on_27_isalive_is_the_method_and_is_alive_its_alias(book):
    assert book.status("Thread.is_alive", "2.7").detail == "isAlive"
    assert book.status("Thread.isAlive", "2.7").detail == "isAlive"
    assert book.status("Thread.is_alive", "3.6").detail == "is_alive"


def test_a_full_version_picks_that_interpreter(book):
    column = book.columns[-1]
    assert book.column(column.version) is column
    with pytest.raises(ledger.LedgerError, match="has no Python 2.5"):
        book.column("2.5")
    with pytest.raises(ledger.LedgerError, match="probes no name"):
        book.status("Thread.isalive", "3.9")


ISALIVE_TRUE = [
    Fact("Thread.isAlive", "warns_from", "3.7.3", "PendingDeprecationWarning"),
    Fact("Thread.isAlive", "warns_from", "3.8", "DeprecationWarning"),
    Fact("Thread.isAlive", "removed_in", "3.9"),
]


def test_true_facts_are_consistent_with_the_ledger(book):
    assert check_facts(ISALIVE_TRUE, book) == []
    assert check_facts([Fact("Thread.is_alive", "defined_as", "2.7", value="isAlive")], book) == []


@pytest.mark.parametrize(
    "wrong, blamed",
    [
        # The catalogue's old claim: warns from 3.8, so 3.7 would be silent.
        ([Fact("Thread.isAlive", "warns_from", "3.8"), Fact("Thread.isAlive", "removed_in", "3.9")], "3.7.16"),
        ([*ISALIVE_TRUE[:2], Fact("Thread.isAlive", "removed_in", "3.10")], "3.9"),
        ([Fact("Thread.isAlive", "warns_from", "3.7.3"), *ISALIVE_TRUE[1:]], "3.7.16"),  # wrong category
        ([Fact("threading.currentThread", "warns_from", "3.9")], "3.9"),
        ([Fact("syntax: f-string", "exists_from", "3.0")], None),  # 2.7 is the only earlier probe: still right
        ([Fact("syntax: f-string", "exists_from", "3.7")], "3.6"),
        ([Fact("Thread.is_alive", "defined_as", "2.7", value="is_alive")], "2.7"),
        ([Fact("Thread.isalive", "removed_in", "3.9")], "no such name"),
    ],
)
def test_a_wrong_version_is_caught(book, wrong, blamed):
    problems = check_facts(wrong, book)
    if blamed is None:
        assert problems == []  # the ledger cannot tell 3.0 from 3.6: stated, not hidden
    else:
        assert problems and blamed in problems[0], problems


def test_the_file_round_trips_and_bad_files_are_one_line(tmp_path, book, capsys):
    path = tmp_path / "ledger.json"
    path.write_text(json.dumps(book.to_json()))
    again = ledger.read(path)
    assert again.names == book.names
    assert [c.results for c in again.columns] == [c.results for c in book.columns]
    for content in ("[]", "{", json.dumps({"format": ledger.FORMAT, "names": []})):
        path.write_text(content)
        assert main(["ledger", "--input", str(path)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("threadport ledger: error:"), err


def test_the_command_prints_a_plain_table_and_writes_json(tmp_path, book, capsys, monkeypatch):
    monkeypatch.setattr(ledger, "build", lambda pythons=None, use_cache=True: book)
    output = tmp_path / "out" / "ledger.json"
    assert main(["ledger", "--output", str(output)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["name", *(c.label for c in book.columns)]
    isalive = next(line for line in lines if line.startswith("Thread.isAlive "))
    assert (
        isalive.split()[1:]
        == ["ok", "ok", "Pending", "Deprec", "gone", "gone", "gone", "gone", "gone"][: len(book.columns)]
    )
    assert ledger.read(output).names == book.names
    # Newer and free-threaded builds: probed when on PATH, named when not (never silently absent).
    missing = ledger.not_found()
    assert (f"not probed (not on PATH here): {', '.join(missing)}" in lines) == bool(missing)


def test_answers_are_cached_per_interpreter_file(tmp_path, monkeypatch):
    monkeypatch.setenv("THREADPORT_CACHE", str(tmp_path))
    first, names = ledger.probe_interpreter(sys.executable)
    calls = []
    real_run = subprocess.run
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: calls.append(a) or real_run(*a, **k))
    second, _ = ledger.probe_interpreter(sys.executable)
    assert calls == [] and second == first
    ledger.probe_interpreter(sys.executable, use_cache=False)
    assert len(calls) == 1


def test_a_free_threaded_build_is_its_own_column():
    gone, warns = ledger.Status("gone"), ledger.Status("warns", "DeprecationWarning")
    default = ledger.Column("3.14.0", "CPython", False, "/x/python3.14", {"RLock(None) (arguments)": warns})
    free = ledger.Column("3.14.0", "CPython", True, "/x/python3.14t", {"RLock(None) (arguments)": gone})
    book = ledger.Ledger([("RLock(None) (arguments)", "name")], [default, free])
    assert book.column("3.14") is default and book.column("3.14t") is free
    assert free.label == "3.14.0t"
    assert book.first("RLock(None) (arguments)", "gone") is None  # free-threaded rows never decide a "since"
    assert book.status("RLock(None) (arguments)", "3.14t").status == "gone"


def test_the_probe_classifies_exactly():
    """A warning (under warnings-as-errors) is warns with its category, a missing name is
    gone, anything else is a probe error; behaviours are yes/no."""
    import warnings

    from threadport import ledger_probe as p

    def warns():
        warnings.warn("old", PendingDeprecationWarning, stacklevel=2)  # ignored by default filters: still counts
        return "ran"

    def missing():
        return object().isAlive()

    def broken():
        raise ValueError("bug")

    assert p.run_probe("x", "name", warns) == {
        "status": "warns",
        "category": "PendingDeprecationWarning",
        "detail": "old",
    }
    assert p.run_probe("x", "name", missing)["status"] == "gone"
    assert p.run_probe("x", "name", broken) == {"status": "error", "detail": "ValueError: bug"}
    assert p.run_probe("x", "behaviour", lambda: False) == {"status": "gone", "detail": "no"}
    assert p.run_probe("x", "name", lambda: "fine") == {"status": "exists", "detail": "fine"}
