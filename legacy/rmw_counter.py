# Written for the threadport showcase, in the Python 2.7 idiom (not part of the seed):
# "operations that read a variable or attribute, modifies it, and then writes it
# back are not thread-safe". `counter += 1` is such an operation: a read, an add
# and a write. Here the read and the write are split by time.sleep(pause), which
# lets the other threads run in between, as the interpreter may at any bytecode;
# so every run loses updates, not just an unlucky one. The locked version holds
# a lock from the read to the write and loses none.
import threading
import time

counter = 0
lock = threading.Lock()


def add_unlocked(times, pause):
    global counter
    for _ in xrange(times):
        value = counter
        time.sleep(pause)  # another thread reads the same value here
        counter = value + 1


def add_locked(times, pause):
    global counter
    for _ in xrange(times):
        lock.acquire()
        try:
            value = counter
            time.sleep(pause)  # the others wait for the lock
            counter = value + 1
        finally:
            lock.release()


def count(adder, threads, times, pause):
    global counter
    counter = 0
    workers = [threading.Thread(target=adder, args=(times, pause)) for _ in xrange(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return counter


def once(threads=4, times=5, pause=0.001):
    expected = threads * times
    print '%d threads add 1, %d times each: expected %d' % (threads, times, expected)
    for label, adder in (('unlocked', add_unlocked), ('locked', add_locked)):
        total = count(adder, threads, times, pause)
        print '%s: counter = %d, lost %d updates' % (label, total, expected - total)


def repeated(runs=100, threads=4, times=5, pause=0.001):
    expected = threads * times
    for label, adder in (('unlocked', add_unlocked), ('locked', add_locked)):
        lossy = 0
        for _ in xrange(runs):
            if count(adder, threads, times, pause) != expected:
                lossy += 1
        print '%s: lost updates in %d of %d runs' % (label, lossy, runs)


# Without the pause: plain threads doing counter += 1 as fast as they can. Whether
# updates are lost now depends on where the interpreter lets another thread run:
# Python 2.7 may switch between any two bytecodes (every 100 "ticks"), so the read
# and the write of counter += 1 are often split and updates are lost. Not part of
# the catalogue's compared entries: the numbers differ from run to run and between
# interpreters (tests/test_slow.py declares what each interpreter shows).
def add_plain(times):
    global counter
    for _ in xrange(times):
        counter += 1


def plain_threads(threads=4, times=200000, runs=3):
    for run in xrange(1, runs + 1):
        total = count(lambda times, pause: add_plain(times), threads, times, 0)
        print 'run %d: %d threads x %d plain counter += 1, lost %d' % (
            run, threads, times, threads * times - total)
