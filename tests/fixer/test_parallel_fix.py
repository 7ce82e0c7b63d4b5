"""`fix` on every core: each file fixed and written in a worker, the output in input order."""

from __future__ import annotations

import multiprocessing
import os
import shutil

import pytest
from availability import unavailable
from pool_spy import pool_use, share_use

from threadport.cli import main
from threadport.fixer import files, forked

THREADED = "import threading\nt = threading.Thread()\nt.setDaemon(True)\nprint(t.isAlive())\nx.getName()\n"
BROKEN = "import threading\nthreading.currentThread()\ndef f(:\n    pass\n"  # a trigger word: parsed, fails
DEFINES = "class Double:\n    def isAlive(self):\n        return True\n"


def worker_pid(item: int) -> tuple[int, int]:
    return item, os.getpid()


def needs_two_cores() -> None:
    if (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        unavailable("the process pool needs two cores and fork", "THREADPORT_REQUIRE_POOL")


def test_in_order_uses_worker_processes_and_keeps_the_order():
    needs_two_cores()
    done = files.in_order(worker_pid, list(range(50)), minimum=10)
    assert [item for item, _ in done] == list(range(50))
    assert os.getpid() not in {pid for _, pid in done}
    assert {pid for _, pid in files.in_order(worker_pid, [1, 2, 3], minimum=10)} == {os.getpid()}  # too few


def tree(root, count: int):
    """``count`` files with findings, a clean one, a broken one and a test double between them."""
    for i in range(count):
        (root / "pkg" / f"mod{i:02d}.py").parent.mkdir(parents=True, exist_ok=True)
        (root / "pkg" / f"mod{i:02d}.py").write_text(THREADED)
    (root / "pkg" / "clean.py").write_text("print('hi')\n")
    (root / "pkg" / "mod05_broken.py").write_text(BROKEN)
    (root / "tests" / "double.py").parent.mkdir(parents=True)
    (root / "tests" / "double.py").write_text(DEFINES)


@pytest.mark.parametrize("shared", [False, True], ids=["pool", "forked-helpers"])
@pytest.mark.parametrize("extra", [[], ["--diff"], ["--aggressive"]])
def test_fix_in_workers_matches_fix_in_one_process(tmp_path, capsys, monkeypatch, extra, shared):
    needs_two_cores()
    count = files.FIX_POOL_MINIMUM + 6
    parallel, serial = tmp_path / "parallel", tmp_path / "serial"
    tree(parallel, count)
    shutil.copytree(parallel, serial)
    if shared:  # a tree large enough for check's forked helpers: they check (and fix ahead) for fix too
        monkeypatch.setattr(files, "SHARE_MINIMUM", 10)
    used, shares = pool_use(monkeypatch), share_use(monkeypatch)
    code = main(["fix", str(parallel), *extra])
    out, err = capsys.readouterr()
    if shared:
        assert shares == [True]
    else:  # too few files for check's helpers, enough for fix's pool: the pass that checks them rewrites them too
        assert shares == [False] and True in used
    monkeypatch.setattr(files, "FIX_POOL_MINIMUM", 10**9)
    monkeypatch.setattr(files, "SHARE_MINIMUM", 10**9)
    used.clear()
    shares.clear()
    assert main(["fix", str(serial), *extra]) == code == 2  # the broken file
    serial_out, serial_err = capsys.readouterr()
    assert shares == [False] and True not in used
    assert out.replace(str(parallel), "ROOT") == serial_out.replace(str(serial), "ROOT")
    assert err.replace(str(parallel), "ROOT") == serial_err.replace(str(serial), "ROOT")
    for path in sorted(parallel.rglob("*.py")):
        assert path.read_text() == (serial / path.relative_to(parallel)).read_text()
    if "--diff" not in extra:
        assert "is_alive()" in (parallel / "pkg" / "mod00.py").read_text()
        rewrote = [line.split()[1] for line in out.splitlines() if line.startswith("Rewrote")]
        assert rewrote == sorted(rewrote) and len(rewrote) == count  # input order
    else:
        assert out.count("+++ ") == count and (parallel / "pkg" / "mod00.py").read_text() == THREADED
    assert "mod05_broken.py: error:" in err


def migrate_share_use(monkeypatch, log) -> list[bool]:
    """For each migrate._share from now on, whether it gave helpers; and the process that
    migrated each file, a line each in the file ``log`` (a helper's memory is its own)."""
    from threadport.fixer import migrate

    used: list[bool] = []
    real_share, real_one = migrate._share, migrate._migrate_one

    def watched(items):
        share = real_share(items)
        used.append(share is not None)
        return share

    def one(item, aggressive, prefilter):
        with open(log, "a") as out:  # O_APPEND: each short line whole
            out.write(f"{os.getpid()}\n")
        return real_one(item, aggressive, prefilter)

    monkeypatch.setattr(migrate, "_share", watched)
    monkeypatch.setattr(migrate, "_migrate_one", one)
    return used


def pids_in(log) -> list[int]:
    pids = [int(line) for line in log.read_text().split()]
    log.unlink()
    return pids


def test_migrate_in_workers_matches_migrate_in_one_process(tmp_path, capsys, monkeypatch):
    needs_two_cores()
    from threadport.fixer import migrate

    legacy = "import threading\nt = threading.Thread()\nprint 'alive: %s' % t.isAlive()\n"
    parallel, serial = tmp_path / "parallel", tmp_path / "serial"
    parallel.mkdir()
    for i in range(migrate.MIGRATE_POOL_MINIMUM + 2):
        (parallel / f"old{i:02d}.py").write_text(legacy.replace("alive", f"alive {i}"))
    (parallel / "old03_broken.py").write_text("print 'unclosed\n")
    shutil.copytree(parallel, serial)
    log = tmp_path / "pids"
    used = migrate_share_use(monkeypatch, log)
    code = main(["migrate", str(parallel)])
    out, err = capsys.readouterr()
    assert used == [True]  # every stage of each file, shared with a forked helper
    count = migrate.MIGRATE_POOL_MINIMUM + 3
    assert len(pids_in(log)) == count  # each file once (which process takes which is the helpers' race)
    monkeypatch.setattr(migrate, "MIGRATE_POOL_MINIMUM", 10**9)
    assert main(["migrate", str(serial)]) == code == 2  # the broken file
    serial_out, serial_err = capsys.readouterr()
    assert used[1:] == [False]
    assert pids_in(log) == [os.getpid()] * count
    assert out.replace(str(parallel), "ROOT") == serial_out.replace(str(serial), "ROOT")
    assert err.replace(str(parallel), "ROOT") == serial_err.replace(str(serial), "ROOT")
    assert "old03_broken.py: error:" in err
    for path in sorted(parallel.glob("*.py")):
        assert path.read_text() == (serial / path.name).read_text()
    assert (parallel / "old07.py").read_text().endswith("print('alive 7: %s' % t.is_alive())\n")


@pytest.mark.parametrize("command", ["check", "fix"])
def test_only_the_files_the_prefilter_lets_through_are_decoded(tmp_path, capsys, monkeypatch, command):
    """Decoding every file cost check 7% of its time on a large tree: the bytes decide first."""
    (tmp_path / "hit.py").write_text(THREADED)
    for i in range(5):
        (tmp_path / f"quiet{i}.py").write_text(f"value = {i}\n")
    (tmp_path / "latin.py").write_bytes(b"name = '\xe9'\n")  # not UTF-8, no cookie: never read as text
    decoded = []
    real_decode = files.decode

    def counting_decode(data):
        decoded.append(data)
        return real_decode(data)

    monkeypatch.setattr(files, "decode", counting_decode)
    main([command, "--exit-zero", str(tmp_path)])
    capsys.readouterr()
    assert decoded and all(data == THREADED.encode() or b"is_alive" in data for data in decoded)


# x: an unknown receiver, its isAlive() renamed by --aggressive unless the tree defines isAlive
RENAMED_IF_NOT_DEFINED = (
    "import threading\nt = threading.Thread()\nt.setDaemon(True)\ndef stop(x):\n    return x.isAlive()\n"
)


def test_files_fixed_again_are_shared_with_helpers_and_written_here(tmp_path, capsys, monkeypatch):
    """With --aggressive, what a file's unknown receivers become depends on the test double
    elsewhere in the tree (it defines isAlive): the check pass's fixes do not hold, and the
    files are fixed again, by forked helpers, each written by this process only."""
    needs_two_cores()
    from threadport.fixer import source

    parallel, serial = tmp_path / "parallel", tmp_path / "serial"
    for i in range(4):
        (parallel / "pkg" / f"stop{i}.py").parent.mkdir(parents=True, exist_ok=True)
        (parallel / "pkg" / f"stop{i}.py").write_text(RENAMED_IF_NOT_DEFINED.replace("stop", f"stop{i}"))
    (parallel / "tests" / "double.py").parent.mkdir(parents=True)
    (parallel / "tests" / "double.py").write_text(DEFINES)
    shutil.copytree(parallel, serial)
    again, shares, log = [], [], tmp_path / "writers"
    real_again, real_share, real_write = files._fix_again, files.forked_share, source.write_atomic

    def fix_again(items, *args):
        again.append(len(items))
        return real_again(items, *args)

    def forked_share():
        share = real_share()
        shares.append(share is not None)
        return share

    def write_atomic(path, data, expected=None):
        with open(log, "a") as out:  # O_APPEND: each short line whole
            out.write(f"{os.getpid()}\n")
        return real_write(path, data, expected)

    monkeypatch.setattr(files, "_fix_again", fix_again)
    monkeypatch.setattr(files, "forked_share", forked_share)
    monkeypatch.setattr(source, "write_atomic", write_atomic)
    code = main(["fix", "--aggressive", str(parallel)])
    out, err = capsys.readouterr()
    assert again == [4] and shares == [True]
    assert [int(pid) for pid in log.read_text().split()] == [os.getpid()] * 4  # each file, written here
    monkeypatch.setattr(files, "forked_share", lambda: None)
    assert main(["fix", "--aggressive", str(serial)]) == code == 1
    assert capsys.readouterr() == (out.replace(str(parallel), str(serial)), err.replace(str(parallel), str(serial)))
    for path in sorted(parallel.rglob("*.py")):
        assert path.read_text() == (serial / path.relative_to(parallel)).read_text()
    # the double's isAlive keeps x.isAlive() as it is; the thread's setDaemon is fixed
    assert (parallel / "pkg" / "stop2.py").read_text() == RENAMED_IF_NOT_DEFINED.replace("stop", "stop2").replace(
        "t.setDaemon(True)", "t.daemon = True"
    )


def test_files_kept_from_the_check_pass_are_written_while_helpers_fix_the_others(tmp_path, capsys, monkeypatch):
    """Each write waits on the disk: the files whose fixes hold are written by this process
    inside the share of the files fixed again (ForkedShare.map's meanwhile), not before it
    with the other core idle; and the output is the one process's."""
    needs_two_cores()
    from threadport.fixer import forked, source

    parallel, serial = tmp_path / "parallel", tmp_path / "serial"
    (parallel / "pkg").mkdir(parents=True)
    for i in range(3):  # fixed again: the double elsewhere defines isAlive
        (parallel / "pkg" / f"stop{i}.py").write_text(RENAMED_IF_NOT_DEFINED.replace("stop", f"stop{i}"))
    for i in range(4):  # kept: nothing the tree says changes them
        (parallel / "pkg" / f"kept{i}.py").write_text(THREADED)
    (parallel / "double.py").write_text(DEFINES)
    shutil.copytree(parallel, serial)
    mapping, writes = [], []
    real_map, real_write = forked.ForkedShare.map, source.write_atomic

    def share_map(self, function, items, chunksize=0, meanwhile=None):
        mapping.append(len(items))
        try:
            return real_map(self, function, items, chunksize, meanwhile)
        finally:
            mapping.append("done")

    def write_atomic(path, data, expected=None):
        writes.append((os.path.basename(path), os.getpid(), list(mapping)))
        return real_write(path, data, expected)

    monkeypatch.setattr(forked.ForkedShare, "map", share_map)
    monkeypatch.setattr(source, "write_atomic", write_atomic)
    code = main(["fix", "--aggressive", str(parallel)])
    out, err = capsys.readouterr()
    kept = sorted((name, pid, seen) for name, pid, seen in writes if name.startswith("kept"))
    # inside the map of the 3 files fixed again (the check's passes ended before it)
    assert [(name, pid, seen[-1:]) for name, pid, seen in kept] == [(f"kept{i}.py", os.getpid(), [3]) for i in range(4)]
    monkeypatch.setattr(files, "forked_share", lambda: None)
    assert main(["fix", "--aggressive", str(serial)]) == code == 1
    assert capsys.readouterr() == (out.replace(str(parallel), str(serial)), err.replace(str(parallel), str(serial)))
    for path in sorted(parallel.rglob("*.py")):
        assert path.read_text() == (serial / path.relative_to(parallel)).read_text()


def test_fix_with_forked_helpers_screens_checks_and_fixes_ahead_in_one_pass(tmp_path, capsys, monkeypatch):
    """As check does (test_parallel_check): one share of the files, each screened and, if let
    through, checked and fixed ahead by the process that took it; not a screening share and then
    another of the files let through (a second fork of the helpers, a second read of each)."""
    needs_two_cores()
    tree(tmp_path, 12)
    monkeypatch.setattr(files, "SHARE_MINIMUM", 10)
    shares = share_use(monkeypatch)
    mapped = []
    real_map = forked.ForkedShare.map

    def spy(self, function, items, *args, **kwargs):
        mapped.append((getattr(function, "func", function).__name__, len(items)))
        return real_map(self, function, items, *args, **kwargs)

    monkeypatch.setattr(forked.ForkedShare, "map", spy)
    assert main(["fix", str(tmp_path)]) == 2  # the broken file
    assert "is_alive()" in (tmp_path / "pkg" / "mod00.py").read_text()
    files_in_tree = len(list(tmp_path.rglob("*.py")))
    assert shares == [True]
    assert mapped[0] == ("_screen_and_check", files_in_tree)
    assert "_screen" not in [name for name, _ in mapped]
