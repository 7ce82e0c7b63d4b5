# Written for the threadport showcase, in the Python 2.7 idiom (not part of the seed):
# a producer and two consumers sharing a list through a threading.Condition,
# several waiters woken by notifyAll() beside the notify() that strands them, and
# the re-entrant lock (RLock) that a Condition uses by default.
import threading
import time


def producer_consumer(items=6, consumers=2):
    cond = threading.Condition()
    pending = []
    state = {'done': False, 'idle': 0}
    consumed = []

    def consume():
        while True:
            cond.acquire()
            try:
                while not pending and not state['done']:
                    state['idle'] += 1
                    cond.wait()
                    state['idle'] -= 1
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
    # Wait until every consumer waits for work: the wake-up below must reach each one.
    # Sleep first: a consumer that a notify() above woke counts as idle until it has the
    # lock back, and by the end of a pause (on a virtual clock: once every other thread
    # is blocked) it has it.
    while True:
        time.sleep(0.01)
        cond.acquire()
        try:
            if not pending and state['idle'] == consumers:
                break
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


def wake(waiters, wake_all, patience):
    cond = threading.Condition()
    state = {'waiting': 0, 'go': False, 'woke': 0}

    def wait_for_go():
        cond.acquire()
        try:
            state['waiting'] += 1
            while not state['go']:
                cond.wait()
            state['woke'] += 1
        finally:
            cond.release()

    threads = [threading.Thread(target=wait_for_go) for _ in range(waiters)]
    for t in threads:
        t.start()
    while True:  # until every thread is inside wait()
        cond.acquire()
        try:
            if state['waiting'] == waiters:
                break
        finally:
            cond.release()
        time.sleep(0.01)
    cond.acquire()
    try:
        state['go'] = True
        if wake_all:
            cond.notifyAll()
        else:
            cond.notify()
    finally:
        cond.release()
    time.sleep(patience)  # ample time for every woken thread to finish
    cond.acquire()
    try:
        woke = state['woke']
    finally:
        cond.release()
    still_waiting = len([t for t in threads if t.isAlive()])
    cond.acquire()
    try:
        cond.notifyAll()  # let the stranded ones go, so that the program can end
    finally:
        cond.release()
    for t in threads:
        t.join()
    return woke, still_waiting


def wake_waiters(waiters=3, patience=1.0):
    print '%d threads wait on one Condition until a flag is set' % waiters
    print 'notify all: %d woke, %d still waiting' % wake(waiters, True, patience)
    print 'notify one (control): %d woke, %d still waiting' % wake(waiters, False, patience)


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
