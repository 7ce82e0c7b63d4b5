"""Start-up benchmark: each command's median wall time beside the interpreter's own start.

Measured side by side in one run, rounds interleaved (these machines are shared and
noisy): `python -S -c pass` and `python -c pass` (the floors threadport cannot go
below), `ruff --version` and `pyupgrade --help` (peers), then `threadport --help`,
`threadport list`, `threadport check --help` and `threadport check` on one small file.
Goal: every threadport command <= 80 ms. CPU is user+system seconds of the child
(steadier than wall time under load). The children may write bytecode (an unset
PYTHONDONTWRITEBYTECODE) and one uncounted round warms the caches, as an installed
package has its .pyc files and a second run its cached answers.

Run: python benchmarks/bench_startup.py [--rounds N] [--instructions] [--against THREADPORT]

--instructions also counts the instructions each command executes (valgrind's cachegrind,
one run each after the timed rounds): unlike time, the count does not depend on the load
of a shared machine, so it compares commands and versions when the wall times cannot.

--against THREADPORT adds the same four commands run by another install's console script
(another checkout's .venv/bin/threadport, say main before a change), in the same rounds,
so before and after come from one run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from child_timing import instructions, run_child  # noqa: E402 - beside this script

SMALL_FILE = "import threading\n\nworker = threading.Thread(target=print)\nif worker.isAlive():\n    pass\n"
GOAL_MS = 80
CHILD_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str]) -> tuple[float, float]:
    """(wall, cpu) seconds of one run of ``command``, its output thrown away."""
    wall, cpu, code = run_child(command, CHILD_ENV)
    if code == 127:
        raise SystemExit(f"cannot run {command[0]}")
    return wall, cpu


def tool(name: str) -> str | None:
    """A console script next to this interpreter first (the venv's), else on PATH."""
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.exists() else shutil.which(name)


def threadport_commands(threadport: str, small: Path, suffix: str = "") -> list[tuple[str, list[str], bool]]:
    """The four commands the goal is about, run by ``threadport``."""
    return [
        (f"threadport --help{suffix}", [threadport, "--help"], not suffix),
        (f"threadport list{suffix}", [threadport, "list"], not suffix),
        (f"threadport check --help{suffix}", [threadport, "check", "--help"], not suffix),
        (f"threadport check FILE{suffix}", [threadport, "check", "--isolated", "--exit-zero", str(small)], not suffix),
    ]


def commands(small: Path, against: str | None = None) -> list[tuple[str, list[str] | None, bool]]:
    """(label, command or None when missing, counts toward the goal)."""
    python = sys.executable
    threadport = tool("threadport")
    ruff, pyupgrade = tool("ruff"), tool("pyupgrade")
    return [
        ("python -S -c pass", [python, "-S", "-c", "pass"], False),
        ("python -c pass", [python, "-c", "pass"], False),
        ("ruff --version", [ruff, "--version"] if ruff else None, False),
        ("pyupgrade --help", [pyupgrade, "--help"] if pyupgrade else None, False),
        *threadport_commands(threadport, small),
        *(threadport_commands(against, small, " (against)") if against else []),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21, help="runs of each command (default 21)")
    parser.add_argument(
        "--instructions", action="store_true", help="also count each command's instructions (needs valgrind)"
    )
    parser.add_argument(
        "--against", metavar="THREADPORT", help="also time another install's threadport script (main before, say)"
    )
    args = parser.parse_args()
    if args.against and not Path(args.against).is_file():
        raise SystemExit(f"--against: no such file: {args.against}")
    if tool("threadport") is None:
        raise SystemExit("no threadport console script beside this Python or on PATH (pip install -e .)")
    with tempfile.TemporaryDirectory() as folder:
        small = Path(folder, "small.py")
        small.write_text(SMALL_FILE, encoding="utf-8")
        # A cache of its own, warmed by round 0: a shared ~/.cache/threadport is rewritten
        # by any other threadport install (another checkout's catalogue path is another key).
        CHILD_ENV["THREADPORT_CACHE"] = str(Path(folder, "cache"))
        CHILD_ENV.pop("THREADPORT_NO_CACHE", None)
        rows = commands(small, args.against)
        runs: dict[str, list[tuple[float, float]]] = {label: [] for label, command, _ in rows if command}
        for round_number in range(args.rounds + 1):  # interleaved: a burst of load hits all alike
            for label, command, _ in rows:
                if command:
                    measured = timed(command)
                    if round_number:  # round 0 writes the .pyc files and fills the caches
                        runs[label].append(measured)
        counted = {
            label: instructions(command, CHILD_ENV) for label, command, _ in rows if command and args.instructions
        }
    floor = statistics.median(w for w, _ in runs["python -c pass"])
    print(f"start-up, median of {args.rounds} interleaved rounds (wall ms, child CPU ms, wall / `python -c pass`)")
    worst = 0.0
    for label, command, goal in rows:
        if not command:
            print(f"  {label:36s}     (not installed)")
            continue
        wall = statistics.median(w for w, _ in runs[label]) * 1000
        cpu = statistics.median(c for _, c in runs[label]) * 1000
        count = counted.get(label) if args.instructions else None
        shown = f"  {count / 1e6:6.1f} M instructions" if count else ""
        print(f"  {label:36s} {wall:7.1f} ms  {cpu:7.1f} ms CPU  {wall / 1000 / floor:5.2f}x{shown}")
        if goal:
            worst = max(worst, wall)
    verdict = "met" if worst <= GOAL_MS else "NOT met"
    load = os.getloadavg()[0]
    print(f"slowest threadport command {worst:.1f} ms (goal <= {GOAL_MS} ms: {verdict}; load average {load:.1f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
