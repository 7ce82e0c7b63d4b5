"""Python 3 twin of legacy/daemon_exit.py: daemon threads are cut off at exit.

A child interpreter starts a daemon thread and a non-daemon worker that both
write a log file, then its main thread returns. The program exits without
waiting for the daemon, which is stopped where it stands: its ``finally:`` and
the end of its ``with open(...)`` block never run. The worker is told to stop
through a ``threading.Event``, so it finishes and its cleanup runs.

The child interpreter runs this very file, so its top-level imports are what the
child pays for: only what child() needs is imported here, and demo() imports
subprocess and tempfile for itself (they would cost the child more than its
threads' work). The logs are read with open(), not pathlib, whose import alone cost
a forked 3.11 run 8 ms.
"""

import os
import sys
import threading


def daemon_writer(path: str, written: threading.Event, never_set: threading.Event) -> None:
    """Write three lines, then block forever (work still in progress at exit)."""
    with open(path, "a") as log:
        try:
            for n in range(1, 4):
                log.write(f"daemon: line {n}\n")
                log.flush()
            written.set()
            never_set.wait()
        finally:
            log.write("daemon: cleanup ran\n")


def graceful_writer(path: str, written: threading.Event, stop: threading.Event) -> None:
    """Write three lines, then finish cleanly once ``stop`` is set."""
    with open(path, "a") as log:
        try:
            for n in range(1, 4):
                log.write(f"worker: line {n}\n")
                log.flush()
            written.set()
            stop.wait()
            log.write("worker: stop requested, finishing\n")
        finally:
            log.write("worker: cleanup ran\n")


def child(folder: str) -> None:
    """Run in the child interpreter: start both writers, stop the worker, return."""
    daemon_written = threading.Event()
    daemon = threading.Thread(
        target=daemon_writer,
        args=(os.path.join(folder, "daemon.log"), daemon_written, threading.Event()),
        daemon=True,
    )
    daemon.start()

    worker_written, stop = threading.Event(), threading.Event()
    worker = threading.Thread(target=graceful_writer, args=(os.path.join(folder, "worker.log"), worker_written, stop))
    worker.start()

    daemon_written.wait()
    worker_written.wait()
    print("child: both threads wrote their lines; asking the worker to stop")
    stop.set()
    print(f"child: main thread returns; daemon thread still alive: {daemon.is_alive()}")
    # The interpreter now waits for the non-daemon worker, not for the daemon.


def demo() -> None:
    """Run child() in a fresh interpreter, then show what each thread left in its log."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        # Only stdout is captured: the child's stderr (a traceback, a warning) passes
        # through to ours, as in the legacy demo; capture_output=True would hide it.
        # -S: the child needs the standard library only; site's start-up (and the
        # .pth files of whatever is installed) would cost more than the demo itself.
        child_process = subprocess.run(
            [sys.executable, "-S", __file__, folder],
            stdout=subprocess.PIPE,
            text=True,
            check=False,
        )
        print(child_process.stdout, end="")
        print(f"child exited with status {child_process.returncode}")
        for name in ("daemon.log", "worker.log"):
            print(f"--- {name}")
            with open(os.path.join(folder, name)) as log:
                print(log.read(), end="")


def inherited() -> None:
    """A new thread's daemon flag defaults to that of the thread that creates it."""

    def report(label: str) -> None:
        print(f"{label}: daemon={threading.current_thread().daemon}")

    def spawner() -> None:
        thread = threading.Thread(target=report, args=("thread created by a daemon thread",))
        thread.start()
        thread.join()

    report("main thread")
    thread = threading.Thread(target=report, args=("thread created by the main thread",))
    thread.start()
    thread.join()
    parent = threading.Thread(target=spawner, daemon=True)
    parent.start()
    parent.join()


if __name__ == "__main__":
    child(sys.argv[1])
