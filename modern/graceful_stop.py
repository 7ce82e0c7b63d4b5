"""Python 3 twin of legacy/graceful_stop.py: wait on the Event, don't sleep.

The worker loop waits on its stop Event with a timeout instead of sleeping
between checks, so a stop request ends the wait at once instead of at the end
of the current nap. Waiting on the Event works on Python 2.7 too; Python 3.2 only
made the timed wait a real timed lock acquire instead of 2.7's loop of short
sleeps (up to 50 ms), and it returns True as soon as the Event is set.
"""

import threading
import time


class Ticker(threading.Thread):
    """A worker that ticks every ``interval`` seconds until stop() is called."""

    def __init__(self, interval: float) -> None:
        super().__init__()
        self.interval = interval
        self.stop_requested = threading.Event()
        self.ticks = 0

    def run(self) -> None:
        while not self.stop_requested.is_set():
            self.ticks += 1
            print(f"ticker: tick {self.ticks}")
            self.stop_requested.wait(self.interval)
        print("ticker: saw the stop request, leaving the loop")

    def stop(self) -> None:
        self.stop_requested.set()


def demo(interval: float = 1.0, stop_after: float = 2.5) -> None:
    """Let the ticker run ``stop_after`` seconds, stop it, and report how long stopping took."""
    ticker = Ticker(interval)
    ticker.start()
    time.sleep(stop_after)
    print("main: asking the ticker to stop")
    asked = time.monotonic()
    ticker.stop()
    ticker.join()
    print(f"main: the ticker stopped {time.monotonic() - asked:.1f} s after the request, after {ticker.ticks} ticks")
