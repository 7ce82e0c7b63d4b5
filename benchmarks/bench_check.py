"""`threadport check` against ruff, pyupgrade, 2to3 and pylint: whole runs, measured side by side.

    python benchmarks/bench_check.py [--skip-pylint] [--skip-slow-peers] [--runs N] [--against SRC]

Three corpora, each copied to a temporary folder first (nothing can write to the originals):
  - "3.13 Lib+tests": CPython 3.13's standard library with its tests (site-packages left out);
  - "3.13 Lib":       the same without its tests (test/, */tests/, idlelib/idle_test, test_*.py);
  - "2.7 Lib":        CPython 2.7's standard library.

A peer that crashes on a file stops there and times a part of the corpus: so every peer's exit
status and stderr are checked, the slow peers (pyupgrade, 2to3) run file by file inside one
process (no start-up per file) and name the files they crash on, those files are removed from
the corpus copy, and only then are threadport and ruff timed, on exactly the files every tool
processed. Each ratio is printed beside the files and lines behind it. threadport and ruff
take turns, best of N each (wall, and CPU with their workers); ruff runs with --no-cache and
threadport keeps none, so both read and analyse every file on every run (threadport's own
bytecode is compiled first, as installing it does).
--against SRC also times the threadport whose package is in the folder SRC (a checkout's src/, main
before a change, say) in the same rounds, and prints its ratio beside this one's: a before/after
measured in one run, under the same load.
Recall: every call site pylint's W4902 (deprecated-method) flags for a threading alias must be
flagged by threadport check too, possible or certain.
Needs the `bench` extra (ruff, pylint, and ahocorasick-rs: the `fast` extra, which the prefilter uses
when it is installed; the header says which prefilter ran) and pyupgrade. Goals: check <= 1.0x ruff UP on all three
corpora, >= 10x pyupgrade, >= 20x 2to3 -f print.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from child_timing import compile_installed, run_child  # noqa: E402 - wall and the child's own CPU, as bench_fix

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
TEST_PARTS = {"test", "tests", "idle_test"}

# Runs inside one process per peer: each file through the peer's own entry point, the
# exception of a crash caught and the file named, so one bad file does not end the run.
PYUPGRADE_DRIVER = """
import sys
from pyupgrade._main import main  # the console script's entry point
for path in sys.argv[1:]:
    try:
        main([path, "--py39-plus"])
    except BaseException as error:
        print("CRASH", path, type(error).__name__, file=sys.stderr)
"""
TWO_TO_THREE_DRIVER = """
import sys, logging
logging.disable(logging.CRITICAL)  # 2to3 logs a parse error and goes on: not a crash
try:
    from lib2to3 import refactor
    fixers = ["lib2to3.fixes.fix_print"]
except ImportError:
    from fissix import refactor
    fixers = ["fissix.fixes.fix_print"]
tool = refactor.RefactoringTool(fixers)
for path in sys.argv[1:]:
    try:
        tool.refactor_file(path, write=False)
    except BaseException as error:
        print("CRASH", path, type(error).__name__, file=sys.stderr)
