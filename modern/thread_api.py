"""Python 3 twin of legacy/thread_api.py: the Thread API through attributes.

The seed lists ``daemon ident isDaemon join run setName getName isAlive
is_alive name setDaemon start``. Python 3 keeps the properties and the
snake_case methods; ``isAlive`` warned from 3.7.3 (PendingDeprecationWarning) and
3.8 (DeprecationWarning) and is gone since 3.9; the other camelCase names emit a
DeprecationWarning since 3.10. Name and daemon flag go to the
constructor.
"""

import threading


def where_am_i() -> None:
    """Print the name of the thread this target runs in."""
    print(f"target running in: {threading.current_thread().name}")


def tour() -> None:
    """Name, daemon flag, liveness and ident of a thread, before, during and after it runs."""
    release = threading.Event()
    thread = threading.Thread(target=release.wait, name="tour-worker", daemon=False)
    print(f"name: {thread.name}")
    print(f"daemon: {thread.daemon}")
    print(f"alive before start(): {thread.is_alive()}")
    print(f"ident before start(): {thread.ident}")
    thread.start()
    print(f"alive after start(): {thread.is_alive()}")
    print(f"ident after start() is an integer: {isinstance(thread.ident, int)}")
    release.set()
    thread.join()
    print(f"alive after join(): {thread.is_alive()}")
    print(f"ident kept after join(): {thread.ident is not None}")
    print(f"snake_case spellings: is_alive()={thread.is_alive()} name={thread.name} daemon={thread.daemon}")

    # run() is what start() calls in the new thread; calling it directly
    # just runs the target in the calling thread, and starts nothing.
    direct = threading.Thread(target=where_am_i, name="never-started")
    direct.run()
    print(f"alive after a direct run(): {direct.is_alive()}")


def daemon_flag() -> None:
    """The daemon flag: inherited default, set before start(), frozen after it."""
    thread = threading.Thread(target=where_am_i, name="flagged")
    print(f"daemon by default (created by the main thread): {thread.daemon}")
    thread.daemon = True
    print(f"daemon after setting it: {thread.daemon}")
    thread.start()
    thread.join()
    try:
        thread.daemon = False
    except RuntimeError as error:
        print(f"setting daemon on a started thread: RuntimeError: {error}")
