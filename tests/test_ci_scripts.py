""".ci/run's installs beside tox: .ci/with-status, .ci/install-chromium, and .ci/run's wait for them.

Each script runs for real, in a bash of its own, with stand-ins on PATH for what it calls
(apt-get, chromium, tox) that do nothing but record their arguments and succeed or fail.
"""

from __future__ import annotations

import shutil
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CI = ROOT / ".ci"
free = pytest.mark.interpreter_free("runs bash scripts with stand-in commands; the Python running pytest plays no part")


def script(path: Path, body: str) -> Path:
    path.write_text(f"#!{shutil.which('bash')}\n{body}")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def only_on_path(bin_dir: Path, *names: str) -> str:
    """A PATH of bin_dir alone, holding links to the real ``names`` (and what bin_dir already has)."""
    bin_dir.mkdir(exist_ok=True)
    for name in names:
        if not (bin_dir / name).exists():
            (bin_dir / name).symlink_to(shutil.which(name))
    return str(bin_dir)


@free
def test_with_status_writes_ok_only_after_the_command_ended(tmp_path):
    status = tmp_path / "x.status"
    status.write_text("ok\n")  # an earlier run's: gone before the command starts
    # the command itself finds no status file while it runs
    run = subprocess.run([CI / "with-status", status, "sh", "-c", 'test ! -e "$0" && test ! -e "$0.partial"', status])
    assert run.returncode == 0
    assert status.read_text() == "ok\n"
    assert not (tmp_path / "x.status.partial").exists()


@free
def test_with_status_says_what_failed_and_exits_with_its_status(tmp_path):
    status = tmp_path / "x.status"
    run = subprocess.run([CI / "with-status", status, "sh", "-c", "exit 7"])
    assert run.returncode == 7
    assert status.read_text() == "failed: sh -c exit 7 exited 7\n"


def fake_apt(bin_dir: Path, fail: str = "", installs_chromium: bool = True) -> Path:
    """apt-get that logs its arguments; fails the step named ``fail``; "installs" chromium."""
    log = bin_dir.parent / "apt.log"
    chromium = f"printf '#!/bin/sh\\n' > {bin_dir}/chromium; chmod +x {bin_dir}/chromium" if installs_chromium else ":"
    script(
        bin_dir / "apt-get",
        f"""echo "$*" >> {log}
for arg; do
  case $arg in
    {fail or "no-such-step"}) exit 100 ;;
    install) {chromium} ;;
  esac
done
""",
    )
    return log


def install_chromium(tmp_path, **fake) -> tuple[subprocess.CompletedProcess, list[str]]:
    bin_dir = tmp_path / "bin"
    path = only_on_path(bin_dir, "bash", "timeout")
    log = fake_apt(bin_dir, **fake)
    run = subprocess.run([CI / "install-chromium"], env={"PATH": path}, capture_output=True, text=True)
    return run, log.read_text().splitlines() if log.exists() else []


@free
def test_install_chromium_updates_the_lists_then_installs_without_recommends(tmp_path):
    run, calls = install_chromium(tmp_path)
    assert run.returncode == 0, run.stderr
    assert len(calls) == 2 and calls[0].endswith(" update") and " install " in calls[1]
    for call in calls:
        assert "-o DPkg::Lock::Timeout=120" in call, "waits for dpkg's lock instead of failing on it"
    assert calls[1].endswith("install -y --no-install-recommends chromium fonts-liberation")


@free
@pytest.mark.parametrize("step", ["update", "install"])
def test_install_chromium_fails_with_apt(tmp_path, step):
    run, calls = install_chromium(tmp_path, fail=step)
    assert run.returncode == 100
    assert len(calls) == (1 if step == "update" else 2), "no install after a failed update"


@free
def test_install_chromium_fails_when_apt_leaves_no_chromium(tmp_path):
    run, _ = install_chromium(tmp_path, installs_chromium=False)
    assert run.returncode == 1 and "no chromium on PATH" in run.stderr


def ci_run(tmp_path, install: int, tox: int) -> subprocess.CompletedProcess:
    """.ci/run in a copy of the repository's scripts, on a machine with no chromium: stand-ins for
    tools/with-pythons (tox exits ``tox``), python (tox is there) and .ci/install-chromium
    (exits ``install``); axe-core already in .cache/."""
    repo = tmp_path / "repo"
    (repo / ".ci").mkdir(parents=True)
    (repo / "tools").mkdir()
    for name in ("run", "with-status"):
        shutil.copy2(CI / name, repo / ".ci" / name)
    script(repo / ".ci" / "install-chromium", f"exit {install}\n")
    script(repo / "tools" / "with-pythons", f'if [ "$*" = "python -m tox -p all" ]; then exit {tox}; fi\n')
    axe = repo / ".cache" / "axe" / "node_modules" / "axe-core"
    axe.mkdir(parents=True)
    (axe / "axe.min.js").write_text("")
    bin_dir = tmp_path / "bin"
    path = only_on_path(bin_dir, "bash", "sh", "env", "dirname", "mkdir", "rm", "mv")
    script(bin_dir / "python", "while read -r _; do :; done\n")  # tox and tox-uv are there: no pip
    assert not shutil.which("chromium", path=path)
    env = {"PATH": path, "HOME": str(tmp_path)}
    return subprocess.run([shutil.which("bash"), repo / ".ci" / "run"], env=env, capture_output=True, text=True)


@free
def test_ci_run_passes_when_tox_and_the_install_beside_it_pass(tmp_path):
    run = ci_run(tmp_path, install=0, tox=0)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "repo" / ".cache" / "chromium.status").read_text() == "ok\n"


@free
def test_ci_run_fails_when_the_chromium_install_fails_even_if_tox_passed(tmp_path):
    run = ci_run(tmp_path, install=100, tox=0)
    assert run.returncode != 0
    assert "installing chromium beside tox failed" in run.stderr


@free
def test_ci_run_waits_for_the_install_after_a_failed_tox_too(tmp_path):
    run = ci_run(tmp_path, install=100, tox=1)
    assert run.returncode != 0
    assert "installing chromium beside tox failed" in run.stderr, "left the install running"
