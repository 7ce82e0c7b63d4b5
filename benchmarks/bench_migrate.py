"""`threadport migrate` against the same pipeline by hand, on the same cores, side by side.

    python benchmarks/bench_migrate.py [--rounds N] [--files N]

The corpus is CPython 2.7's standard library, copied to a temporary folder for each run
(both rewrite in place). By hand: fissix's default fixers (`python -m fissix -w -n -j
CORES`), then `pyupgrade --py39-plus` split into one process per core. threadport migrate
does that and threadport's own rules in between, and checks each result compiles.
Goal: migrate <= 1.0x by hand. CPU/wall shows how many cores a run kept busy.
`--files N` takes the first N files (sorted) for a quicker, smaller run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_check import pyenv_root  # noqa: E402 - the same corpora as bench_check

GOAL = 1.0
CORES = os.cpu_count() or 1


def children_cpu() -> float:
    usage = os.times()
    return usage.children_user + usage.children_system


def by_hand(folder: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "fissix", "-w", "-n", "-j", str(CORES), str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # exit 1 for the files it cannot parse: it goes on with the rest, as migrate does
    files = sorted(str(p) for p in folder.rglob("*.py"))
    started = [
        subprocess.Popen(
            [sys.executable, "-m", "pyupgrade", "--py39-plus", *files[i::CORES]],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i in range(CORES)
    ]
    for process in started:
        process.wait()


def migrate(folder: Path) -> None:
    threadport = str(Path(sys.executable).with_name("threadport"))
    done = subprocess.run([threadport, "migrate", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if done.returncode not in (0, 1, 2):  # 2: some files could not be migrated (named on stderr)
        raise SystemExit(f"threadport migrate exited {done.returncode}: {done.stderr[-500:]!r}")


def copy(source: Path, target: Path, limit: int | None) -> int:
    files = sorted(p for p in source.rglob("*.py") if "site-packages" not in p.parts)[:limit]
    for path in files:
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
    return len(files)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1, help="rounds (default 1: minutes each)")
    parser.add_argument("--files", type=int, default=None, help="only the first N files of the corpus")
    args = parser.parse_args()
    version = next(iter(sorted((pyenv_root() / "versions").glob("2.7*"))), None)
    if version is None:
        raise SystemExit("no Python 2.7 in pyenv: its Lib is the corpus (pyenv install 2.7.18)")
    lib = version / "lib" / "python2.7"
    times: dict[str, list[tuple[float, float]]] = {"by hand": [], "migrate": []}
    files = 0
    for _ in range(args.rounds):
        for label, pipeline in (("by hand", by_hand), ("migrate", migrate)):
            with tempfile.TemporaryDirectory() as folder:
                files = copy(lib, Path(folder) / "Lib", args.files)
                cpu, started = children_cpu(), time.perf_counter()
                pipeline(Path(folder) / "Lib")
                wall = time.perf_counter() - started
                times[label].append((wall, children_cpu() - cpu))
    print(f"migrate vs by hand on 2.7 Lib ({files} files), {CORES} cores, median of {args.rounds}")
    for label, runs in times.items():
        wall = statistics.median(w for w, _ in runs)
        print(f"  {label:8s} {wall:8.2f} s   CPU/wall {statistics.median(c / w for w, c in runs):.2f}")
    ratio = statistics.median(w for w, _ in times["migrate"]) / statistics.median(w for w, _ in times["by hand"])
    verdict = "met" if ratio <= GOAL else "NOT met"
    print(f"  migrate / by hand {ratio:5.2f}x   (goal <= {GOAL}x: {verdict}; load average {os.getloadavg()[0]:.1f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
