"""`threadport compare` and `threadport list` as a user calls them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from threadport.catalog import load_catalog
from threadport.cli import main


def test_list_prints_stem_tab_title(capsys):
    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"{p.stem}\t{p.title}" for p in load_catalog()]


def test_compare_seed_text_shows_both_sides_and_the_verdicts(legacy_python, capsys):
    assert main(["compare", "threading_notes", "--legacy-python", legacy_python]) == 0
    out = capsys.readouterr().out
    assert "threading_notes :: testIsAliveOnSleeper -> poll_sleeper  [equivalent]" in out
    assert "legacy: Python 2.7" in out and f"modern: Python {sys.version_info[0]}.{sys.version_info[1]}" in out
    assert out.rstrip().splitlines()[-1].startswith("4 entry points: 4 equivalent, 0 declared, 0 mismatch")


def test_compare_json_document(legacy_python, capsys, tmp_path, monkeypatch):
    from threadport import results

    made = []
    real_dumps = results.dumps
    monkeypatch.setattr(results, "dumps", lambda done: made.append(done) or real_dumps(done))
    output = tmp_path / "results" / "py.json"
    assert (
        main(["compare", "threading_notes", "--json", "--output", str(output), "--legacy-python", legacy_python]) == 0
    )
    printed = capsys.readouterr().out
    assert output.read_text(encoding="utf-8") == printed and len(made) == 1  # one document for both
    document = json.loads(printed)
    assert [r["entry"] for r in document] == ["worker", "workerArgs", "sleeper", "testIsAliveOnSleeper"]
    first = document[1]
    assert first["modern_entry"] == "worker_args" and first["verdict"] == "equivalent"
    for side in ("legacy", "modern"):
        assert {"python", "stdout", "stderr", "exit", "exception", "seconds"} <= set(first[side])
        assert first[side]["stdout"] == ["working ok cool"]


def test_compare_exits_1_on_a_mismatch(legacy_python, tmp_path, capsys, monkeypatch):
    home = tmp_path / "home"
    for side, text in (("legacy", "def f():\n    print 'py2'\n"), ("modern", "def f():\n    print('py3')\n")):
        (home / side).mkdir(parents=True)
        (home / side / "odd.py").write_text(text)
    catalog = tmp_path / "catalog.toml"
    catalog.write_text('[[pair]]\nstem = "odd"\ntitle = "Odd"\n[[pair.entry]]\nlegacy = "f"\n')
    monkeypatch.setenv("THREADPORT_HOME", str(home))
    monkeypatch.setattr("threadport.catalog.CATALOG_FILE", catalog)
    from threadport.catalog import load_catalog as cached

    cached.cache_clear()
    try:
        assert main(["compare", "--legacy-python", legacy_python]) == 1
    finally:
        cached.cache_clear()
    out = capsys.readouterr().out
    assert "[MISMATCH]" in out and "stdout differs" in out


def test_usage_errors_exit_2_with_one_line(capsys, tmp_path):
    assert main(["compare", "no_such_pair"]) == 2
    err = capsys.readouterr().err
    assert err == "threadport compare: error: no pair named 'no_such_pair' (known: threading_notes)\n" or (
        err.startswith("threadport compare: error: no pair named 'no_such_pair'") and err.count("\n") == 1
    )
    assert main(["compare", "--legacy-python", sys.executable]) == 2
    assert "not 2.7" in capsys.readouterr().err


def test_no_legacy_interpreter_exits_2_with_the_reason(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "THREADPORT_LEGACY_PYTHON"}
    env.update(PATH=str(tmp_path), PYENV_ROOT=str(tmp_path), HOME=str(tmp_path))
    done = subprocess.run([sys.executable, "-m", "threadport", "compare"], capture_output=True, text=True, env=env)
    assert done.returncode == 2
    assert done.stderr.startswith("threadport compare: error: no working python2.7 found")
    assert "pyenv install 2.7.18" in done.stderr


def test_python_dash_m_threadport_works():
    done = subprocess.run([sys.executable, "-m", "threadport", "list"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("threading_notes\t")
