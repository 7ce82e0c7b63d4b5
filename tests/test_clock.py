"""The virtual clock, on both interpreters: time jumps only when every thread is blocked,
waiters due together wake in the order they began waiting, and nothing depends on luck."""

from __future__ import annotations

import pytest

from threadport.runner import run_entry

# The legacy half of each test runs once in CI (the every-python env): it is the clock in a
# python2.7 run, and the parent's side of it (run_entry, the transcript) is the code the
# modern half of the same test drives in every env of the matrix.
pytestmark = pytest.mark.interpreter_free(
    "the clock in a python2.7 run; the modern half drives the same parent code in every env", half="legacy"
)

HEADER = """
from __future__ import print_function
import threading
import time
"""


def run(python, snippet, body, entry="main", **options):
    return run_entry(python, snippet(HEADER + body), entry, **options)


def test_sleep_is_virtual_and_time_jumps(any_python, snippet):
    t = run(
        any_python,
        snippet,
        """
def main():
    start = time.time()
    time.sleep(3600)
    print(round(time.time() - start, 6))
""",
    )
    assert t.stdout == ["3600.0"]
    assert t.virtual_seconds == 3600.0
    assert t.seconds < 5  # an hour of virtual time, not of wall time


def test_sleepers_wake_in_deadline_order(any_python, snippet):
    t = run(
        any_python,
        snippet,
        """
def nap(name, seconds, out):
    time.sleep(seconds)
    out.append(name)

def main():
    out = []
    threads = [threading.Thread(target=nap, args=(n, s, out)) for n, s in [("c", 3), ("a", 1), ("b", 2)]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(out)
""",
    )
    assert t.stdout == ["['a', 'b', 'c']"]
    assert t.virtual_seconds == 3.0


def test_ties_wake_in_the_order_the_waits_began(any_python, snippet):
    # Both are due at t=2: the thread that began its wait first (at t=0) wakes first,
    # runs alone until it blocks, and only then does the later waiter (since t=1) wake.
    t = run(
        any_python,
        snippet,
        """
def long_sleeper(out):
    time.sleep(2)
    out.append("long")

def main():
    out = []
    thread = threading.Thread(target=long_sleeper, args=(out,))
    thread.start()
    time.sleep(1)
    time.sleep(1)
    out.append("poller")
    print(out, thread.is_alive())
""",
    )
    assert t.stdout == ["['long', 'poller'] False"]


def test_timed_waits_expire_in_virtual_time(any_python, snippet):
    t = run(
        any_python,
        snippet,
        """
def main():
    event = threading.Event()
    cond = threading.Condition()
    lock = threading.Lock()
    lock.acquire()
    start = time.time()
    print(event.wait(5))
    with cond:
        print(cond.wait(2))
    helper = threading.Thread(target=time.sleep, args=(100,))
    helper.start()
    helper.join(1)
    print(helper.is_alive())
    print(round(time.time() - start, 3))
    helper.join()
    print(helper.is_alive(), round(time.time() - start, 3))
""",
    )
    # Python 2's Condition.wait(timeout) polls and returns None; Python 3 returns False.
    assert t.stdout[0] == "False"
    assert t.stdout[1] in ("None", "False")
    assert t.stdout[2:] == ["True", "8.0", "False 107.0"]


def test_event_set_by_a_sleeping_thread_wakes_the_waiter(any_python, snippet):
    t = run(
        any_python,
        snippet,
        """
def setter(event):
    time.sleep(4)
    event.set()

def main():
    event = threading.Event()
    start = time.time()
    threading.Thread(target=setter, args=(event,)).start()
    print(event.wait(10), time.time() - start <= 4.1)
""",
    )
    assert t.stdout == ["True True"]


def test_queue_get_timeout_is_virtual(any_python, snippet):
    t = run(
        any_python,
        snippet,
        """
try:
    import queue
except ImportError:
    import Queue as queue

def main():
    q = queue.Queue()
    start = time.time()
    try:
        q.get(timeout=30)
    except queue.Empty:
        print("empty after", int(round(time.time() - start)))
""",
    )
    assert t.stdout == ["empty after 30"]


