# Written for the threadport showcase, in the Python 2.7 idiom (not part of the seed):
# the seed's note on daemon threads, shown rather than told. A child interpreter
# starts a daemon thread and a non-daemon worker that both write a log file, then
# its main thread returns. The program exits without waiting for the daemon, which
# is stopped where it stands: its `finally:` never runs and its file is never
# closed. The worker is told to stop through an Event, and its cleanup runs.
# The child interpreter runs this very file: only what child() needs is imported at
# the top, and demo() imports the rest for itself.
import os
import sys
import threading


def daemon_writer(path, written, held):
    log = open(path, 'a')
    try:
        for n in range(1, 4):
            log.write('daemon: line %d\n' % n)
            log.flush()
        written.set()
        # Stands for work still in progress when the program ends. A lock that is
        # already held, not Event.wait(): Python 2 clears module globals at exit
        # while daemon threads still run, and Event.wait() looks one up
        # (_allocate_lock), so a daemon that gets there late dies with
        # "TypeError: 'NoneType' object is not callable" on stderr.
        held.acquire()
    finally:
        log.write('daemon: cleanup ran\n')
        log.close()


def graceful_writer(path, written, stop):
    log = open(path, 'a')
    try:
        for n in range(1, 4):
            log.write('worker: line %d\n' % n)
            log.flush()
        written.set()
        stop.wait()
        log.write('worker: stop requested, finishing\n')
    finally:
        log.write('worker: cleanup ran\n')
        log.close()


def child(folder):
    daemon_written = threading.Event()
    held = threading.Lock()
    held.acquire()
    daemon = threading.Thread(target=daemon_writer, args=(
        os.path.join(folder, 'daemon.log'), daemon_written, held))
    daemon.setDaemon(True)
    daemon.start()

    worker_written, stop = threading.Event(), threading.Event()
    worker = threading.Thread(target=graceful_writer, args=(
        os.path.join(folder, 'worker.log'), worker_written, stop))
    worker.start()

    daemon_written.wait()
    worker_written.wait()
    print 'child: both threads wrote their lines; asking the worker to stop'
    stop.set()
    print 'child: main thread returns; daemon thread still alive:', daemon.isAlive()
    # The interpreter now waits for the non-daemon worker, not for the daemon.


def demo():
    import shutil
    import subprocess
    import tempfile

    folder = tempfile.mkdtemp()
    try:
        # -S: the child needs the standard library only; site's start-up (and the
        # .pth files of whatever is installed) would cost more than the demo itself.
        child_process = subprocess.Popen([sys.executable, '-S', __file__, folder],
                                         stdout=subprocess.PIPE)
        output = child_process.communicate()[0]
        for line in output.splitlines():
            print line
        print 'child exited with status', child_process.returncode
        for name in ('daemon.log', 'worker.log'):
            print '--- %s' % name
            for line in open(os.path.join(folder, name)):
                print line.rstrip('\n')
    finally:
        shutil.rmtree(folder)


def inherited():
    def report(label):
        t = threading.currentThread()
        print '%s: daemon=%s' % (label, t.isDaemon())

    def spawner():
        t = threading.Thread(target=report, args=('thread created by a daemon thread',))
        t.start()
        t.join()

    report('main thread')
    t = threading.Thread(target=report, args=('thread created by the main thread',))
    t.start()
    t.join()
    parent = threading.Thread(target=spawner)
    parent.setDaemon(True)
    parent.start()
    parent.join()


if __name__ == '__main__':
    child(sys.argv[1])
