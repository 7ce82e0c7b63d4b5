"""migrate's last step is `pyupgrade --py39-plus`, called through its public interface (the
command line, one process over many files), never its private functions."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from threadport.cli import main
from threadport.fixer import migrate

PY2 = (
    "import threading\n"
    "class Worker(threading.Thread, object):\n"
    "    def run(self):\n"
    "        print 'worker %s' % (self.getName(),)\n"
    "t = Worker()\n"
    "t.setDaemon(True)\n"
    "print u'%d alive' % threading.activeCount(), t.isAlive()\n"
)


def test_the_pipeline_ends_in_what_the_pyupgrade_command_makes_of_it(tmp_path):
    before = migrate.before_pyupgrade(PY2, aggressive=True)
    # the reference: pyupgrade's own command line, run until it changes nothing
    path = tmp_path / "ref.py"
    path.write_text(before)
    for _ in range(5):
        old = path.read_text()
        subprocess.run([sys.executable, "-m", "pyupgrade", "--py39-plus", str(path)], capture_output=True)
        if path.read_text() == old:
            break
    assert migrate.migrate_text(PY2, aggressive=True) == path.read_text()
    # and what that is, pinned: %-format -> f-string took pyupgrade two runs, u'' and (object) are gone
    assert migrate.migrate_text(PY2, aggressive=True) == (
        "import threading\n"
        "class Worker(threading.Thread):\n"
        "    def run(self):\n"
        "        print(f'worker {self.name}')\n"
        "t = Worker()\n"
        "t.daemon = True\n"
        "print('%d alive' % threading.active_count(), t.is_alive())\n"
    )


def counted_pyupgrades(monkeypatch) -> list[list[str]]:
    calls = []
    real_popen = subprocess.Popen

    def counting_popen(command, *args, **kwargs):
        calls.append(command)
        return real_popen(command, *args, **kwargs)

    monkeypatch.setattr(migrate.subprocess, "Popen", counting_popen)
    return calls


def test_many_files_go_through_one_pyupgrade_process_per_round(monkeypatch):
    calls = counted_pyupgrades(monkeypatch)
    texts = [f"x{i} = '%s' % (y,)\n" for i in range(5)] + ["class A(object): pass\n", "clean = 1\n"]
    assert migrate.pyupgrade_py39_many(texts) == [f"x{i} = f'{{y}}'\n" for i in range(5)] + [
        "class A: pass\n",
        "clean = 1\n",
    ]
    assert [len(command) - len(migrate.PYUPGRADE) for command in calls] == [7, 6, 5]  # only the changed ones again
    assert all(command[: len(migrate.PYUPGRADE)] == migrate.PYUPGRADE for command in calls)


def test_enough_files_are_shared_by_one_pyupgrade_process_per_core(monkeypatch):
    calls = counted_pyupgrades(monkeypatch)
    monkeypatch.setattr(migrate.os, "cpu_count", lambda: 2)
    count = 2 * migrate.PYUPGRADE_FILES_PER_PROCESS + 1
    texts = [f"x{i} = '%s' % (y,)\n" for i in range(count)]
    assert migrate.pyupgrade_py39_many(texts) == [f"x{i} = f'{{y}}'\n" for i in range(count)]
    assert [len(command) - len(migrate.PYUPGRADE) for command in calls] == [count // 2 + 1, count // 2] * 2 + [
        count // 2 + 1,
        count // 2,
    ]


def test_a_pyupgrade_that_fails_is_an_error_never_a_silent_pass(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(migrate, "PYUPGRADE", [sys.executable, "-c", "import sys; sys.exit('pyupgrade: boom')"])
    with pytest.raises(migrate.MigrateError, match="pyupgrade --py39-plus failed: pyupgrade: boom"):
        migrate.migrate_text("print 'hi'\n")
    source = tmp_path / "old.py"
    source.write_text("print 'hi'\n")
    assert main(["migrate", str(source)]) == 2  # one line for the whole run, nothing written
    assert capsys.readouterr().err == "threadport migrate: error: pyupgrade --py39-plus failed: pyupgrade: boom\n"
    assert source.read_text() == "print 'hi'\n"


def test_no_private_pyupgrade_module_is_imported():
    tree = ast.parse(Path(migrate.__file__).read_text())
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }
    assert not {name for name in imported if name and name.startswith("pyupgrade")}
