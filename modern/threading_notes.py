"""Python 3 twin of legacy/threading_notes.py, the seed's "Python Threading" notes.

Each function does what its legacy counterpart does; catalog.toml maps the
names (workerArgs -> worker_args, testIsAliveOnSleeper -> poll_sleeper) and
explains every change with its PEP or CPython issue.
"""

import threading
import time


def worker() -> None:
    """The smallest thread target: print one line."""
    print("working")


def worker_args(a0: object, a1: object) -> None:
    """A target that takes arguments: threading.Thread(target=worker_args, args=("ok", "cool"))."""
    print(f"working {a0} {a1}")


def sleeper() -> None:
    """Print, then stay alive for ten seconds."""
    print("working")
    time.sleep(10)


def poll_sleeper(polls: int = 16, interval: float = 1.0) -> None:
    """Start sleeper() in a thread and print, once per interval, whether it is alive.

    is_alive() replaces isAlive(), which Python 3.9 removed (bpo-37804).
    """
    thread = threading.Thread(target=sleeper)
    thread.start()
    for _ in range(polls):
        time.sleep(interval)
        print(thread.is_alive())