def test_a_deadlock_is_reported_at_once(any_python, snippet):
    t = run(
        any_python,
        snippet,
        """
def main():
    print("waiting for ever")
    threading.Event().wait()
""",
        timeout=20,
    )
    assert t.deadlock and t.timed_out
    assert t.stdout == ["waiting for ever"]
    assert t.seconds < 10


def test_daemon_threads_are_abandoned_at_exit_and_others_joined(any_python, snippet):
    t = run(
        any_python,
        snippet,
        """
def tick(name, period, count):
    for i in range(count):
        time.sleep(period)
        print(name, i)

def main():
    daemon = threading.Thread(target=tick, args=("daemon", 1, 100))
    daemon.daemon = True
    daemon.start()
    threading.Thread(target=tick, args=("worker", 1.5, 2)).start()
""",
    )
    # The worker (non-daemon) finishes at t=3; the daemon's tick due at t=3 began
    # its wait at t=2, after the worker's (t=1.5), so the worker wins the tie and
    # the process exits before the daemon prints "daemon 2".
    assert t.stdout == ["daemon 0", "worker 0", "daemon 1", "worker 1"]
    assert t.virtual_seconds == 3.0


@pytest.mark.interpreter_free("the seed's poll on python2.7 under its clock: pytest's Python only reads the transcript")
@pytest.mark.parametrize("repeat", range(3))
def test_the_seed_poll_is_the_same_every_time(legacy_python, repeat):
    from threadport.catalog import get_pair

    pair = get_pair("threading_notes")
    t = run_entry(legacy_python, pair.legacy_path, "testIsAliveOnSleeper")
    assert t.stdout == ["working"] + ["True"] * 9 + ["False"] * 7
    assert t.virtual_seconds == 16.0


def test_thread_pool_executor_and_rlock_run_under_the_clock(snippet):
    import sys

    t = run(
        sys.executable,
        snippet,
        """
from concurrent.futures import ThreadPoolExecutor

def square(n):
    time.sleep(n)
    return n * n

def main():
    lock = threading.RLock()
    with lock:
        with lock:
            print("re-entered")
    with ThreadPoolExecutor(max_workers=3) as pool:
        print(list(pool.map(square, [3, 1, 2])))
    pool = ThreadPoolExecutor(max_workers=2)
    pool.submit(square, 5)  # never shut down: interpreter exit joins its workers
""",
    )
    assert t.stdout == ["re-entered", "[9, 1, 4]"]
    assert t.virtual_seconds == 8.0
    assert t.exit == 0


# Python 2's exit does not wait for a raw thread: here the child is still in the clock's
# bookkeeping after lock.release() while main exits. That bookkeeping read the clock module's
# globals, which 2.7's exit sets to None: "Unhandled exception in thread started by ..." on
# stderr in 1 fresh run in 3 (1 forked in 30), where a real run prints nothing.
@pytest.mark.parametrize("fresh", [True, False], ids=["fresh", "forked"])
def test_raw_thread_module_threads_are_counted(any_python, snippet, fresh):
    t = run(
        any_python,
        snippet,
        """
try:
    import _thread as thread
except ImportError:
    import thread

def child(lock, out):
    time.sleep(2)
    out.append("child done")
    lock.release()

def main():
    lock = thread.allocate_lock()
    lock.acquire()
    out = []
    thread.start_new_thread(child, (lock, out))
    lock.acquire()
    print(out, time.time() > 0)
""",
        fresh=fresh,
    )
    assert (t.stdout, t.stderr, t.exit) == (["['child done'] True"], [], 0)
    assert t.virtual_seconds == 2.0


def test_real_time_mode_really_sleeps(any_python, snippet):
    t = run(
        any_python,
        snippet,
        """
def main():
    start = time.time()
    time.sleep(0.2)
    print(time.time() - start >= 0.2)
""",
        real_time=True,
    )
    assert t.stdout == ["True"]
    assert t.virtual_seconds is None and t.clock == "real"


