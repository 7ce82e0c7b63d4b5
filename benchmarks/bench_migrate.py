"""`threadport migrate` against the same pipeline by hand, on the same cores, side by side.

    python benchmarks/bench_migrate.py [--rounds N] [--files N] [--against SRC]

The corpus is CPython 2.7's standard library, copied to a temporary folder for each run
(both rewrite in place). By hand: fissix's default fixers (`python -m fissix -w -n -j
CORES`), then `pyupgrade --py39-plus` split into one process per core. threadport migrate
does that and threadport's own rules in between, runs pyupgrade again where its last run
made something another of its rules acts on (to its fixed point), and checks each result
compiles. Every tool's exit status is checked (a
crash voids the figure) and the files each one refused are named. Goal: migrate <= 1.0x
by hand (wall); CPU is the children's CPU time, CPU/wall how many cores a run kept busy.
The modules the runs import are compiled to bytecode first, as an install does.
`--files N` takes the first N files (sorted) for a quicker, smaller run. `--against SRC`
adds a row: migrate from another checkout's src/ folder (`git worktree add --detach
/tmp/before main`, then `--against /tmp/before/src`), in the same rounds, so a change is
measured before and after under the same load.

A third row, "to fixed point", is the by-hand pipeline with pyupgrade run as migrate runs
it: again over the files it rewrote until it rewrites none, as tests/fixer/plain_migrate.py
does. One pyupgrade run is not its fixed point: it rewrites `'%s' % x` (and `'{0}'`) to
`'{}'.format(x)`, and only the next run makes that `f'{x}'` (a run's plugins see the tree
it started from), so one run stops short of migrate's output wherever a %-format became
a .format() call: 41 of the first 120 files of 2.7's Lib. The row shows what those runs
cost. `--skip-fixed-point` leaves it out.
"""

from __future__ import annotations

import argparse
import functools
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
from child_timing import compile_installed  # noqa: E402 - what the timed runs import, compiled first

GOAL = 1.0
FIXED_POINT = 32  # pyupgrade runs: as many as migrate would make (migrate.MOST_RUNS)
CORES = os.cpu_count() or 1


def children_cpu() -> float:
    usage = os.times()
    return usage.children_user + usage.children_system


