# Written for the threadport showcase, in the Python 2.7 idiom (not part of the seed):
# a tour of the Thread methods the seed lists, through the camelCase API of the day.
#   t.daemon    t.ident     t.isDaemon  t.join      t.run       t.setName
#   t.getName   t.isAlive   t.is_alive  t.name      t.setDaemon t.start
# The printed labels name the property, not the method, so both halves of the
# pair print the same transcript.
import threading


def where_am_i():
    print 'target running in:', threading.currentThread().getName()


def tour():
    release = threading.Event()
    t = threading.Thread(target=release.wait)
    t.setName('tour-worker')
    t.setDaemon(False)
    print 'name:', t.getName()
    print 'daemon:', t.isDaemon()
    print 'alive before start():', t.isAlive()
    print 'ident before start():', t.ident
    t.start()
    print 'alive after start():', t.isAlive()
    print 'ident after start() is an integer:', isinstance(t.ident, (int, long))
    release.set()
    t.join()
    print 'alive after join():', t.isAlive()
    print 'ident kept after join():', t.ident is not None
    # Python 2.6 added the spellings Python 3 keeps; 2.7 has both.
    print 'snake_case spellings: is_alive()=%s name=%s daemon=%s' % (t.is_alive(), t.name, t.daemon)

    # run() is what start() calls in the new thread; calling it directly
    # just runs the target in the calling thread, and starts nothing.
    direct = threading.Thread(target=where_am_i)
    direct.setName('never-started')
    direct.run()
    print 'alive after a direct run():', direct.isAlive()


def daemon_flag():
    t = threading.Thread(target=where_am_i)
    t.setName('flagged')
    print 'daemon by default (created by the main thread):', t.isDaemon()
    t.setDaemon(True)
    print 'daemon after setting it:', t.isDaemon()
    t.start()
    t.join()
    try:
        t.setDaemon(False)
    except RuntimeError, error:
        print 'setting daemon on a started thread: RuntimeError:', error