def test_rlock_answers_as_in_a_real_run(any_python, snippet):
    body = """
def main():
    lock = threading.RLock()
    print(lock.acquire(), lock.acquire(), lock.acquire(False))
    with lock:
        print("inside")
    lock.release()
    lock.release()
    lock.release()
"""
    virtual = run(any_python, snippet, body)
    real = run(any_python, snippet, body, real_time=True)
    assert virtual.stdout == real.stdout
    assert virtual.stdout[1:] == ["inside"]


RLOCK_IN_FULL = """
import sys

def main():
    lock = threading.RLock()
    print(type(lock).__name__, lock.acquire(), lock.acquire(True), lock.acquire(False), lock._is_owned())
    out = []

    def elsewhere():
        out.append((lock.acquire(False), lock._is_owned()))
        try:
            lock.release()
        except RuntimeError as error:
            out.append(str(error))

    other = threading.Thread(target=elsewhere)
    other.start()
    other.join()
    print(out)
    for _ in range(3):
        lock.release()
    try:
        lock.release()
    except RuntimeError as error:
        print(error)
    cond, box = threading.Condition(lock), []

    def consumer():
        with cond:
            while not box:
                cond.wait()
            box.append(lock._is_owned())

    taker = threading.Thread(target=consumer)
    taker.start()
    with cond:
        with lock:
            box.append("put")
        cond.notify()
    taker.join()
    print(box, lock.acquire(False), cond.wait(0) in (None, False))
    lock.release()
    if sys.version_info < (3,):  # 2.7's RLock(verbose=True) notes each step on stderr
        noisy = threading.RLock(verbose=True)
        noisy.acquire()
        with noisy:
            pass
        noisy.release()
        with threading.Condition(noisy):
            pass
"""


# What 2.7's RLock(verbose=True) notes in RLOCK_IN_FULL: acquire, with (enter, exit), release, the Condition's with.
NOTES = [
    "initial success",
    "recursive success",
    "non-final release",
    "final release",
    "initial success",
    "final release",
]


def test_an_rlock_and_its_condition_answer_as_in_a_real_run(any_python, snippet):
    # The clock's RLock takes a free lock inline (and, on 2.7, skips _note calls that print
    # only with verbose=True): every answer, error and note must be the real run's.
    virtual = run(any_python, snippet, RLOCK_IN_FULL)
    real = run(any_python, snippet, RLOCK_IN_FULL, real_time=True)
    assert (virtual.stdout, virtual.stderr, virtual.exit) == (real.stdout, real.stderr, real.exit)
    assert virtual.stdout[-2:] == ["cannot release un-acquired lock", "['put', True] True True"], virtual
    assert virtual.stdout[1] == "[(False, False), 'cannot release un-acquired lock']"
    if virtual.python.startswith("2."):
        assert [line.rsplit(": ", 1)[1] for line in virtual.stderr] == NOTES, virtual.stderr


CONDITION_OVER_A_LOCK = """
def main():
    lock = threading.Lock()
    cond = threading.Condition(lock)
    answers = [cond._is_owned(), cond.acquire(), lock.locked(), cond._is_owned(), cond.acquire(False)]
    answers += [cond.wait(0) in (None, False), lock.locked()]
    cond.notify()
    cond.release()
    answers += [lock.locked(), cond._is_owned(), repr(cond).split("(")[0]]
    for call in (cond.notify, cond.wait, cond.release):
        try:
            call()
        except Exception as error:
            answers.append((call.__name__, type(error).__name__, str(error)))
    print(answers)
"""


def test_a_condition_over_a_lock_answers_as_in_a_real_run(any_python, snippet):
    # The clock's Condition sets up one over a Lock (every Event's) by itself, without the
    # base's looks for the lock's _release_save & co.: the same answers and errors.
    virtual = run(any_python, snippet, CONDITION_OVER_A_LOCK)
    real = run(any_python, snippet, CONDITION_OVER_A_LOCK, real_time=True)
    assert (virtual.stdout, virtual.stderr) == (real.stdout, real.stderr)
    assert virtual.stdout[0].startswith("[False, True, True, True, False, True, True, False, False, '<Condition'")


