"""`threadport fix` against `threadport check` on a large tree: whole runs, side by side.

    python benchmarks/bench_fix.py [--rounds N]

Each round copies CPython 3.13's standard library (with its tests) and 2.7's to a
temporary folder, then times `threadport check` and `threadport fix` (which rewrites the
copy) on the same files, interleaved so that the machine's load hits both alike. Fix
checks the whole tree first (what the other files say decides what is certain), fixing
each file with findings in the same pass, in memory; it writes those the tree's facts
change nothing for and fixes the others again (fixer/ahead.py). Goal: fix <= 1.2x
check. CPU/wall shows how many cores a run kept busy (2 cores: up to 2.0).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_check import copy_corpus, pyenv_root  # noqa: E402 - the same corpora as bench_check
from child_timing import run_child  # noqa: E402

GOAL = 1.2


def run(command: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one whole run."""
    wall, cpu, code = run_child(command)
    if code not in (0, 1, 2):  # 2: some files could not be processed (the corpora have bad ones on purpose)
        raise SystemExit(f"{' '.join(command)} exited {code}")
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds per corpus (default 3)")
    args = parser.parse_args()
    threadport = str(Path(sys.executable).with_name("threadport"))
    versions = pyenv_root() / "versions"
    sources = {
        "3.13 Lib+tests": next(iter(sorted(versions.glob("3.13*"))), None),
        "2.7 Lib": next(iter(sorted(versions.glob("2.7*"))), None),
    }
    print(f"fix vs check, median of {args.rounds} rounds, fresh copies (load average {os.getloadavg()[0]:.1f})")
    for name, version in sources.items():
        if version is None:
            print(f"  {name}: not installed (pyenv install)")
            continue
        lib = version / "lib" / ("python3.13" if name.startswith("3") else "python2.7")
        times: dict[str, list[tuple[float, float]]] = {"check": [], "fix": []}
        files = lines = 0
        for _ in range(args.rounds):
            with tempfile.TemporaryDirectory() as folder:
                corpus = copy_corpus(lib, Path(folder) / "Lib")
                paths = list(corpus.rglob("*.py"))
                files, lines = len(paths), sum(p.read_bytes().count(b"\n") for p in paths)
                common = ["--isolated", "--exit-zero", "--no-respect-gitignore", str(corpus)]
                times["check"].append(run([threadport, "check", "--quiet", *common]))
                times["fix"].append(run([threadport, "fix", "--quiet", *common]))
        check, fix = (statistics.median(w for w, _ in times[k]) for k in ("check", "fix"))
        cpu = {k: statistics.median(c / w for w, c in times[k]) for k in times}
        print(f"  {name} ({files} files, {lines} lines)")
        print(f"    check {check:7.2f} s   CPU/wall {cpu['check']:.2f}")
        print(f"    fix   {fix:7.2f} s   CPU/wall {cpu['fix']:.2f}")
        print(f"    fix / check {fix / check:5.2f}x   (goal <= {GOAL}x: {'met' if fix / check <= GOAL else 'NOT met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
