# Written for the threadport showcase, in the Python 2.7 idiom (not part of the seed):
# a pool of worker threads built from the low-level `thread` module and the
# `Queue` module, as Python 2 code often did. Python 3 renamed them `_thread`
# and `queue` (2to3's fix_imports does that much).
import thread
import Queue


def square_worker(jobs, results, results_lock, finished):
    while True:
        n = jobs.get()
        if n is None:  # one sentinel per worker
            break
        results_lock.acquire()
        try:
            results[n] = n * n
        finally:
            results_lock.release()
    finished.put(True)


def pool(numbers=(7, 3, 9, 1, 5, 2), workers=3):
    jobs, finished = Queue.Queue(), Queue.Queue()
    results, results_lock = {}, thread.allocate_lock()
    for _ in range(workers):
        thread.start_new_thread(square_worker, (jobs, results, results_lock, finished))
    for n in numbers:
        jobs.put(n)
    for _ in range(workers):
        jobs.put(None)
    # thread.start_new_thread() threads are not joined at exit: wait for each.
    for _ in range(workers):
        finished.get()
    print 'squares of %s, sorted (the workers finish in any order):' % list(numbers)
    for n in sorted(results):
        print '%d -> %d' % (n, results[n])
