# Written for the threadport showcase, in the Python 2.7 idiom (not part of the seed):
# the seed's list of thread-safe operations (from the effbot article), each one
# done by several threads at once, counted afterwards: nothing is lost or torn.
# (In CPython each of these is a single bytecode or a single C call that holds
# the global interpreter lock throughout.)
import threading


class Box(object):
    pass


box = Box()
latest = (0, 0, 0)


def run_threads(count, target):
    """Start `count` threads on target(n, gate) and release them together."""
    gate = threading.Event()
    threads = [threading.Thread(target=target, args=(n, gate)) for n in range(count)]
    for t in threads:
        t.start()
    gate.set()
    for t in threads:
        t.join()


def consistent(value):
    return value[2] == value[0] * value[1]


def demo(threads=4, operations=1000):
    total = threads * operations
    print '%d threads x %d operations each, for every operation below' % (threads, operations)

    # modifying a list in place (append)
    items = []

    def appender(n, gate):
        gate.wait()
        for i in xrange(operations):
            items.append((n, i, n * i))
    run_threads(threads, appender)
    print 'list.append: %d items, %d lost' % (len(items), total - len(items))

    # fetching an item from a list, while other threads append to it
    growing = [(0, 0, 0)]
    bad = []

    def fetcher(n, gate):
        gate.wait()
        for i in xrange(operations):
            growing.append((n, i, n * i))
            if not consistent(growing[i]):
                bad.append(i)
    run_threads(threads, fetcher)
    print 'list[i] read while the list grows: %d reads, %d bad items' % (total, len(bad))

    # modifying a dictionary in place (adding an item)
    table = {}

    def setter(n, gate):
        gate.wait()
        for i in xrange(operations):
            table[n, i] = n * i
    run_threads(threads, setter)
    print 'dict[key] = value: %d keys, %d lost' % (len(table), total - len(table))

    # fetching an item from a dictionary, while other threads replace it
    shared = {'value': (0, 0, 0)}
    bad = []

    def getter(n, gate):
        gate.wait()
        for i in xrange(operations):
            shared['value'] = (n, i, n * i)
            if not consistent(shared['value']):
                bad.append(i)
    run_threads(threads, getter)
    print 'dict[key] read while it is replaced: %d reads, %d torn values' % (total, len(bad))

    # modifying a dictionary in place (calling the clear method)
    cleared = {}
    errors = []

    def clearer(n, gate):
        gate.wait()
        for i in xrange(operations):
            try:
                cleared[n, i] = i
                cleared.clear()
            except Exception, error:
                errors.append(error)
    run_threads(threads, clearer)
    # Every thread ends on a clear(), so the last operation of all is a clear().
    print 'dict.clear() while items are added: %d rounds, %d errors, %d keys left' % (
        total, len(errors), len(cleared))

    # reading or replacing a single instance attribute
    bad = []

    def attribute(n, gate):
        gate.wait()
        for i in xrange(operations):
            box.value = (n, i, n * i)
            if not consistent(box.value):
                bad.append(i)
    box.value = (0, 0, 0)
    run_threads(threads, attribute)
    print 'obj.attr = value: %d replacements and reads, %d torn values' % (total, len(bad))

    # reading or replacing a single global variable
    bad = []

    def global_variable(n, gate):
        global latest
        gate.wait()
        for i in xrange(operations):
            latest = (n, i, n * i)
            if not consistent(latest):
                bad.append(i)
    run_threads(threads, global_variable)
    print 'global = value: %d replacements and reads, %d torn values' % (total, len(bad))
