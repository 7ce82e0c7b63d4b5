"""Python 3 twin of legacy/finalizer_switch.py: destructors run in the middle of statements.

Replacing a dictionary value drops the last reference to the old value, whose
``__del__`` runs right there, inside the assignment; while it waits, another
thread runs and changes the same dictionary. Python 3.4 (PEP 442) made
finalizers safe in reference cycles, but not any less surprising in timing;
``weakref.finalize`` callbacks run at the same moment. Context managers make
the cleanup explicit instead.
"""

import threading


class Connection:
    """Something whose cleanup blocks: it sets ``closing``, then waits for ``closed``."""

    def __init__(self, name: str, closing: threading.Event, closed: threading.Event) -> None:
        self.name = name
        self.closing = closing
        self.closed = closed

    def __del__(self) -> None:
        print(f"__del__ of {self.name} runs in {threading.current_thread().name}, inside the assignment")
        self.closing.set()
        self.closed.wait()  # e.g. flushing to a server, or taking a lock


def demo() -> None:
    """One dictionary assignment during which another thread changes the dictionary."""
    closing, closed = threading.Event(), threading.Event()
    cache: dict[str, object] = {"conn": Connection("old connection", closing, closed)}

    def other() -> None:
        closing.wait()
        print('other thread runs meanwhile and sets cache["conn"]')
        cache["conn"] = "set by the other thread"
        closed.set()

    thread = threading.Thread(target=other, name="other")
    thread.start()
    print('main: cache["conn"] = "new connection"  (one simple statement)')
    cache["conn"] = "new connection"
    print(f'main: right after it, cache["conn"] is {cache["conn"]!r}')
    thread.join()
