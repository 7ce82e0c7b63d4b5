"""Python 3 twin of legacy/condition_rlock.py: Condition and RLock.

``with cond:`` replaces acquire/try/finally/release, ``notify_all()`` replaces
``notifyAll()`` (deprecated since 3.10), ``wait_for(predicate)`` replaces the
hand-written ``while not ...: cond.wait()`` loop, and ``acquire(blocking=False)``
names its argument.
"""

import threading


def producer_consumer(items: int = 6, consumers: int = 2) -> None:
    """One producer, ``consumers`` consumers, a list guarded by a Condition."""
    cond = threading.Condition()
    pending: list[int] = []
    done = False
    consumed: list[int] = []

    def consume() -> None:
        while True:
            with cond:
                cond.wait_for(lambda: pending or done)
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
    with cond:
        done = True
        print("producer done: waking every consumer")
        cond.notify_all()  # notify() would wake one, and the other would wait forever
    for thread in threads:
        thread.join()
    print(f"consumed: {sorted(consumed)}")
    print(f"consumers still alive: {sum(thread.is_alive() for thread in threads)}")


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