def by_hand(folder: Path, pyupgrade_runs: int = 1) -> list[str]:
    """fissix's default fixers, then pyupgrade (again over the files it rewrote, up to
    ``pyupgrade_runs`` runs: FIXED_POINT until it rewrites none); the files a tool refused,
    each named."""
    done = subprocess.run(
        [sys.executable, "-m", "fissix", "-w", "-n", "-j", str(CORES), str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    # exit 1 and a "Can't parse NAME" line for each file it cannot parse: it goes on with the
    # rest, as migrate does. A traceback would mean a partial run: then this figure is void.
    refused = [f"fissix: {line.split(': ')[1]}" for line in done.stderr.splitlines() if "Can't parse " in line]
    if done.returncode not in (0, 1) or "Traceback" in done.stderr:
        raise SystemExit(f"fissix exited {done.returncode}: {done.stderr[-800:]}")
    files = sorted(str(p) for p in folder.rglob("*.py"))
    for _ in range(pyupgrade_runs):
        if not files:
            break
        rewritten = pyupgrade(files, refused)
        files = sorted(name for name in files if name in rewritten)
    return refused


def pyupgrade(files: list[str], refused: list[str]) -> set[str]:
    """`pyupgrade --py39-plus` over ``files``, one process per core: the files it rewrote
    (refusals are added to ``refused``)."""
    outputs = [tempfile.TemporaryFile() for _ in range(CORES)]
    started = [
        subprocess.Popen(
            [sys.executable, "-m", "pyupgrade", "--py39-plus", *files[i::CORES]],
            stdout=outputs[i],
            stderr=subprocess.STDOUT,  # "Rewriting NAME" for each file changed; files to avoid a full pipe
        )
        for i in range(CORES)
        if files[i::CORES]
    ]
    rewritten: set[str] = set()
    for process, output in zip(started, outputs):
        code = process.wait()
        output.seek(0)
        said = output.read().decode("utf-8", "replace")
        output.close()
        # 1: it rewrote a file, or refused one ("NAME is non-utf-8 (not supported)")
        refused += [f"pyupgrade: {line.split()[0]}" for line in said.splitlines() if line.endswith("(not supported)")]
        rewritten.update(line[len("Rewriting ") :] for line in said.splitlines() if line.startswith("Rewriting "))
        if code not in (0, 1) or "Traceback" in said:
            raise SystemExit(f"pyupgrade exited {code}: {said[-800:]}")
    for output in outputs[len(started) :]:
        output.close()
    return rewritten


def migrate(folder: Path, against: Path | None = None) -> list[str]:
    """threadport migrate over the folder (from the src/ folder ``against``: its `python -m
    threadport`, the console script's own function); the files it refused, each named."""
    command = [str(Path(sys.executable).with_name("threadport"))]
    environment = None
    if against is not None:
        command = [sys.executable, "-m", "threadport"]
        environment = {**os.environ, "PYTHONPATH": str(against)}
    done = subprocess.run(
        [*command, "migrate", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )
    if done.returncode not in (0, 2) or "Traceback" in done.stderr:  # 2: files it could not migrate, named
        raise SystemExit(f"threadport migrate exited {done.returncode}: {done.stderr[-800:]}")
    return [f"migrate: {line.split(': error: ')[0]}" for line in done.stderr.splitlines() if ": error: " in line]


def copy(source: Path, target: Path, limit: int | None) -> tuple[int, int]:
    """The first ``limit`` files (sorted) of the corpus copied under ``target``: (files, lines)."""
    files = sorted(p for p in source.rglob("*.py") if "site-packages" not in p.parts)[:limit]
    lines = 0
    for path in files:
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
        lines += destination.read_bytes().count(b"\n")
    return len(files), lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1, help="rounds (default 1: minutes each)")
    parser.add_argument("--files", type=int, default=None, help="only the first N files of the corpus")
    parser.add_argument(
        "--skip-fixed-point", action="store_true", help="leave out the by-hand row with pyupgrade to its fixed point"
    )
    parser.add_argument("--against", type=Path, help="also migrate from this src/ folder (before a change)")
    args = parser.parse_args()
    version = next(iter(sorted((pyenv_root() / "versions").glob("2.7*"))), None)
    if version is None:
        raise SystemExit("no Python 2.7 in pyenv: its Lib is the corpus (pyenv install 2.7.18)")
    lib = version / "lib" / "python2.7"
    compile_installed(args.against.resolve() if args.against else None)
    pipelines = {"by hand": by_hand, "migrate": migrate}
    if args.against:
        pipelines["migrate against"] = functools.partial(migrate, against=args.against.resolve())
    if not args.skip_fixed_point:  # pyupgrade until it rewrites nothing, as migrate runs it
        pipelines["to fixed point"] = functools.partial(by_hand, pyupgrade_runs=FIXED_POINT)
    times: dict[str, list[tuple[float, float]]] = {label: [] for label in pipelines}
    refused: dict[str, list[str]] = {}
    files = lines = 0
    for _ in range(args.rounds):  # the two side by side in each round, so both see the same load
        for label, pipeline in pipelines.items():
            with tempfile.TemporaryDirectory() as folder:
                files, lines = copy(lib, Path(folder) / "Lib", args.files)
                cpu, started = children_cpu(), time.perf_counter()
                refused[label] = [name.replace(folder, "") for name in pipeline(Path(folder) / "Lib")]
                wall = time.perf_counter() - started
                times[label].append((wall, children_cpu() - cpu))
    print(
        f"migrate vs by hand on 2.7 Lib ({files} files, {lines} lines), {CORES} cores, median of {args.rounds}"
        f" (load average {os.getloadavg()[0]:.1f})"
    )
    # the median wall and CPU of each row's rounds
    medians = {
        label: (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))
        for label, runs in times.items()
    }
    for label, (wall, cpu) in medians.items():
        share = f"CPU/wall {cpu / wall:.2f}"
        print(f"  {label:14s} {wall:8.2f} s   CPU {cpu:8.2f} s   {share}   refused {len(refused[label])}")
        for name in refused[label]:
            print(f"      {name}")
    (hand_wall, hand_cpu), (after_wall, after_cpu) = medians["by hand"], medians["migrate"]
    ratio, cpu_ratio = after_wall / hand_wall, after_cpu / hand_cpu
    verdict = "met" if ratio <= GOAL else "NOT met"
    print(f"  migrate / by hand {ratio:5.2f}x wall, {cpu_ratio:5.2f}x CPU   (goal <= {GOAL}x wall: {verdict})")
    if "migrate against" in medians:
        before_wall, before_cpu = medians["migrate against"]
        print(
            f"  migrate from {args.against} / by hand {before_wall / hand_wall:5.2f}x wall,"
            f" {before_cpu / hand_cpu:5.2f}x CPU; migrate / migrate from it"
            f" {after_wall / before_wall:5.2f}x wall, {after_cpu / before_cpu:5.2f}x CPU"
        )
    if "to fixed point" in medians:
        fixed_wall, fixed_cpu = medians["to fixed point"]
        print(
            f"  migrate / by hand with pyupgrade to its fixed point"
            f" {after_wall / fixed_wall:5.2f}x wall, {after_cpu / fixed_cpu:5.2f}x CPU"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
