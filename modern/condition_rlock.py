"""Python 3 twin of legacy/condition_rlock.py: Condition and RLock.

``with cond:`` replaces acquire/try/finally/release, ``notify_all()`` replaces
``notifyAll()`` (deprecated since 3.10), ``wait_for(predicate)`` replaces the
hand-written ``while not ...: cond.wait()`` loop, and ``acquire(blocking=False)``
names its argument. ``wake_waiters`` shows why ``notify_all()`` matters: with
several threads waiting, ``notify()`` wakes one and leaves the others waiting.
"""

import threading
import time


def producer_consumer(items: int = 6, consumers: int = 2) -> None:
    """One producer, ``consumers`` consumers, a list guarded by a Condition."""
    cond = threading.Condition()
    pending: list[int] = []
    done = False
    idle = 0
    consumed: list[int] = []

    def consume() -> None:
        nonlocal idle
        while True:
            with cond:
                idle += 1
                cond.wait_for(lambda: pending or done)
                idle -= 1
                if not pending:
                    return  # done, and nothing left
                item = pending.pop(0)
            consumed.append(item)

    threads = [threading.Thread(target=consume) for _ in range(consumers)]
    for thread in threads:
        thread.start()
    for n in range(1, items + 1):
        with cond:
            pending.append(n)
            print(f"produced {n}")
            cond.notify()  # one item: one consumer is enough
    # Wait until every consumer waits for work: the wake-up below must reach each one.
    # Sleep first: a consumer that a notify() above woke counts as idle until it has the
    # lock back, and by the end of a pause (on a virtual clock: once every other thread
    # is blocked) it has it.
    while True:
        time.sleep(0.01)
        with cond:
            if not pending and idle == consumers:
                break
    with cond:
        done = True
        print("producer done: waking every consumer")
        cond.notify_all()  # notify() would wake one, and the other would wait forever
    for thread in threads:
        thread.join()
    print(f"consumed: {sorted(consumed)}")
    print(f"consumers still alive: {sum(thread.is_alive() for thread in threads)}")


def wake(waiters: int, wake_all: bool, patience: float) -> tuple[int, int]:
    """Start ``waiters`` threads waiting for a flag, set it, wake them: (woke, still waiting)."""
    cond = threading.Condition()
    waiting = woke = 0
    go = False

    def wait_for_go() -> None:
        nonlocal waiting, woke
        with cond:
            waiting += 1
            cond.wait_for(lambda: go)
            woke += 1

    threads = [threading.Thread(target=wait_for_go) for _ in range(waiters)]
    for thread in threads:
        thread.start()
    while True:  # until every thread is inside wait()
        with cond:
            if waiting == waiters:
                break
        time.sleep(0.01)
    with cond:
        go = True
        if wake_all:
            cond.notify_all()
        else:
            cond.notify()
    time.sleep(patience)  # ample time for every woken thread to finish
    with cond:
        counted = woke
    still_waiting = sum(thread.is_alive() for thread in threads)
    with cond:
        cond.notify_all()  # let the stranded ones go, so that the program can end
    for thread in threads:
        thread.join()
    return counted, still_waiting


def wake_waiters(waiters: int = 3, patience: float = 1.0) -> None:
    """notify_all() wakes every waiter; notify(), the control, wakes one and strands the rest."""
    print(f"{waiters} threads wait on one Condition until a flag is set")
    print("notify all: {} woke, {} still waiting".format(*wake(waiters, True, patience)))
    print("notify one (control): {} woke, {} still waiting".format(*wake(waiters, False, patience)))


class Account:
    """A method that takes the lock calls another that takes it too: the RLock use case."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.balance = 0

    def deposit(self, amount: int) -> None:
        with self.lock:
            self.balance += amount

    def deposit_twice(self, amount: int) -> None:
        with self.lock:
            self.deposit(amount)
            self.deposit(amount)


def yes_no(acquired: bool) -> str:
    """Print the answer, not the value: a nested RLock.acquire() may return 1 or True."""
    return "yes" if acquired else "no"


def reentrant() -> None:
    """A Lock refuses its owner a second time; an RLock counts, and refuses other threads."""
    plain, rlock = threading.Lock(), threading.RLock()
    with plain:
        print(f"Lock acquired again by its owner (non-blocking): {yes_no(plain.acquire(blocking=False))}")

    with rlock:
        print(f"RLock acquired again by its owner: {yes_no(rlock.acquire(blocking=False))}")
        result: list[bool] = []
        other = threading.Thread(target=lambda: result.append(rlock.acquire(blocking=False)))
        other.start()
        other.join()
        print(f"RLock acquired by another thread while owned (non-blocking): {yes_no(result[0])}")
        rlock.release()
    print(f"RLock released as many times as acquired, then acquired: {yes_no(rlock.acquire(blocking=False))}")
    rlock.release()

    account = Account()
    account.deposit_twice(5)
    print(f"nested locking with an RLock: balance = {account.balance}")
