"""`check` on every core: this process and forked helpers (forked.py) take the files one at a
time, each screened and, if the prefilter lets it through, analysed by the process that took it;
the report is the same as in one process."""

from __future__ import annotations

import multiprocessing
import os
import shutil

from availability import unavailable
from pool_spy import share_use

from threadport.cli import main
from threadport.fixer import files, forked

THREADED = "import threading\nt = threading.Thread()\nt.setDaemon(True)\nprint(t.isAlive())\nx.getName()\n"
BROKEN = "import threading\nthreading.currentThread()\ndef f(:\n    pass\n"
# certain alone; possible once another file of the tree assigns its _thread (tree facts)
SCHEDULER = (
    "import threading\nclass Scheduler(object):\n    def start(self):\n"
    "        self._thread = threading.Thread()\n    def running(self):\n        return self._thread.isAlive()\n"
)
DOUBLE = "import scheduler\ns = scheduler.Scheduler()\ns._thread = object()\n"


def tree(root, quiet: int) -> None:
    """Files with findings of growing size between many the prefilter stops, and a broken one."""
    root.mkdir()
    for i in range(quiet):
        (root / f"quiet{i:03d}.py").write_text(f"value = {i}\n")
    for i in range(6):
        (root / f"hit{i}.py").write_text(THREADED + "pass\n" * (1000 * i))
    (root / "hit2_broken.py").write_text(BROKEN)
    (root / "scheduler.py").write_text(SCHEDULER)
    (root / "zz_double.py").write_text(DOUBLE)  # read only by the tree facts' scan


def test_check_in_workers_matches_check_in_one_process(tmp_path, capsys, monkeypatch):
    if (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        unavailable("the forked helpers need two cores and fork", "THREADPORT_REQUIRE_POOL")
    parallel, serial = tmp_path / "parallel", tmp_path / "serial"
    tree(parallel, files.SHARE_MINIMUM)
    shutil.copytree(parallel, serial)
    pools = share_use(monkeypatch)
    code = main(["check", str(parallel)])
    out, err = capsys.readouterr()
    assert pools == [True]
    monkeypatch.setattr(files, "SHARE_MINIMUM", 10**9)
    assert main(["check", str(serial)]) == code == 2  # the broken file
    serial_out, serial_err = capsys.readouterr()
    assert pools == [True, False]
    assert out.replace(str(parallel), "ROOT") == serial_out.replace(str(serial), "ROOT")
    assert err.replace(str(parallel), "ROOT") == serial_err.replace(str(serial), "ROOT")
    reported = [line.split(":")[0] for line in out.splitlines() if ": TP" in line]
    assert reported == sorted(reported) and len(set(reported)) == 7  # every hit, in the walk's order
    assert "scheduler.py:6:29: TP001 [possible]" in out  # the tree facts, gathered by the workers
    assert "hit2_broken.py: error:" in err


def test_every_file_the_tree_facts_change_is_checked_again(tmp_path, capsys, monkeypatch):
    """Two files relying on self._thread, which a third assigns from outside: both are checked
    again with the tree's facts (files._check_again), on the helpers and in one process."""
    reports = []
    for minimum in (2, 10**9):  # forked helpers, then this process alone
        monkeypatch.setattr(files, "SHARE_MINIMUM", minimum)
        root = tmp_path / f"share{minimum}"
        root.mkdir()
        (root / "scheduler.py").write_text(SCHEDULER)
        (root / "scheduler_copy.py").write_text(SCHEDULER + "pass\n")
        (root / "zz_double.py").write_text(DOUBLE)
        assert main(["check", "--exit-zero", str(root)]) == 0
        reports.append(capsys.readouterr().out.replace(str(root), "ROOT"))
    assert reports[0] == reports[1]
    assert "ROOT/scheduler.py:6:29: TP001 [possible]" in reports[0]
    assert "ROOT/scheduler_copy.py:6:29: TP001 [possible]" in reports[0]


def forked_share_possible() -> bool:
    return files.forked_share() is not None


def test_helpers_screen_and_analyse_each_file_in_one_pass(tmp_path, capsys, monkeypatch):
    """One share of the files, not a screening share and then another of the files let through
    (each a fork, and a wait for the slower process); only the files let through are analysed,
    and a file re-exporting threading is known as one."""
    if (os.cpu_count() or 1) < 2 or not forked_share_possible():
        unavailable("the forked helpers need two cores and fork", "THREADPORT_REQUIRE_POOL")
    root = tmp_path / "tree"
    tree(root, files.SHARE_MINIMUM)
    (root / "reexporter.py").write_text("from threading import *\n")
    (root / "user.py").write_text("import reexporter\nt = reexporter.Thread()\nt.setDaemon(True)\n")
    pools = share_use(monkeypatch)
    # A busy machine still gets the helper: the last minute's load average lags (the
    # benchmark's own ruff run raised it over 2 on these 2 cores), and check serial at such a
    # load took 0.42 s against 0.30 s with the helper over 3.13's Lib (bench_check, same rounds).
    monkeypatch.setattr(os, "getloadavg", lambda: (64.0, 64.0, 64.0), raising=False)
    mapped = []
    real_map, real_check_file = forked.ForkedShare.map, files.check_file
    log = tmp_path / "analysed"  # each process's calls, a line each (a helper's memory is its own)

    def spy(self, function, items, *args, **kwargs):
        mapped.append((getattr(function, "func", function).__name__, len(items)))
        return real_map(self, function, items, *args, **kwargs)

    def check_file(path, *args, **kwargs):
        with open(log, "a") as stream:
            stream.write(os.path.basename(path) + "\n")
        return real_check_file(path, *args, **kwargs)

    monkeypatch.setattr(forked.ForkedShare, "map", spy)
    monkeypatch.setattr(files, "check_file", check_file)
    assert main(["check", str(root)]) == 2
    out, err = capsys.readouterr()
    assert "hit2_broken.py: error:" in err
    assert "user.py:3:3: TP009 setDaemon(v)" in out  # certain: threading's Thread, through reexporter
    files_in_tree = len(list(root.iterdir()))
    assert pools == [True]
    # the files; the tree facts' scan for the _thread assignment (scheduler.py relies on it);
    # the two files the tree's facts change checked again (files._check_again)
    assert mapped == [("_screen_and_check", files_in_tree), ("outside_in", files_in_tree), ("_check_pair", 2)]
    analysed = sorted(log.read_text().split())
    let_through = [*(f"hit{i}.py" for i in range(6)), "hit2_broken.py", "scheduler.py", "user.py"]
    assert analysed == sorted([*let_through, "scheduler.py", "user.py"])
