"""Foundation benchmark: ratios measured side by side in one run (these machines are noisy).

(a) virtual clock vs real time, wall seconds of the seed's polling pair (goal >= 100x);
(b) `threadport compare` over all pairs vs the fair floor: the same number of bare
    interpreter starts with the child's own flags (`python2.7 -S -B -u -c pass` and
    `python3 -S -B -u -c pass` per entry point), run with the same parallelism as compare
    (CPU count, and one at a time for `--jobs 1`). Goal <= 1.5x, both ways.

Run: python benchmarks/bench_foundation.py [--rounds N] [--skip-real-time]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from threadport.catalog import get_pair, load_catalog
from threadport.interpreters import find_legacy
from threadport.runner import run_entry


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


def floor(commands: list[list[str]], jobs: int) -> float:
    """Wall seconds to start and end every command, ``jobs`` at a time (compare's pool shape)."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(wall, commands))
    return time.perf_counter() - started


def compare_ratio(legacy: str, rounds: int) -> None:
    entries = sum(len(p.entries) for p in load_catalog())
    jobs = os.cpu_count() or 2
    compare = [sys.executable, "-m", "threadport", "compare", "--json", "--legacy-python", legacy]
    floor_cmds = [[legacy, *CHILD_FLAGS], [sys.executable, *CHILD_FLAGS]] * entries
    times: dict[str, list[float]] = {"compare": [], "floor": [], "compare -j1": [], "floor -j1": []}
    for _ in range(rounds):  # interleaved, so drift in machine load hits all alike
        times["compare"].append(wall([*compare, "--jobs", str(jobs)]))
        times["floor"].append(floor(floor_cmds, jobs))
        times["compare -j1"].append(wall([*compare, "--jobs", "1"]))
        times["floor -j1"].append(floor(floor_cmds, 1))
    m = {name: statistics.median(values) for name, values in times.items()}
    print(f"(b) threadport compare over {len(load_catalog())} pairs, {entries} entry points ({2 * entries} runs)")
    print(f"    compare        {m['compare']:8.3f} s   ({jobs} at a time; median of {rounds}; with its own start-up)")
    print(f"    fair floor     {m['floor']:8.3f} s   ({2 * entries} bare `-S -B -u -c pass` starts, {jobs} at a time)")
    print(f"    compare -j1    {m['compare -j1']:8.3f} s   (one run at a time)")
    print(f"    fair floor -j1 {m['floor -j1']:8.3f} s   (the same starts one after another)")
    print(f"    RATIO parallel {m['compare'] / m['floor']:8.2f}x the floor   (goal <= 1.5x)")
    print(f"    RATIO serial   {m['compare -j1'] / m['floor -j1']:8.2f}x the floor   (goal <= 1.5x)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--skip-real-time", action="store_true", help="skip (a): it takes 16 s")
    args = parser.parse_args()
    legacy = find_legacy().path
    print(f"Python {sys.version.split()[0]} against {find_legacy().version_string}; {args.rounds} rounds")
    if not args.skip_real_time:
        clock_ratio(legacy, args.rounds)
    compare_ratio(legacy, args.rounds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
