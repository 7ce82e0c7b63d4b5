# Written for the threadport showcase, in the Python 2.7 idiom (not part of the seed):
# "Python code may be executed when objects are destroyed, so even seemingly
# simple operations may cause other threads to run". Replacing a dictionary
# value drops the last reference to the old value, whose __del__ runs right
# there, inside the assignment. This __del__ waits for an Event, as a real one
# might wait for a lock or a socket, and another thread runs meanwhile and
# changes the same dictionary.
import threading


class Connection(object):

    def __init__(self, name, closing, closed):
        self.name = name
        self.closing = closing
        self.closed = closed

    def __del__(self):
        print '__del__ of %s runs in %s, inside the assignment' % (
            self.name, threading.currentThread().getName())
        self.closing.set()
        self.closed.wait()  # e.g. flushing to a server, or taking a lock


def demo():
    closing, closed = threading.Event(), threading.Event()
    cache = {'conn': Connection('old connection', closing, closed)}

    def other():
        closing.wait()
        print 'other thread runs meanwhile and sets cache["conn"]'
        cache['conn'] = 'set by the other thread'
        closed.set()

    t = threading.Thread(target=other, name='other')
    t.start()
    print 'main: cache["conn"] = "new connection"  (one simple statement)'
    cache['conn'] = 'new connection'
    print 'main: right after it, cache["conn"] is %r' % cache['conn']
    t.join()
