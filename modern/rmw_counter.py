"""Python 3 twin of legacy/rmw_counter.py: read-modify-write needs a lock.

``counter += 1`` is a read, an add and a write. Here the read and the write are
split by ``time.sleep(pause)``, which lets the other threads run in between (as
the interpreter may at any bytecode), so every unlocked run loses updates. The
locked version holds the lock from the read to the write, with ``with lock:``
instead of acquire/try/finally/release, and never loses one.
"""

import threading
import time
from collections.abc import Callable


class Counter:
    """A shared counter, incremented with or without its lock."""

    def __init__(self) -> None:
        self.value = 0
        self.lock = threading.Lock()

    def add_unlocked(self, times: int, pause: float) -> None:
        for _ in range(times):
            value = self.value
            time.sleep(pause)  # another thread reads the same value here
            self.value = value + 1

    def add_locked(self, times: int, pause: float) -> None:
        for _ in range(times):
            with self.lock:
                value = self.value
                time.sleep(pause)  # the others wait for the lock
                self.value = value + 1


def count(adder: Callable[[Counter, int, float], None], threads: int, times: int, pause: float) -> int:
    """Run ``adder`` on a fresh Counter from ``threads`` threads; return the final value."""
    counter = Counter()
    workers = [threading.Thread(target=adder, args=(counter, times, pause)) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return counter.value


ADDERS = (("unlocked", Counter.add_unlocked), ("locked", Counter.add_locked))


def once(threads: int = 4, times: int = 5, pause: float = 0.001) -> None:
    """One run of each adder, with the count it reached."""
    expected = threads * times
    print(f"{threads} threads add 1, {times} times each: expected {expected}")
    for label, adder in ADDERS:
        total = count(adder, threads, times, pause)
        print(f"{label}: counter = {total}, lost {expected - total} updates")


def repeated(runs: int = 100, threads: int = 4, times: int = 5, pause: float = 0.001) -> None:
    """``runs`` runs of each adder: in how many did updates go missing?"""
    expected = threads * times
    for label, adder in ADDERS:
        lossy = sum(count(adder, threads, times, pause) != expected for _ in range(runs))
        print(f"{label}: lost updates in {lossy} of {runs} runs")


def add_plain(counter: Counter, times: int, pause: float) -> None:
    """counter.value += 1 with no pause and no lock: how often is it interrupted?"""
    for _ in range(times):
        counter.value += 1


def plain_threads(threads: int = 4, times: int = 200_000, runs: int = 3) -> None:
    """Plain threads, no sleep: the lost updates of each run (not a catalogue entry: the
    numbers differ from run to run and between interpreters; tests/test_slow.py declares
    what each interpreter shows, and why)."""
    for run in range(1, runs + 1):
        total = count(add_plain, threads, times, 0)
        print(f"run {run}: {threads} threads x {times} plain counter += 1, lost {threads * times - total}")
