"""Python 3 twin of legacy/introspection.py: asking threading about threads.

``currentThread().getName()`` -> ``current_thread().name``, ``activeCount()``
-> ``active_count()`` (the camelCase names warn since 3.10); ``enumerate()``
keeps its name. ``threading.main_thread()`` (3.4+) now names the main thread
directly.
"""

import threading


def census(workers: int = 3) -> None:
    """Start ``workers`` named threads and look at them through the threading module."""
    print(f"running in: {threading.current_thread().name}")
    before = threading.active_count()
    release = threading.Event()
    started: list[str] = []
    lock = threading.Lock()

    def work() -> None:
        # list.append is atomic in CPython (see atomic_ops), but that is a description of
        # the implementation, not a promise: the lock says what guards the shared list.
        with lock:
            started.append(threading.current_thread().name)
        release.wait()

    threads = [threading.Thread(target=work, name=f"worker-{n}") for n in range(1, workers + 1)]
    for thread in threads:
        thread.start()
    # active_count() counts started threads that have not finished.
    print(f"active thread count grew by {threading.active_count() - before}")
    names = sorted(t.name for t in threading.enumerate() if t.name.startswith("worker-"))
    print(f"enumerate() lists: {', '.join(names)}")
    release.set()
    for thread in threads:
        thread.join()
    print(f"each worker saw itself as: {', '.join(sorted(started))}")
    print(f"after join(), the active thread count is back: {threading.active_count() == before}")
    print(f"the main thread is listed by enumerate(): {threading.main_thread() in threading.enumerate()}")
