"""`threadport fix` against `threadport check` on a large tree: whole runs, side by side.

    python benchmarks/bench_fix.py [--rounds N] [--against SRC]

Each round copies CPython 3.13's standard library (with its tests) and 2.7's to a
temporary folder, then times `threadport check` and `threadport fix` (which rewrites the
copy) on the same files, interleaved so that the machine's load hits both alike. Fix
checks the whole tree first (what the other files say decides what is certain), fixing
each file with findings in the same pass, in memory; it writes those the tree's facts
change nothing for and fixes the others again (fixer/ahead.py). Goal: fix <= 1.2x
check. CPU/wall shows how many cores a run kept busy (2 cores: up to 2.0). `--against SRC`
adds check and fix from another checkout's src/ folder (`git worktree add --detach
/tmp/before main`, then `--against /tmp/before/src`: its `python -m threadport`), in the
same rounds, so a change is measured before and after under the same load.
`--instructions` also counts the instructions of one check and one fix of each corpus (every
process of the run, its forked workers too; cachegrind, a fresh copy each), which the
machine's load does not change.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_check import copy_corpus, pyenv_root  # noqa: E402 - the same corpora as bench_check
from child_timing import compile_installed, instructions, run_child  # noqa: E402 - what a timed run imports, compiled first

GOAL = 1.2


def run(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall, CPU) seconds of one whole run."""
    wall, cpu, code = run_child(command, env)
    if code not in (0, 1, 2):  # 2: some files could not be processed (the corpora have bad ones on purpose)
        raise SystemExit(f"{' '.join(command)} exited {code}")
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds per corpus (default 3)")
    parser.add_argument("--against", type=Path, help="also check and fix from this src/ folder (before a change)")
    parser.add_argument(
        "--instructions", action="store_true", help="also count one check's and one fix's instructions (needs valgrind)"
    )
    args = parser.parse_args()
    commands: dict[str, tuple[list[str], dict[str, str] | None]] = {
        "": ([str(Path(sys.executable).with_name("threadport"))], None)
    }
    # As an install does: with PYTHONDONTWRITEBYTECODE set (these machines set it) and a venv
    # made by uv, each timed run compiled again the modules it imports, and fix imports more of
    # them than check (tokenize_rt, the rewriting half of the rules): 1.23x on 2.7's Lib
    # before, about 1.05x with both compiled.
    compile_installed(args.against)
    if args.against:  # its `python -m threadport`
        before = ([sys.executable, "-m", "threadport"], {**os.environ, "PYTHONPATH": str(args.against.resolve())})
        subprocess.run([*before[0], "--help"], env=before[1], check=True, stdout=subprocess.DEVNULL)
        commands[" before"] = before
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
        times: dict[str, list[tuple[float, float]]] = {f"{k}{side}": [] for side in commands for k in ("check", "fix")}
        files = lines = 0
        for _ in range(args.rounds):
            for side, (command, env) in commands.items():  # a fresh copy for each: fix rewrites it
                with tempfile.TemporaryDirectory() as folder:
                    corpus = copy_corpus(lib, Path(folder) / "Lib")
                    paths = list(corpus.rglob("*.py"))
                    files, lines = len(paths), sum(p.read_bytes().count(b"\n") for p in paths)
                    common = ["--isolated", "--exit-zero", "--no-respect-gitignore", str(corpus)]
                    times[f"check{side}"].append(run([*command, "check", "--quiet", *common], env))
                    times[f"fix{side}"].append(run([*command, "fix", "--quiet", *common], env))
        wall = {k: statistics.median(w for w, _ in runs) for k, runs in times.items()}
        cpu = {k: statistics.median(c for _, c in runs) for k, runs in times.items()}
        print(f"  {name} ({files} files, {lines} lines)")
        for side in commands:
            check, fix = wall[f"check{side}"], wall[f"fix{side}"]
            for k in ("check", "fix"):
                share = cpu[k + side] / wall[k + side]
                print(f"    {k + side:12s} {wall[k + side]:7.2f} s   CPU {cpu[k + side]:6.2f} s   CPU/wall {share:.2f}")
            verdict = "met" if fix / check <= GOAL else "NOT met"
            cpu_ratio = cpu[f"fix{side}"] / cpu[f"check{side}"]
            ratios = f"{fix / check:5.2f}x wall, {cpu_ratio:5.2f}x CPU"
            print(f"    fix{side} / check{side} {ratios}   (goal <= {GOAL}x: {verdict})")
        if args.instructions:
            for side, (command, env) in commands.items():
                counted = {}
                for k in ("check", "fix"):
                    with tempfile.TemporaryDirectory() as folder:
                        corpus = copy_corpus(lib, Path(folder) / "Lib")
                        common = ["--isolated", "--exit-zero", "--no-respect-gitignore", "--quiet", str(corpus)]
                        counted[k] = instructions([*command, k, *common], env, children=True)
                if None in counted.values():
                    print("    instructions: not counted (no valgrind)")
                    break
                check, fix = counted["check"], counted["fix"]
                print(
                    f"    fix{side} / check{side} {fix / check:5.2f}x instructions "
                    f"({fix / 1e6:,.0f} M / {check / 1e6:,.0f} M, every process)"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
