"""Python 3 twin of legacy/atomic_ops.py: the seed's list of atomic operations.

Each operation is done by several threads at once and counted afterwards:
nothing is lost or torn. In CPython each one is a single bytecode or a single
C call that runs while holding the global interpreter lock. That is a description
of CPython as it is, not a language guarantee; the free-threaded build (3.13t)
keeps built-in containers consistent with per-object locks but promises no more.
"""

import threading
from collections.abc import Callable

Triple = tuple[int, int, int]


class Box:
    """An object whose attribute the threads replace."""

    value: Triple = (0, 0, 0)


box = Box()
latest: Triple = (0, 0, 0)


def run_threads(count: int, target: Callable[[int, threading.Event], None]) -> None:
    """Start ``count`` threads on target(n, gate) and release them together."""
    gate = threading.Event()
    threads = [threading.Thread(target=target, args=(n, gate)) for n in range(count)]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join()


def consistent(value: Triple) -> bool:
    """True if the triple is one a single writer wrote: (n, i, n * i)."""
    return value[2] == value[0] * value[1]


def demo(threads: int = 4, operations: int = 1000) -> None:
    """Run every operation of the seed's list from ``threads`` threads and count the result."""
    total = threads * operations
    print(f"{threads} threads x {operations} operations each, for every operation below")

    # modifying a list in place (append)
    items: list[Triple] = []

    def appender(n: int, gate: threading.Event) -> None:
        gate.wait()
        for i in range(operations):
            items.append((n, i, n * i))

    run_threads(threads, appender)
    print(f"list.append: {len(items)} items, {total - len(items)} lost")

    # fetching an item from a list, while other threads append to it
    growing: list[Triple] = [(0, 0, 0)]
    bad: list[int] = []

    def fetcher(n: int, gate: threading.Event) -> None:
        gate.wait()
        for i in range(operations):
            growing.append((n, i, n * i))
            if not consistent(growing[i]):
                bad.append(i)

    run_threads(threads, fetcher)
    print(f"list[i] read while the list grows: {total} reads, {len(bad)} bad items")

    # modifying a dictionary in place (adding an item)
    table: dict[tuple[int, int], int] = {}

    def setter(n: int, gate: threading.Event) -> None:
        gate.wait()
        for i in range(operations):
            table[n, i] = n * i

    run_threads(threads, setter)
    print(f"dict[key] = value: {len(table)} keys, {total - len(table)} lost")

    # fetching an item from a dictionary, while other threads replace it
    shared: dict[str, Triple] = {"value": (0, 0, 0)}
    bad = []

    def getter(n: int, gate: threading.Event) -> None:
        gate.wait()
        for i in range(operations):
            shared["value"] = (n, i, n * i)
            if not consistent(shared["value"]):
                bad.append(i)

    run_threads(threads, getter)
    print(f"dict[key] read while it is replaced: {total} reads, {len(bad)} torn values")

    # modifying a dictionary in place (calling the clear method)
    cleared: dict[tuple[int, int], int] = {}
    errors: list[Exception] = []

    def clearer(n: int, gate: threading.Event) -> None:
        gate.wait()
        for i in range(operations):
            try:
                cleared[n, i] = i
                cleared.clear()
            except Exception as error:  # noqa: BLE001 - the demonstration counts any failure
                errors.append(error)

    run_threads(threads, clearer)
    # Every thread ends on a clear(), so the last operation of all is a clear().
    print(f"dict.clear() while items are added: {total} rounds, {len(errors)} errors, {len(cleared)} keys left")

    # reading or replacing a single instance attribute
    bad = []

    def attribute(n: int, gate: threading.Event) -> None:
        gate.wait()
        for i in range(operations):
            box.value = (n, i, n * i)
            if not consistent(box.value):
                bad.append(i)

    run_threads(threads, attribute)
    print(f"obj.attr = value: {total} replacements and reads, {len(bad)} torn values")

    # reading or replacing a single global variable
    bad = []

    def global_variable(n: int, gate: threading.Event) -> None:
        global latest
        gate.wait()
        for i in range(operations):
            latest = (n, i, n * i)
            if not consistent(latest):
                bad.append(i)

    run_threads(threads, global_variable)
    print(f"global = value: {total} replacements and reads, {len(bad)} torn values")
