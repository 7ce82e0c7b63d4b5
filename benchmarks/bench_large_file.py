"""Time and peak memory of `threadport check` and `threadport fix` against file size, beside ruff.

    python benchmarks/bench_large_file.py [--sizes 1,2,4,8,16,32]

For each size (MB) one generated file of threading code (classes and functions full
of the deprecated aliases, every rule has work to do) is written to a temporary
folder; each command runs in its own process on a fresh copy, and the figures are
that child's own (os.wait4): wall time, CPU time (user + sys: steadier than wall
time on a loaded machine), and peak resident memory. Memory is also given per
source byte, above what the same command needs for an empty file, so linear growth
shows as a constant column. `ruff check --select UP` (the `bench` extra) runs on the
same file for comparison; Python's own `ast.parse` of the whole file is shown too, what
any tool that parses a file whole pays (pyupgrade); threadport parses a large file in
pieces of top-level statements (fixer/chunks.py) and needs less.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

MB = 1 << 20

BLOCK = """
class Worker{n}(threading.Thread):
    def run(self):
        self.setName("w{n}")
        if self.isDaemon():
            print(self.getName())


def main{n}():
    t = threading.Thread(target=print)
    t.setDaemon(True)
    t.start()
    while t.isAlive():
        threading.currentThread()
    e = threading.Event()
    if e.isSet():
        print(threading.activeCount())
    c = threading.Condition()
    with c:
        c.notifyAll()
    lock = threading.Lock()
    lock.acquire()
    try:
        pass
    finally:
        lock.release()
"""


def generate(size: int) -> str:
    parts, total, n = ["import threading\n"], 0, 0
    while total < size:
        block = BLOCK.format(n=n)
        parts.append(block)
        total += len(block)
        n += 1
    return "".join(parts)


@dataclass
class Run:
    wall: float
    cpu: float
    peak: int  # bytes
    status: int


def measure(command: list[str]) -> Run:
    """Run ``command`` alone; its own wall time, CPU time and peak RSS."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    error = child.stderr.read().decode(errors="replace") if child.stderr else ""
    child.stderr.close()
    if child.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed ({child.returncode}): {error.strip()[-500:]}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, child.returncode)


def commands(path: Path) -> dict[str, list[str]]:
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    return {
        "ast.parse": [sys.executable, "-c", f"import ast; ast.parse(open({str(path)!r}, 'rb').read())"],
        "threadport check": [sys.executable, "-m", "threadport", "check", "--isolated", "--exit-zero", str(path)],
        "threadport fix": [sys.executable, "-m", "threadport", "fix", "--isolated", "--exit-zero", str(path)],
        "ruff check --select UP": [ruff, "check", "--isolated", "--select", "UP", "--no-cache", "--exit-zero"]
        + [str(path)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,2,4,8,16,32", help="file sizes in MB (default 1,2,4,8,16,32)")
    args = parser.parse_args()
    sizes = [float(size) for size in args.sizes.split(",")]
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        empty = Path(folder) / "empty.py"
        empty.write_text("")
        baseline = {name: measure(command).peak for name, command in commands(empty).items()}
        per_byte: dict[str, list[float]] = {name: [] for name in baseline}
        header = f"{'MB':>5} {'tool':<24} {'wall s':>8} {'cpu s':>8} {'peak MB':>9} {'B/src byte':>11}"
        print(header)
        print("-" * len(header))
        for size in sizes:
            source = generate(int(size * MB))
            data = source.encode()
            for name in baseline:
                path = Path(folder) / f"large_{size:g}.py"
                path.write_bytes(data)  # a fresh copy: fix rewrites it
                run = measure(commands(path)[name])
                extra = (run.peak - baseline[name]) / len(data)
                per_byte[name].append(extra)
                print(
                    f"{len(data) / MB:>5.1f} {name:<24} {run.wall:>8.1f} {run.cpu:>8.1f}"
                    f" {run.peak / MB:>9.0f} {extra:>11.0f}",
                    flush=True,
                )
        print()
        print("Bytes of peak memory per source byte, smallest and largest file (linear: about equal):")
        for name, values in per_byte.items():
            print(f"  {name:<24} {values[0]:>6.0f} -> {values[-1]:>6.0f}  (x{values[-1] / max(values[0], 1):.2f})")


if __name__ == "__main__":
    main()
