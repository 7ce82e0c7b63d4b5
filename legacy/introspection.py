# Written for the threadport showcase, in the Python 2.7 idiom (not part of the seed):
# asking the threading module about threads: currentThread().getName(),
# activeCount() and enumerate().
import threading


def census(workers=3):
    print 'running in: %s' % threading.currentThread().getName()
    before = threading.activeCount()
    release = threading.Event()
    started = []
    lock = threading.Lock()

    def work():
        lock.acquire()
        try:
            started.append(threading.currentThread().getName())
        finally:
            lock.release()
        release.wait()

    threads = []
    for n in range(1, workers + 1):
        t = threading.Thread(target=work, name='worker-%d' % n)
        threads.append(t)
        t.start()
    # activeCount() counts started threads that have not finished.
    print 'active thread count grew by %d' % (threading.activeCount() - before)
    names = sorted(t.getName() for t in threading.enumerate() if t.getName().startswith('worker-'))
    print 'enumerate() lists: %s' % ', '.join(names)
    release.set()
    for t in threads:
        t.join()
    print 'each worker saw itself as: %s' % ', '.join(sorted(started))
    print 'after join(), the active thread count is back: %s' % (threading.activeCount() == before)
    main_listed = threading.currentThread() in threading.enumerate()
    print 'the main thread is listed by enumerate(): %s' % main_listed
