"""`threadport check` against pyupgrade, ruff, 2to3 and pylint, measured side by side in one run.

    python benchmarks/bench_check.py [--skip-pylint]

Corpora (copied to a temporary folder first, so nothing can write to the originals):
  - the CPython 3.13 standard library with its tests ($(pyenv root)/versions/3.13.0/lib/python3.13,
    site-packages left out): threadport check vs `pyupgrade --py39-plus` (on its own copy: it
    rewrites in place) and vs `ruff check --select UP --no-cache`;
  - the CPython 2.7 standard library ($(pyenv root)/versions/2.7.18/lib/python2.7): threadport check
    vs 2to3 -f print (lib2to3 of this interpreter when it still has one, else fissix; printed).
Recall: every call site pylint's W4902 (deprecated-method) flags for a threading alias must be
flagged by threadport check too, possible or certain.
Needs the `bench` extra (ruff, pylint) and pyupgrade. Targets: >= 10x pyupgrade, <= 2x ruff, >= 20x 2to3.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ALIASES = (
    "isAlive",
    "currentThread",
    "activeCount",
    "notifyAll",
    "isSet",
    "getName",
    "setName",
    "isDaemon",
    "setDaemon",
)


def pyenv_root() -> Path:
    if os.environ.get("PYENV_ROOT"):
        return Path(os.environ["PYENV_ROOT"])
    try:
        return Path(subprocess.run(["pyenv", "root"], capture_output=True, text=True, check=True).stdout.strip())
    except (OSError, subprocess.CalledProcessError):
        return Path.home() / ".pyenv"


def copy_corpus(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("site-packages", "__pycache__", "*.pyc"))
    return target


def py_files(folder: Path) -> list[str]:
    return sorted(str(p) for p in folder.rglob("*.py"))


def count_lines(files: list[str]) -> int:
    return sum(Path(f).read_bytes().count(b"\n") for f in files)


def timed(command: list[str], **kwargs) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    return time.perf_counter() - started, done


def best_of(runs: int, command: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    results = [timed(command) for _ in range(runs)]
    return min(results, key=lambda r: r[0])


def threadport_check(folder: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "threadport", "check", "--exit-zero", *extra, str(folder)]


def two_to_three_command(folder: Path) -> tuple[list[str], str]:
    if importlib.util.find_spec("lib2to3") is not None:
        return [sys.executable, "-W", "ignore", "-m", "lib2to3", "-f", "print", str(folder)], "lib2to3 (2to3 -f print)"
    script = "import sys; from fissix.main import main; sys.exit(main('fissix.fixes'))"
    return [sys.executable, "-c", script, "-f", "print", str(folder)], "fissix (2to3 -f print equivalent)"


def pylint_sites(folder: Path) -> list[tuple[str, int, int, str]]:
    """(path, line, end line, message) of every W4902 pylint reports for a threading alias."""
    word = re.compile("|".join(ALIASES).encode())
    candidates = [f for f in py_files(folder) if word.search(Path(f).read_bytes())]
    if not candidates:
        return []
    done = subprocess.run(
        [
            sys.executable, "-m", "pylint", "--disable=all", "--enable=deprecated-method",
            "--output-format=json", "--jobs=2", "--persistent=n", *candidates,
        ],
        capture_output=True,
        text=True,
    )  # fmt: skip
    messages = json.loads(done.stdout or "[]")
    return [
        (str(Path(m["path"]).resolve()), m["line"], m.get("endLine") or m["line"], m["message"])
        for m in messages
        if m["message-id"] == "W4902" and any(f"method {alias}()" in m["message"] for alias in ALIASES)
    ]


def recall(folder: Path) -> str:
    theirs = pylint_sites(folder)
    done = subprocess.run(threadport_check(folder, "--json"), capture_output=True, text=True)
    ours = json.loads(done.stdout)["findings"]
    flagged = {}
    for f in ours:
        flagged.setdefault(str(Path(f["path"]).resolve()), set()).add(f["line"])
    missed = [s for s in theirs if not any(line in flagged.get(s[0], ()) for line in range(s[1], s[2] + 1))]
    certain = sum(f["severity"] == "error" for f in ours)
    share = f"recall {100 * (len(theirs) - len(missed)) / len(theirs):.0f}%" if theirs else "nothing to recall"
    text = (
        f"pylint W4902 sites: {len(theirs)}; threadport flags {len(theirs) - len(missed)} of them "
        f"({share}); "
        f"threadport findings in all: {len(ours)} ({certain} certain, {len(ours) - certain} possible)"
    )
    for path, line, _, message in missed:
        text += f"\n    MISSED {path}:{line}: {message}"
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-pylint", action="store_true", help="leave out the recall runs (slow)")
    parser.add_argument("--runs", type=int, default=3, help="best of N for the fast tools (default 3)")
    args = parser.parse_args()
    root = pyenv_root() / "versions"
    modern_src, legacy_src = root / "3.13.0/lib/python3.13", root / "2.7.18/lib/python2.7"
    for needed in (modern_src, legacy_src):
        if not needed.is_dir():
            print(f"missing corpus {needed}: `pyenv install {needed.parts[-3]}`")
            return 2
    with tempfile.TemporaryDirectory(prefix="threadport-bench-") as scratch:
        scratch = Path(scratch)
        modern = copy_corpus(modern_src, scratch / "py313")
        for_pyupgrade = copy_corpus(modern_src, scratch / "py313-pyupgrade")
        legacy = copy_corpus(legacy_src, scratch / "py27")
        modern_files, legacy_files = py_files(modern), py_files(legacy)
        print(f"corpus 3.13: {len(modern_files)} files, {count_lines(modern_files)} lines")
        print(f"corpus 2.7:  {len(legacy_files)} files, {count_lines(legacy_files)} lines")

        ours, result = best_of(args.runs, threadport_check(modern))
        print(f"threadport check (3.13): {ours:.2f}s  [{result.stdout.strip().splitlines()[-1]}]")
        ruff, _ = best_of(
            args.runs, ["ruff", "check", "--select", "UP", "--no-cache", "--exit-zero", "-q", str(modern)]
        )
        print(f"ruff check --select UP (3.13): {ruff:.2f}s")
        pyupgrade, _ = timed([sys.executable, "-m", "pyupgrade", "--py39-plus", *py_files(for_pyupgrade)])
        print(f"pyupgrade --py39-plus (3.13, on a copy): {pyupgrade:.2f}s")

        ours27, result27 = best_of(args.runs, threadport_check(legacy))
        print(f"threadport check (2.7): {ours27:.2f}s  [{result27.stdout.strip().splitlines()[-1]}]")
        command, label = two_to_three_command(legacy)
        two_to_three, _ = timed(command)
        print(f"{label} (2.7, read-only): {two_to_three:.2f}s")

        print()
        print(f"RATIO pyupgrade / threadport (3.13): {pyupgrade / ours:.1f}x   (target >= 10x)")
        print(f"RATIO threadport / ruff UP (3.13):   {ours / ruff:.2f}x   (target <= 2x)")
        print(f"RATIO 2to3 -f print / threadport (2.7): {two_to_three / ours27:.1f}x   (target >= 20x; {label})")
        if not args.skip_pylint:
            print(f"RECALL 3.13: {recall(modern)}")
            print(f"RECALL 2.7:  {recall(legacy)}")
            print("  (pylint reads Python 3 only: the 2.7 files it cannot parse give it no sites)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
