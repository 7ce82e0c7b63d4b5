# Every call the virtual clock patches, with good and bad arguments: run with the clock
# off and on, on each interpreter, it must print the same outcomes (the clock may be
# faster than real time, never more lenient). Python 2.7 and 3 alike.
import threading
import time

try:
    import queue
except ImportError:  # Python 2
    import Queue as queue
try:
    import _thread as thread_module
except ImportError:  # Python 2
    import thread as thread_module


def outcome(call):
    try:
        call()
    except Exception as error:  # the exception's type is the outcome
        return type(error).__name__
    return "ok"


def started_thread():
    thread = threading.Thread(target=lambda: None)
    thread.start()
    return thread


def held(lock):
    lock.acquire()
    return lock


CALLS = [
    ("Lock()", lambda: threading.Lock()),
    ("Lock(1)", lambda: threading.Lock(1)),
    ("Lock().acquire()", lambda: threading.Lock().acquire()),
    ("Lock().acquire(False)", lambda: threading.Lock().acquire(False)),
    ("Lock().acquire(0)", lambda: threading.Lock().acquire(0)),
    ("Lock().acquire(None)", lambda: threading.Lock().acquire(None)),
    ("Lock().acquire(blocking=False)", lambda: threading.Lock().acquire(blocking=False)),
    ("Lock().acquire(waitflag=0)", lambda: threading.Lock().acquire(waitflag=0)),
    ("Lock().acquire(True, 0.01)", lambda: threading.Lock().acquire(True, 0.01)),
    ("held Lock.acquire(True, 0.01)", lambda: held(threading.Lock()).acquire(True, 0.01)),
    ("held Lock.acquire(timeout=0.01)", lambda: held(threading.Lock()).acquire(timeout=0.01)),
    ("Lock().acquire(False, 1)", lambda: threading.Lock().acquire(False, 1)),
    ("Lock().acquire(timeout=-2)", lambda: threading.Lock().acquire(timeout=-2)),
    ("Lock().acquire(timeout=None)", lambda: threading.Lock().acquire(timeout=None)),
    ("Lock().acquire(True, '1')", lambda: threading.Lock().acquire(True, "1")),
    ("Lock().acquire(1, 2, 3)", lambda: threading.Lock().acquire(1, 2, 3)),
    ("Lock().release() unlocked", lambda: threading.Lock().release()),
    ("Lock().locked(1)", lambda: threading.Lock().locked(1)),
    ("Lock().__enter__()", lambda: threading.Lock().__enter__()),
    ("Lock().__enter__(False)", lambda: threading.Lock().__enter__(False)),
    ("held Lock.__exit__(None, None, None)", lambda: held(threading.Lock()).__exit__(None, None, None)),
    ("allocate_lock().acquire(blocking=False)", lambda: thread_module.allocate_lock().acquire(blocking=False)),
    ("allocate_lock().acquire(0)", lambda: thread_module.allocate_lock().acquire(0)),
    ("RLock().acquire(blocking=False)", lambda: threading.RLock().acquire(blocking=False)),
    ("RLock().acquire(timeout=0.01)", lambda: threading.RLock().acquire(timeout=0.01)),
    ("RLock().acquire(False, 1)", lambda: threading.RLock().acquire(False, 1)),
    ("RLock().release() unowned", lambda: threading.RLock().release()),
    ("RLock(1)", lambda: threading.RLock(1)),
    ("Condition().wait(0.01) unowned", lambda: threading.Condition().wait(0.01)),
    ("held Condition.wait(0.01)", lambda: held(threading.Condition()).wait(0.01)),
    ("held Condition.wait(timeout=0.01)", lambda: held(threading.Condition()).wait(timeout=0.01)),
    ("held Condition.wait(0.01, 1)", lambda: held(threading.Condition()).wait(0.01, 1)),
    ("held Condition.wait('x')", lambda: held(threading.Condition()).wait("x")),
    ("Event().wait(0.01)", lambda: threading.Event().wait(0.01)),
    ("Event().wait(timeout=0.01)", lambda: threading.Event().wait(timeout=0.01)),
    ("Event().wait(0.01, 1)", lambda: threading.Event().wait(0.01, 1)),
    ("Event().wait('x')", lambda: threading.Event().wait("x")),
    ("Semaphore().acquire(blocking=False)", lambda: threading.Semaphore().acquire(blocking=False)),
    ("held Semaphore.acquire(timeout=0.01)", lambda: held(threading.Semaphore()).acquire(timeout=0.01)),
    ("Thread().join(0.01) unstarted", lambda: threading.Thread().join(0.01)),
    ("started Thread.join(0.01)", lambda: started_thread().join(0.01)),
    ("started Thread.join(timeout=0.01)", lambda: started_thread().join(timeout=0.01)),
    ("started Thread.join(0.01, 1)", lambda: started_thread().join(0.01, 1)),
    ("current_thread().join()", lambda: threading.current_thread().join()),
    ("Queue().get(timeout=0.01)", lambda: queue.Queue().get(timeout=0.01)),
    ("Queue().get(True, 0.01)", lambda: queue.Queue().get(True, 0.01)),
    ("Queue().get(block=False)", lambda: queue.Queue().get(block=False)),
    ("Queue().get(True, -1)", lambda: queue.Queue().get(True, -1)),
    ("Queue().get(False, 1, 2)", lambda: queue.Queue().get(False, 1, 2)),
    ("Queue().put(1, timeout=0.01)", lambda: queue.Queue().put(1, timeout=0.01)),
    ("time.sleep(0.01)", lambda: time.sleep(0.01)),
    ("time.sleep(0)", lambda: time.sleep(0)),
    ("time.sleep(secs=0.01)", lambda: time.sleep(secs=0.01)),
    ("time.sleep(seconds=0.01)", lambda: time.sleep(seconds=0.01)),
    ("time.sleep()", lambda: time.sleep()),
    ("time.sleep(0.01, 1)", lambda: time.sleep(0.01, 1)),
    ("time.sleep(-1)", lambda: time.sleep(-1)),
    ("time.sleep('1')", lambda: time.sleep("1")),
    ("time.sleep(None)", lambda: time.sleep(None)),
    ("time.sleep(True)", lambda: time.sleep(False)),
    ("time.time()", lambda: time.time()),
    ("time.time(1)", lambda: time.time(1)),
]
if hasattr(time, "monotonic"):
    CALLS += [
        ("time.monotonic()", lambda: time.monotonic()),
        ("time.monotonic(1)", lambda: time.monotonic(1)),
        ("time.perf_counter(1)", lambda: time.perf_counter(1)),
        ("time.monotonic_ns(1)", lambda: time.monotonic_ns(1)),
    ]


def probe():
    for label, call in CALLS:
        print(label + ": " + outcome(call))
