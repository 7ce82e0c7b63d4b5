# Written for the threadport showcase, in the Python 2.7 idiom (not part of the seed):
# a producer and two consumers sharing a list through a threading.Condition, and
# the re-entrant lock (RLock) that a Condition uses by default.
import threading


def producer_consumer(items=6, consumers=2):
    cond = threading.Condition()
    pending = []
    state = {'done': False}
    consumed = []

    def consume():
        while True:
            cond.acquire()
            try:
                while not pending and not state['done']:
                    cond.wait()
                if not pending:
                    return  # done, and nothing left
                item = pending.pop(0)
            finally:
                cond.release()
            consumed.append(item)

    threads = [threading.Thread(target=consume) for _ in range(consumers)]
    for t in threads:
        t.start()
    for n in range(1, items + 1):
        cond.acquire()
        try:
            pending.append(n)
            print 'produced %d' % n
            cond.notify()  # one item: one consumer is enough
        finally:
            cond.release()
    cond.acquire()
    try:
        state['done'] = True
        print 'producer done: waking every consumer'
        cond.notifyAll()  # notify() would wake one, and the other would wait forever
    finally:
        cond.release()
    for t in threads:
        t.join()
    print 'consumed: %s' % sorted(consumed)
    print 'consumers still alive: %d' % len([t for t in threads if t.isAlive()])


def yes_no(acquired):
    # RLock.acquire() returns 1 here (Python 2's RLock is pure Python), True
    # elsewhere: print the answer, not the value.
    if acquired:
        return 'yes'
    return 'no'


def reentrant():
    plain, rlock = threading.Lock(), threading.RLock()
    plain.acquire()
    print 'Lock acquired again by its owner (non-blocking): %s' % yes_no(plain.acquire(False))
    plain.release()

    rlock.acquire()
    print 'RLock acquired again by its owner: %s' % yes_no(rlock.acquire(False))
    result = []
    other = threading.Thread(target=lambda: result.append(rlock.acquire(False)))
    other.start()
    other.join()
    print 'RLock acquired by another thread while owned (non-blocking): %s' % yes_no(result[0])
    rlock.release()
    rlock.release()
    print 'RLock released as many times as acquired, then acquired: %s' % yes_no(rlock.acquire(False))
    rlock.release()

    # The use case: a method that takes the lock calls another that takes it too.
    class Account(object):
        def __init__(self):
            self.lock = threading.RLock()
            self.balance = 0

        def deposit(self, amount):
            self.lock.acquire()
            try:
                self.balance += amount
            finally:
                self.lock.release()

        def deposit_twice(self, amount):
            self.lock.acquire()
            try:
                self.deposit(amount)
                self.deposit(amount)
            finally:
                self.lock.release()

    account = Account()
    account.deposit_twice(5)
    print 'nested locking with an RLock: balance = %d' % account.balance