LOOKS_AT_A_LOCK = """
def main():
    lock = threading.Lock()
    asked = []
    acquire = lock.acquire
    lock.acquire = lambda *args: (asked.append(args), acquire(*args))[1]
    cond = threading.Condition(lock)
    answers = [cond._is_owned()]
    with cond:
        answers.append(cond._is_owned())
        cond.notify_all()
    answers.append(cond._is_owned())
    print(answers, [args for args in asked if args])  # acquire(False): the base's look
"""


def test_a_condition_over_a_lock_answers_is_owned_without_taking_the_lock(any_python, snippet):
    # threading's Condition._is_owned for a plain Lock takes it with acquire(False) and
    # releases it again (three Python calls under the clock, in every Event.set and every
    # wait on an Event, so in each thread's start); the clock's answers from the lock's state.
    t = run(any_python, snippet, LOOKS_AT_A_LOCK)
    assert t.stdout == ["[False, True, False] []"], t


def test_a_notified_waiter_wakes_once_holding_the_lock(any_python, snippet):
    # Notified while main holds the lock for 10 s, the waiter does not wake only to park
    # again on the lock: it is queued there (no park between the notify and its getting
    # the lock), its 5 s deadline no longer counts once notified (Python 3), and it gets
    # the lock when main lets go, before a thread that asked for the lock after the
    # notify; Condition over an RLock and over a Lock alike.
    t = run(
        any_python,
        snippet,
        """
import sys

def main():
    clock = sys.modules["virtual"].CLOCK
    parks = []
    park = clock.park
    clock.park = lambda waiter, deadline: (parks.append(threading.current_thread().name), park(waiter, deadline))[1]
    timeout = () if sys.version_info < (3,) else (5,)  # 2.7's timed wait polls with sleeps, as real 2.7 does
    for cond in (threading.Condition(), threading.Condition(threading.Lock())):
        start, out = time.time(), []

        def wait():
            with cond:
                notified = cond.wait(*timeout) in (True, None)
                out.append((notified, time.time() - start, parks.count("waiter")))

        def late():
            with cond:
                out.append("late")

        waiter = threading.Thread(target=wait, name="waiter")
        waiter.start()
        time.sleep(1)  # the clock moves on only once the waiter is blocked: in wait()
        with cond:
            del parks[:]
            cond.notify()
            comer = threading.Thread(target=late)
            comer.start()
            time.sleep(10)
        waiter.join()
        comer.join()
        print(out)
""",
    )
    assert t.stdout == ["[(True, 11.0, 0), 'late']"] * 2, t


CONTENDED_LOCK = """
import sys

def taker(name, lock, out):
    lock.acquire()
    out.append(name)
    time.sleep(1)
    lock.release()

def main():
    start = time.time()
    lock = threading.Lock()
    out = []
    lock.acquire()
    threads = [threading.Thread(target=taker, args=(name, lock, out)) for name in "abc"]
    for thread in threads:
        thread.start()
        time.sleep(0.5)  # it queues on the lock before the next one starts
    print(lock.locked(), lock.acquire(False))
    if sys.version_info >= (3,):  # Python 2's lock takes no timeout
        print(lock.acquire(timeout=2), round(time.time() - start, 3))
    else:  # the same two seconds of waiting
        time.sleep(2)
        print(False, round(time.time() - start, 3))
    lock.release()
    for thread in threads:
        thread.join()
    print(out, lock.locked(), round(time.time() - start, 3))
    try:
        lock.release()
    except Exception as error:
        print(type(error).__name__)
"""


def test_a_contended_lock_passes_to_its_waiters_in_the_order_they_came(any_python, snippet):
    # Held by main, the lock gets three waiters 0.5 s apart; each holds it 1 s once it
    # has it. A timed acquire behind them gives up at its deadline; the lock is free at
    # the end, and releasing it then fails as a real lock's release does.
    t = run(any_python, snippet, CONTENDED_LOCK)
    error = "error" if t.python.startswith("2.") else "RuntimeError"  # 2.7: thread.error
    assert t.stdout == ["True False", "False 3.5", "['a', 'b', 'c'] False 6.5", error], t
    assert t.exit == 0
