"""`threadport timeline`: the legacy files after 2to3 (fissix), on every Python 3.

The seed's poll loop is the story: 2to3 leaves ``t.isAlive()`` alone, so the
converted code runs on 3.7 and 3.8 with a (Pending)DeprecationWarning and dies on 3.9+."""

from __future__ import annotations

import copy
import hashlib
import json
import sys

import pytest

import threadport.timeline
from threadport.catalog import get_pair, showcase_root
from threadport.cli import main
from threadport.runner import Transcript
from threadport.timeline import DIFFERS, FAILS, OK, WARNS, build, classify, convert


@pytest.mark.parametrize(
    ("legacy", "converted"),
    [
        ("print t.isAlive()\n", "print(t.isAlive())\n"),  # the alias survives: no fixer knows it
        ("t.setDaemon(True)\nprint t.getName()\n", "t.setDaemon(True)\nprint(t.getName())\n"),
        ("import thread, Queue\n", "import _thread, queue\n"),
        ("for i in xrange(3): pass\n", "for i in range(3): pass\n"),
        ("except RuntimeError, e: pass\n".join(["try: pass\n", ""]), "try: pass\nexcept RuntimeError as e: pass\n"),
    ],
)
def test_convert_is_2to3_with_the_default_fixers(legacy, converted):
    assert convert(legacy) == converted


def test_convert_reads_the_seed_as_utf8_and_keeps_its_comments():
    seed = get_pair("threading_notes").legacy_path.read_bytes().decode("utf-8")
    out = convert(seed)
    assert "print(t.isAlive())" in out and "“daemon thread”" in out
    compile(out, "threading_notes.py", "exec")  # Python 3 syntax now


def test_the_seed_breaks_between_38_and_39(python3):
    old, new = python3(8), python3(9)
    rows = {row.entry: row for row in build([get_pair("threading_notes")], [old, new])}
    poll = rows["testIsAliveOnSleeper"]
    on_38, on_39 = poll.cell(old.version_string), poll.cell(new.version_string)
    assert on_38.status == WARNS
    assert on_38.detail == "DeprecationWarning: isAlive() is deprecated, use is_alive() instead"
    assert on_39.status == FAILS and on_39.detail == "AttributeError: 'Thread' object has no attribute 'isAlive'"
    # The rest of the seed converts and runs fine on both.
    assert {rows[name].cell(v.version_string).status for name in ("worker", "workerArgs") for v in (old, new)} == {OK}


def test_output_is_checked_against_python27(legacy_python):
    from threadport.interpreters import resolve

    # The daemon demo prints what its child wrote: after 2to3, Popen.communicate()
    # hands back bytes and the converted code prints b'...'.
    rows = build([get_pair("daemon_exit")], [resolve(sys.executable)], resolve(legacy_python))
    demo = next(row for row in rows if row.entry == "demo")
    cell = demo.cell(demo.cells[0].python)
    assert demo.baseline.python.startswith("2.7.")
    assert cell.status == DIFFERS and "b'child: both threads wrote their lines" in cell.detail


def test_legacy_files_are_never_written():
    from threadport.interpreters import resolve

    folder = showcase_root() / "legacy"
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("*.py")}
    build([get_pair("threading_notes"), get_pair("worker_pool")], [resolve(sys.executable)])
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("*.py")}
    assert before == after


def transcript(**fields) -> Transcript:
    base = {"python": "3.12.1", "stdout": ["a"], "stderr": [], "exit": 0}
    return Transcript(**{**base, **fields})


def test_classify_keeps_only_warnings_from_the_converted_file(tmp_path):
    converted = tmp_path / "snippet.py"
    elsewhere = "/opt/clock/virtual.py:12: DeprecationWarning: not the snippet's"
    mine = f"{converted}:3: DeprecationWarning: getName() is deprecated"
    assert classify(transcript(stderr=[elsewhere]), converted, None).status == OK
    cell = classify(transcript(stderr=[elsewhere, mine, "  t.getName()"]), converted, None)
    assert (cell.status, cell.detail) == (WARNS, "DeprecationWarning: getName() is deprecated")


def test_classify_order_fails_then_differs_then_warns(tmp_path):
    converted = tmp_path / "snippet.py"
    warned = [f"{converted}:1: DeprecationWarning: old"]
    baseline = transcript(python="2.7.18", stdout=["a"])
    error = {"type": "AttributeError", "message": "gone"}
    failed = classify(transcript(stdout=["b"], stderr=warned, exit=1, exception=error), converted, baseline)
    assert (failed.status, failed.detail) == (FAILS, "AttributeError: gone")
    differs = classify(transcript(stdout=["b"], stderr=warned), converted, baseline)
    assert (differs.status, differs.detail) == (DIFFERS, "stdout line 1: 'b', Python 2.7 printed 'a'")
    assert classify(transcript(stderr=warned), converted, baseline).status == WARNS
    assert classify(transcript(timed_out=True, deadlock=True, exit=None), converted, baseline).detail == "deadlock"


@pytest.fixture(scope="module")
def one_build_per_question():
    """timeline.build run once for each set of pairs and interpreters the module's commands
    ask about: the JSON and the table of the same run are two renderings of one build (each
    build converts the pairs and runs every entry on every interpreter). Each caller gets
    its own copy of the rows."""
    made: dict[tuple, list] = {}
    real = threadport.timeline.build

    def once(pairs, pythons, legacy=None, *, jobs=None):
        key = (tuple(p.stem for p in pairs), tuple(p.path for p in pythons), legacy.path if legacy else None)
        if key not in made:
            made[key] = real(pairs, pythons, legacy, jobs=jobs)
        return copy.deepcopy(made[key])

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(threadport.timeline, "build", once)
        yield made


def test_cli_json_for_the_seed(capsys, python3, one_build_per_question):
    old, new = python3(8), python3(9)
    assert main(["timeline", "threading_notes", "--json", "--python", old.path, "--python", new.path]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["pythons"] == [old.version_string, new.version_string]
    poll = next(row for row in document["rows"] if row["entry"] == "testIsAliveOnSleeper")
    assert [cell["status"] for cell in poll["cells"]] == [WARNS, FAILS]


def test_cli_table_names_the_break(capsys, python3, one_build_per_question):
    old, new = python3(8), python3(9)
    assert main(["timeline", "threading_notes", "--python", old.path, "--python", new.path]) == 0
    out = capsys.readouterr().out
    poll = next(line for line in out.splitlines() if line.startswith("threading_notes::testIsAliveOnSleeper"))
    assert poll.split()[1:] == ["warns", "[1]", "fails", "[2]"]
    assert "[2] AttributeError: 'Thread' object has no attribute 'isAlive'" in out


def test_cli_unknown_pair_is_one_line_and_exit_2(capsys):
    assert main(["timeline", "no_such_pair"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("threadport timeline: error: no pair named 'no_such_pair'")
