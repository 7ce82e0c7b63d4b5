"""Python 3 twin of legacy/worker_pool.py: ``thread`` -> ``_thread``, ``Queue`` -> ``queue``.

``low_level_pool`` is the literal port: the same workers on the renamed
modules. ``_thread`` is an implementation module now; the idiomatic port is
``executor_pool``, on ``concurrent.futures.ThreadPoolExecutor``, whose
``map()`` hands results back in input order, so nothing needs sorting.

executor_pool imports concurrent.futures for itself: the package pulls in logging
(and with it re, traceback, string), which cost a forked 3.11 run of
low_level_pool, that never uses it, about three times the rest of its work.
"""

import _thread
import queue
from collections.abc import Sequence

NUMBERS = (7, 3, 9, 1, 5, 2)


def square_worker(
    jobs: "queue.Queue[int | None]",
    results: dict[int, int],
    results_lock: _thread.LockType,
    finished: "queue.Queue[bool]",
) -> None:
    """Square numbers from ``jobs`` until a None sentinel arrives."""
    while (n := jobs.get()) is not None:
        with results_lock:
            results[n] = n * n
    finished.put(True)


def low_level_pool(numbers: Sequence[int] = NUMBERS, workers: int = 3) -> None:
    """The literal port: _thread.start_new_thread, _thread.allocate_lock, queue.Queue."""
    jobs: queue.Queue[int | None] = queue.Queue()
    finished: queue.Queue[bool] = queue.Queue()
    results: dict[int, int] = {}
    results_lock = _thread.allocate_lock()
    for _ in range(workers):
        _thread.start_new_thread(square_worker, (jobs, results, results_lock, finished))
    for n in numbers:
        jobs.put(n)
    for _ in range(workers):
        jobs.put(None)
    # _thread.start_new_thread() threads are not joined at exit: wait for each.
    for _ in range(workers):
        finished.get()
    print(f"squares of {list(numbers)}, sorted (the workers finish in any order):")
    for n in sorted(results):
        print(f"{n} -> {results[n]}")


def square(n: int) -> int:
    return n * n


def executor_pool(numbers: Sequence[int] = NUMBERS, workers: int = 3) -> None:
    """The idiomatic port: ThreadPoolExecutor.map, results in input order."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=workers) as executor:
        squares = executor.map(square, numbers)
        print(f"squares of {list(numbers)}, in input order (executor.map keeps it):")
        for n, squared in zip(numbers, squares):
            print(f"{n} -> {squared}")
