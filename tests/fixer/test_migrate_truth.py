"""`threadport migrate` tells the truth: output that does not compile is an error with its line,
Python 3 files skip 2to3, Python 2 tab/space mixes are normalised before the Python 3 stages."""

from __future__ import annotations

import pytest

from threadport.cli import main
from threadport.fixer.migrate import MigrateError, is_python3, migrate_text

ASYNC_KEYWORD = "import threading\ndef go(f):\n    t = threading.Thread(target=f)\n    spawn(f, async=True)\n"
PYTHON3_COMPAT = (
    "import threading\nbasestring = (bytes, str)\n"
    "def f(x: int) -> None:\n    t = threading.Thread()\n    t.setDaemon(True)\n    print(f'{x}')\n"
)
TABS = 'import threading\ndef f():\n\tt = threading.Thread()\n        t.setDaemon(True)\n\tprint "x"\n'


def test_output_that_does_not_compile_is_an_error_with_its_line(tmp_path, capsys):
    source = tmp_path / "src" / "job.py"
    source.parent.mkdir()
    source.write_text(ASYNC_KEYWORD)
    out = tmp_path / "out"
    assert main(["migrate", "--output-dir", str(out), str(source.parent)]) == 2
    captured = capsys.readouterr()
    assert "Migrated" not in captured.out
    assert "job.py: error: does not compile on Python 3." in captured.err
    assert "after 2to3 and threadport fix: line 4: invalid syntax" in captured.err
    assert not (out / "job.py").exists()
    assert source.read_text() == ASYNC_KEYWORD


def test_a_python3_file_skips_2to3():
    assert is_python3(PYTHON3_COMPAT)
    migrated = migrate_text(PYTHON3_COMPAT)
    assert "basestring = (bytes, str)" in migrated  # 2to3 would have made it `str = (bytes, str)`
    assert "t.daemon = True" in migrated


@pytest.mark.parametrize(
    "source",
    [
        "print 'x'\n",
        "from __future__ import print_function\nprint('x', end='')\n",
        "def f(a, b):\n    return a\n",  # the common subset is treated as Python 2: 2to3 runs
    ],
)
def test_python2_and_common_sources_are_not_python3(source):
    assert not is_python3(source)


def test_python2_tabs_and_spaces_are_normalised_as_27_reads_them(legacy_python, tmp_path):
    import subprocess

    path = tmp_path / "tabs.py"
    path.write_text(TABS)
    check = subprocess.run([legacy_python, "-c", f"compile(open({str(path)!r}).read(), 'tabs', 'exec')"])
    assert check.returncode == 0  # Python 2.7 reads this file
    migrated = migrate_text(TABS)
    compile(migrated, "tabs", "exec")
    assert '        t.daemon = True\n        print("x")\n' in migrated


def test_migrate_error_names_pyupgrade_only_when_it_broke_the_code(monkeypatch):
    import threadport.fixer.migrate as migrate

    monkeypatch.setattr(migrate, "pyupgrade_py39", lambda text: "def broken(:\n")
    with pytest.raises(MigrateError, match="after pyupgrade: line 1"):
        migrate.migrate_text("x = 1\n")


def test_migrate_says_nothing_about_a_warning_in_a_text_it_goes_on_to_fix(tmp_path, capfd):
    # `x is 1` warns when compiled (3.8+). pyupgrade's stage makes it `x == 1` with
    # pyupgrade 3.22 on 3.11, not with 3.21 on 3.9/3.10: either way migrate's compile
    # checks are its own business, and a warning naming the user's file is noise.
    import warnings

    source = tmp_path / "literal.py"
    source.write_text('import threading\nx = 1\nif x is 1:\n    print "one", threading.currentThread()\n')
    with warnings.catch_warnings(record=True) as caught:  # pytest would swallow them otherwise
        warnings.simplefilter("always")
        assert main(["migrate", str(source)]) == 0
    assert [str(warning.message) for warning in caught] == []
    assert capfd.readouterr().err == ""
    assert "threading.current_thread()" in source.read_text()
