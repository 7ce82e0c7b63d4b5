"""Foundation benchmark: ratios measured side by side in one run (these machines are noisy).

(a) virtual clock vs real time, wall seconds of the seed's polling pair (goal >= 100x);
(b) `threadport compare` over all pairs vs the fair floor: the same number of bare
    interpreter starts with the child's own flags (`python2.7 -S -B -u -c pass` and
    `python3 -S -B -u -c pass` per entry point), run with the same parallelism as compare
    (CPU count, and one at a time for `--jobs 1`). Goal <= 1.5x, both ways. Beside it, the
    run service alone: as many runs of an entry point that does nothing, on the same two
    interpreters, which is threadport's own cost without the snippets' work, and compare
    with every run in a fresh process (THREADPORT_FRESH_RUNS=1, no fork server). Wall and CPU
    of every process involved (os.wait4 for a whole command, the floor's starts summed).

Run: python benchmarks/bench_foundation.py [--rounds N] [--skip-real-time] [--against SRC] [--instructions]

--against SRC also runs compare and the run service from another checkout's src/ folder
(`git worktree add --detach /tmp/before main`, then --against /tmp/before/src), interleaved
round by round with this one: before and after, side by side in one run.

--instructions also counts the instructions of compare's own process (cachegrind, once each,
after the timed rounds), the worker threads included and the interpreters it starts not:
a full compare, a one-pair compare and the run service alone, for this checkout and the
other. Unlike time, the count does not depend on the load of a shared machine; the runs'
processes (the fork servers and what they fork) are the same code on both sides.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from threadport.catalog import get_pair, load_catalog
from threadport.forkserver import FRESH_RUNS_ENV
from threadport.interpreters import find_legacy
from threadport.runner import run_entry

sys.path.insert(0, str(Path(__file__).parent))
from child_timing import compile_installed, instructions, run_child  # noqa: E402 - beside this script


def wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def seed_poll_sides(legacy: str):
    pair = get_pair("threading_notes")
    entry = pair.entry("testIsAliveOnSleeper")
    return [(legacy, pair.legacy_path, entry.legacy), (sys.executable, pair.modern_path, entry.modern)]


def clock_ratio(legacy: str, rounds: int) -> None:
    sides = seed_poll_sides(legacy)
    virtual = [sum(run_entry(*side).seconds for side in sides) for _ in range(rounds)]
    # One real-time round: 16 s a side, both sides at once.
    with ThreadPoolExecutor(max_workers=2) as pool:
        real = sum(t.seconds for t in pool.map(lambda side: run_entry(*side, real_time=True, timeout=60), sides))
    v = statistics.median(virtual)
    print("(a) seed polling pair, both sides, wall seconds")
    print(f"    real time      {real:8.3f} s")
    print(f"    virtual clock  {v:8.3f} s   (median of {rounds})")
    print(f"    ratio          {real / v:8.0f}x faster   (goal >= 100x)")


# The child's interpreter flags (runner.py): a floor without -S would pay for site-packages
# that the runs never import, and flatter compare.
CHILD_FLAGS = ["-S", "-B", "-u", "-c", "pass"]

# (c): the run service alone, on entry points that do nothing, as many runs as compare
# makes, on the same interpreters: what threadport costs per run, without the snippets' work.
EMPTY_RUNS = """
import sys
from pathlib import Path
from threadport.interpreters import probe
from threadport.runs import Job, run_jobs
legacy, modern, source, count, jobs = sys.argv[1:6]
pythons = [probe(legacy), probe(modern)]
planned = [Job(pythons[i % 2], Path(source), f"e{i // 2}") for i in range(int(count))]
assert all(t.exit == 0 and t.ended == "exit status 0" for t in run_jobs(planned, workers=int(jobs)))
"""


def floor(commands: list[list[str]], jobs: int) -> tuple[float, float]:
    """Wall and CPU seconds to start and end every command, ``jobs`` at a time (compare's pool shape)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(wall, commands))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return time.perf_counter() - started, cpu


def measured(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall and CPU seconds of one whole run of ``command`` and every process under it."""
    seconds, cpu, status = run_child(command, env)
    if status != 0:
        raise SystemExit(f"exit status {status}: {' '.join(command)}")
    return seconds, cpu


def compare_ratio(legacy: str, rounds: int, against: Path | None = None, count: bool = False) -> None:
    entries = sum(len(p.entries) for p in load_catalog())
    jobs = os.cpu_count() or 2
    runs = 2 * entries
    compare = [sys.executable, "-m", "threadport", "compare", "--json", "--legacy-python", legacy]
    floor_cmds = [[legacy, *CHILD_FLAGS], [sys.executable, *CHILD_FLAGS]] * entries
    fresh_runs = {**os.environ, FRESH_RUNS_ENV: "1"}  # every run a fresh process, as before the fork server
    with tempfile.TemporaryDirectory() as folder:
        empty = Path(folder) / "empty.py"
        # An entry point per pair of runs, no arguments: distinct jobs (identical ones run once).
        empty.write_text("".join(f"def e{i}():\n    pass\n" for i in range(entries)))
        service = [sys.executable, "-c", EMPTY_RUNS, legacy, sys.executable, str(empty), str(runs)]
        compile_installed(against)  # as installing does: no timed run compiles its imports again
        figures = {}
        # The other checkout: its threadport (and through it its catalogue, child and clock).
        before = {**os.environ, "PYTHONPATH": str(against)} if against else None
        for _ in range(rounds):  # interleaved, so drift in machine load hits all alike
            for width, tag in ((jobs, ""), (1, " -j1")):
                for name, value in (
                    ("compare", measured([*compare, "--jobs", str(width)])),
                    ("compare fresh", measured([*compare, "--jobs", str(width)], fresh_runs)),
                    ("floor", floor(floor_cmds, width)),
                    ("empty runs", measured([*service, str(width)])),
                ):
                    figures.setdefault(name + tag, []).append(value)
                if before:
                    figures.setdefault("before" + tag, []).append(measured([*compare, "--jobs", str(width)], before))
                    figures.setdefault("before empty" + tag, []).append(measured([*service, str(width)], before))
        counted = {}
        if count:  # once each, after the timed rounds: instructions of compare's own process
            one_pair = [sys.executable, "-m", "threadport", "compare", "finalizer_switch", "--json"]
            for label, env in (("", None), ("before ", before)) if before else (("", None),):
                for name, command in (
                    ("full compare", [*compare, "--jobs", str(jobs)]),
                    ("one-pair compare", [*one_pair, "--legacy-python", legacy]),
                    ("run service", [*service, str(jobs)]),
                ):
                    counted[label + name] = instructions(command, env)
    m = {name: tuple(statistics.median(v[i] for v in values) for i in (0, 1)) for name, values in figures.items()}
    print(f"(b) threadport compare over {len(load_catalog())} pairs, {entries} entry points ({runs} runs),")
    print(f"    wall and CPU (every process, median of {rounds}); one fork server per interpreter and worker")
    rows = [
        ("compare", f"{jobs} at a time, with its own start-up"),
        ("compare fresh", f"the same, every run a fresh process ({FRESH_RUNS_ENV}=1)"),
        ("floor", f"{runs} bare `-S -B -u -c pass` starts, {jobs} at a time"),
        ("empty runs", f"{runs} runs of an empty entry point, {jobs} at a time"),
        ("compare -j1", "one run at a time"),
        ("compare fresh -j1", "one fresh process at a time"),
        ("floor -j1", "the same starts one after another"),
        ("empty runs -j1", "one run at a time"),
    ]
    if against:
        rows[4:4] = [("before", f"compare from {against}"), ("before empty", "its run service alone")]
        rows += [("before -j1", "its compare, one run at a time"), ("before empty -j1", "its run service, the same")]
    for name, what in rows:
        print(f"    {name:18}{m[name][0]:7.3f} s wall {m[name][1]:7.3f} s CPU   ({what})")
    # Wall time is the ratio the goal names; CPU seconds (every process) beside it, which a
    # shared machine's load disturbs far less.
    for tag, label in (("", "parallel"), (" -j1", "serial  ")):
        ratio = m["compare" + tag][0] / m["floor" + tag][0]
        service_ratio = m["empty runs" + tag][0] / m["floor" + tag][0]
        cpu, service_cpu = (m[name + tag][1] / m["floor" + tag][1] for name in ("compare", "empty runs"))
        print(f"    RATIO {label} {ratio:6.2f}x the floor (goal <= 1.5x); the run service alone {service_ratio:.2f}x")
        print(f"          CPU    {cpu:6.2f}x the floor's CPU; the run service alone {service_cpu:.2f}x")
        if against:
            print(
                f"          before {m['before' + tag][0] / m['floor' + tag][0]:6.2f}x the floor (CPU "
                f"{m['before' + tag][1]:.3f} s -> {m['compare' + tag][1]:.3f} s); its run service alone "
                f"{m['before empty' + tag][0] / m['floor' + tag][0]:.2f}x"
            )
            before_cpu, before_service = (m[name + tag][1] / m["floor" + tag][1] for name in ("before", "before empty"))
            print(f"          before CPU {before_cpu:.2f}x the floor's CPU; its service alone {before_service:.2f}x")
    if counted:
        print("    instructions of compare's own process (cachegrind; the interpreters it starts not counted)")
        for name in ("full compare", "one-pair compare", "run service"):
            now, then = counted[name], counted.get("before " + name)
            shown = f"{now / 1e6:8.1f} M" if now else "     (no valgrind)"
            if now and then:
                shown += f"   before {then / 1e6:8.1f} M  ({now / then:.2f}x)"
            print(f"    {name:18}{shown}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--skip-real-time", action="store_true", help="skip (a): it takes 16 s")
    parser.add_argument("--against", type=Path, metavar="SRC", help="another checkout's src/, run beside this one")
    parser.add_argument(
        "--instructions", action="store_true", help="also count compare's own instructions (needs valgrind)"
    )
    args = parser.parse_args()
    if args.against and not (args.against / "threadport" / "__init__.py").is_file():
        parser.error(f"--against {args.against}: no threadport package in that folder")
    legacy = find_legacy().path
    print(f"Python {sys.version.split()[0]} against {find_legacy().version_string}; {args.rounds} rounds")
    if not args.skip_real_time:
        clock_ratio(legacy, args.rounds)
    compare_ratio(legacy, args.rounds, args.against, args.instructions)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
