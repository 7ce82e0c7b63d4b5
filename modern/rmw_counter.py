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