"""


@dataclass
class Corpus:
    name: str
    folder: Path

    def files(self) -> list[str]:
        return sorted(str(p) for p in self.folder.rglob("*.py"))

    def size(self) -> str:
        files = self.files()
        lines = sum(Path(f).read_bytes().count(b"\n") for f in files)
        return f"{len(files)} files, {lines} lines"


def pyenv_root() -> Path:
    if os.environ.get("PYENV_ROOT"):
        return Path(os.environ["PYENV_ROOT"])
    try:
        return Path(subprocess.run(["pyenv", "root"], capture_output=True, text=True, check=True).stdout.strip())
    except (OSError, subprocess.CalledProcessError):
        return Path.home() / ".pyenv"


def copy_corpus(source: Path, target: Path, *, tests: bool = True) -> Path:
    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = {n for n in names if n in ("site-packages", "__pycache__") or n.endswith(".pyc")}
        if not tests:
            skipped |= {n for n in names if n in TEST_PARTS or (n.startswith("test_") and n.endswith(".py"))}
        return skipped

    shutil.copytree(source, target, ignore=ignore)
    return target


def timed(command: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    return time.perf_counter() - started, done


def best_of_interleaved(
    runs: int, commands: list[tuple[list[str], tuple[int, ...], dict[str, str] | None]]
) -> list[tuple[float, float]]:
    """Best wall and best CPU (the child's own, its workers included) of each command over
    ``runs`` rounds, the commands taking turns in each round: on a loaded machine the load
    then falls on all of them alike. (command, exit codes that are success, environment)"""
    best = [(float("inf"), float("inf")) for _ in commands]
    for _ in range(runs):
        for i, (command, ok, env) in enumerate(commands):
            wall, cpu, code = run_child(command, env)
            if code not in ok:
                done = subprocess.run(command, capture_output=True, text=True)
                raise SystemExit(f"{command[0]} ... exited {code}: {done.stderr.strip()[-500:]}")
            best[i] = (min(best[i][0], wall), min(best[i][1], cpu))
    return best


def run_peer(label: str, driver: str, corpus: Corpus) -> tuple[float, list[str]]:
    """Time one whole run of a slow peer; return its seconds and the files it crashed on."""
    seconds, done = timed([sys.executable, "-W", "ignore", "-c", driver, *corpus.files()])
    crashed = [line.split()[1] for line in done.stderr.splitlines() if line.startswith("CRASH ")]
    other = [line for line in done.stderr.splitlines() if not line.startswith(("CRASH ", "Rewriting "))]
    if done.returncode not in (0, 1) or other:
        raise SystemExit(f"{label} failed (exit {done.returncode}): {' | '.join(other[-5:])}")
    for path in crashed:
        print(f"    {label} crashed on {Path(path).relative_to(corpus.folder)}: left out of every tool's run")
        Path(path).unlink()
    return seconds, crashed


def against_env(src: Path) -> dict[str, str]:
    """This interpreter, importing threadport from ``src`` first."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(src), os.environ.get("PYTHONPATH")]))}


def threadport_check(folder: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "threadport", "check", "--exit-zero", *extra, str(folder)]


def prefilter_kind() -> str:
    """Whether the timed threadport screens with ahocorasick-rs (the `fast` extra) or with Marked's regex."""
    try:
        from importlib.metadata import version

        return f"one pass per file (ahocorasick-rs {version('ahocorasick-rs')}, the `fast` extra)"
    except ImportError:
        return "one regex pass per file (fixer.literals.Marked: no ahocorasick-rs, `pip install 'threadport[fast]'`)"


def ruff_binary() -> str | None:
    """ruff on PATH, else the one installed beside this interpreter (`.[bench]` in a venv not activated)."""
    beside = Path(sys.executable).with_name("ruff")
    return shutil.which("ruff") or (str(beside) if beside.is_file() else None)


def ruff_check(folder: Path) -> list[str]:
    # A path: run_child execs it without searching PATH.
    return [ruff_binary(), "check", "--select", "UP", "--no-cache", "--exit-zero", "-q", str(folder)]


def pylint_sites(folder: Path) -> list[tuple[str, int, int, str]]:
    """(path, line, end line, message) of every W4902 pylint reports for a threading alias."""
    word = re.compile("|".join(ALIASES).encode())
    candidates = [f for f in sorted(map(str, folder.rglob("*.py"))) if word.search(Path(f).read_bytes())]
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
    flagged: dict[str, set[int]] = {}
    for f in ours:
        flagged.setdefault(str(Path(f["path"]).resolve()), set()).add(f["line"])
    missed = [s for s in theirs if not any(line in flagged.get(s[0], ()) for line in range(s[1], s[2] + 1))]
    certain = sum(f["severity"] == "error" for f in ours)
    share = f"recall {100 * (len(theirs) - len(missed)) / len(theirs):.0f}%" if theirs else "nothing to recall"
    text = (
        f"pylint W4902 sites: {len(theirs)}; threadport flags {len(theirs) - len(missed)} of them "
        f"({share}); threadport findings in all: {len(ours)} ({certain} certain, {len(ours) - certain} possible)"
    )
    for path, line, _, message in missed:
        text += f"\n    MISSED {path}:{line}: {message}"
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-pylint", action="store_true", help="leave out the recall runs (slow)")
    parser.add_argument("--skip-slow-peers", action="store_true", help="leave out pyupgrade and 2to3 (minutes)")
    parser.add_argument("--runs", type=int, default=3, help="best of N for threadport and ruff (default 3)")
    parser.add_argument(
        "--against", metavar="SRC", type=Path, help="also time the threadport package in SRC (before a change, say)"
    )
    args = parser.parse_args()
    if args.against is not None and not (args.against / "threadport" / "__init__.py").is_file():
        print(f"--against: no threadport package in {args.against}")
        return 2
    root = pyenv_root() / "versions"
    modern_src, legacy_src = root / "3.13.0/lib/python3.13", root / "2.7.18/lib/python2.7"
    for needed in (modern_src, legacy_src):
        if not needed.is_dir():
            print(f"missing corpus {needed}: `pyenv install {needed.parts[-3]}`")
            return 2
    if ruff_binary() is None:
        print("no ruff on PATH or beside this Python: `pip install -e '.[bench]'`")
        return 2
    ruff_version = subprocess.run([ruff_binary(), "--version"], capture_output=True, text=True).stdout.strip()
    compile_installed(args.against)
    print(f"threadport on Python {sys.version.split()[0]}, {ruff_version}, {os.cpu_count()} cores", end="")
    print(f", load average {os.getloadavg()[0]:.1f} (above 1: other work shares the cores, read the ratios)")
    print(f"threadport's prefilter: {prefilter_kind()}")
    with tempfile.TemporaryDirectory(prefix="threadport-bench-") as scratch:
        scratch = Path(scratch)
        corpora = [
            (Corpus("3.13 Lib+tests", copy_corpus(modern_src, scratch / "py313")), "pyupgrade --py39-plus"),
            (Corpus("3.13 Lib", copy_corpus(modern_src, scratch / "py313-notests", tests=False)), None),
            (Corpus("2.7 Lib", copy_corpus(legacy_src, scratch / "py27")), "2to3 -f print"),
        ]
        summary = []
        for corpus, slow_peer in corpora:
            print(f"\n{corpus.name}: {corpus.size()}")
            peer_line = ""
            if slow_peer and not args.skip_slow_peers:
                driver = PYUPGRADE_DRIVER if slow_peer.startswith("pyupgrade") else TWO_TO_THREE_DRIVER
                # pyupgrade rewrites in place: it gets a copy of its own.
                own = Corpus(corpus.name, copy_corpus(corpus.folder, scratch / f"{corpus.folder.name}-peer"))
                peer_seconds, crashed = run_peer(slow_peer, driver, own)
                for path in crashed:
                    (corpus.folder / Path(path).relative_to(own.folder)).unlink()
                # Sized from the untouched copy: the peer's own copy may have been rewritten.
                peer_line = f"{slow_peer}: {peer_seconds:.2f}s over {corpus.size()}"
            processed = corpus.size()
            commands = [(threadport_check(corpus.folder), (0, 2), None), (ruff_check(corpus.folder), (0,), None)]
            if args.against is not None:
                commands.append((threadport_check(corpus.folder), (0, 2), against_env(args.against)))
            timings = best_of_interleaved(args.runs, commands)
            (ours, our_cpu), (ruff, ruff_cpu) = timings[:2]
            print(f"    threadport check: {ours:.2f}s (CPU {our_cpu:.2f}s) over {processed}")
            print(f"    ruff check --select UP --no-cache: {ruff:.2f}s (CPU {ruff_cpu:.2f}s) over {processed}")
            summary.append(
                f"RATIO threadport / ruff UP ({corpus.name}): {ours / ruff:.2f}x   (goal <= 1.0x;"
                f" CPU {our_cpu / ruff_cpu:.2f}x; load average {os.getloadavg()[0]:.1f})"
            )
            if args.against is not None:
                before, before_cpu = timings[2]
                print(f"    threadport check from {args.against}: {before:.2f}s (CPU {before_cpu:.2f}s)")
                summary.append(
                    f"    against {args.against}: {before / ruff:.2f}x (CPU {before_cpu / ruff_cpu:.2f}x)"
                    f" in the same rounds"
                )
            if peer_line:
                print(f"    {peer_line}")
                goal = "10x" if slow_peer.startswith("pyupgrade") else "20x"
                ratio = peer_seconds / ours
                summary.append(f"RATIO {slow_peer} / threadport ({corpus.name}): {ratio:.1f}x   (goal >= {goal})")
        print()
        print("\n".join(summary))
        if not args.skip_pylint:
            print(f"RECALL 3.13: {recall(corpora[0][0].folder)}")
            print(f"RECALL 2.7:  {recall(corpora[2][0].folder)}")
            print("  (pylint reads Python 3 only: the 2.7 files it cannot parse give it no sites)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
