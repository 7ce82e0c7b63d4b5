"""Foundation benchmark: ratios measured side by side in one run (these machines are noisy).

(a) virtual clock vs real time, wall seconds of the seed's polling pair (goal >= 100x);
(b) `threadport compare` over all pairs vs the floor of starting the same number of
    bare interpreters, `python2.7 -c pass` + `python3 -c pass` per entry point (goal <= 2x).

Run: python benchmarks/bench_foundation.py [--rounds N] [--skip-real-time]
"""

from __future__ import annotations

import argparse
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


def compare_ratio(legacy: str, rounds: int) -> None:
    entries = sum(len(p.entries) for p in load_catalog())
    compare = [sys.executable, "-m", "threadport", "compare", "--json", "--legacy-python", legacy]
    floor_cmds = [[legacy, "-c", "pass"], [sys.executable, "-c", "pass"]] * entries
    compare_times, serial_times, floor_times = [], [], []
    for _ in range(rounds):  # interleaved, so drift in machine load hits all alike
        compare_times.append(wall(compare))
        serial_times.append(wall([*compare, "--jobs", "1"]))
        floor_times.append(sum(wall(c) for c in floor_cmds))
    c, f = statistics.median(compare_times), statistics.median(floor_times)
    s = statistics.median(serial_times)
    print(f"(b) threadport compare over {len(load_catalog())} pairs, {entries} entry points ({2 * entries} runs)")
    print(f"    compare        {c:8.3f} s   (median of {rounds}; includes its own start-up)")
    print(f"    floor          {f:8.3f} s   ({2 * entries} bare interpreters started one after another)")
    print(f"    compare -j1    {s:8.3f} s   (one run at a time, like the floor)")
    print(f"    ratio          {c / f:8.2f}x the floor   (goal <= 2x); one at a time: {s / f:.2f}x")


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
